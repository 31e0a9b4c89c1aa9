"""Two web servers act as one: a throttle, a session and a share-link revocation hold across both.

    .venv/bin/python benchmarks/two_servers.py

It starts a Redis of its own (on a free port, nothing saved to disk), makes its own database on
the local PostgreSQL server (--server; dropped at the end), and runs two gunicorn servers on two
ports of 127.0.0.1 with production settings, both pointed at that one database and that one
Redis, as two web machines behind a load balancer would be. Then, alternating servers:

- throttle: match API requests over a 3/minute limit, spread over A and B, are refused (429) on
  the fourth, whichever server gets it; a failed log-in on A slows the next try on B;
- session: logged in on A, the clinician's shortlists open on B;
- share link: made on A, opens on B; revoked on A, no longer opens on B.

It prints one line per check and exits non-zero when one fails. All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# benchmarks/http.py is named like the standard library's http package: keep this folder off
# the import path and reach the helpers through the project package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

import requests  # noqa: E402

from benchmarks import _common  # noqa: E402
from benchmarks import http as bench  # noqa: E402

HOST = bench.HOST
EMAIL, PASSWORD = "two.servers@clinic.example", "quiet-harbor-lantern-42"
SETUP = f"""
from matching.clinicians.services import clinician_approve, clinician_register
clinician = clinician_register(email={EMAIL!r}, password={PASSWORD!r}, name="Two Servers",
                               credentials="LCSW", organisation="Benchmark")
clinician_approve(clinician=clinician)
"""


def start_redis(port: int) -> subprocess.Popen:
    """A Redis of our own: nothing saved, only 127.0.0.1."""
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        probe = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True)
        if probe.stdout.strip() == b"PONG":
            return server
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("redis-server did not start")


class Browser:
    """One person's browser, talking to whichever server it is given, over the TLS proxy.

    Production cookies are Secure, so they are carried by hand over the plain local HTTP.
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def call(self, port: int, method: str, path: str, **kwargs: object) -> requests.Response:
        headers = {
            **bench.HEADERS,
            "Referer": f"https://{HOST}/",
            "Origin": f"https://{HOST}",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        response = requests.request(
            method,
            f"http://{HOST}:{port}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=bench.REQUEST_TIMEOUT_S,
            **kwargs,  # type: ignore[arg-type]
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def log_in(self, port: int, password: str, email: str = EMAIL) -> requests.Response:
        self.call(port, "GET", "/clinicians/login/")
        form = {
            "username": email,
            "password": password,
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
        }
        return self.call(port, "POST", "/clinicians/login/", data=form)


def checks(a: int, b: int, slug: str) -> list[tuple[str, bool, str]]:
    results: list[tuple[str, bool, str]] = []
    match = bench.match_body("10001", broad=True)
    codes = [
        Browser().call(port, "POST", "/api/v1/match/", json=match).status_code
        for port in (a, b, a, b)
    ]
    results.append(
        ("throttle: match API 3/minute over A,B,A,B", codes == [200, 200, 200, 429], str(codes))
    )

    guesser = Browser()
    wrong = guesser.log_in(a, "not the password").status_code
    right_on_b = guesser.log_in(b, PASSWORD).status_code
    results.append(
        (
            "throttle: failed log-in on A slows the next try on B",
            (wrong, right_on_b) == (400, 429),
            f"A {wrong}, then B {right_on_b}",
        )
    )
    time.sleep(1.2)

    clinician = Browser()
    logged_in = clinician.log_in(a, PASSWORD).status_code
    on_b = clinician.call(b, "GET", "/shortlists/").status_code
    anonymous_on_b = Browser().call(b, "GET", "/shortlists/").status_code
    results.append(
        (
            "session: logged in on A, shortlists open on B",
            (logged_in, on_b, anonymous_on_b) == (302, 200, 302),
            f"login A {logged_in}, B {on_b} (anonymous B {anonymous_on_b})",
        )
    )

    shortlist = clinician.call(a, "POST", "/api/v1/shortlists/", json={"title": "Two servers"})
    shortlist_id = shortlist.json()["id"]
    clinician.call(b, "POST", f"/api/v1/shortlists/{shortlist_id}/items/", json={"program": slug})
    link = clinician.call(a, "POST", f"/api/v1/shortlists/{shortlist_id}/share/", json={"days": 7})
    path = urlparse(link.json()["url"]).path
    patient = Browser()
    before = patient.call(b, "GET", path).status_code
    revoked = clinician.call(a, "DELETE", f"/api/v1/shortlists/{shortlist_id}/share/").status_code
    after = patient.call(b, "GET", path).status_code
    results.append(
        (
            "share link: made on A opens on B; revoked on A, gone on B",
            before == 200 and revoked == 204 and after in (404, 410),
            f"B {before}, revoke A {revoked}, B {after}",
        )
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    if urlparse(args.server).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("--server must be a local PostgreSQL server")

    url = bench.database_url(args.server, f"iop_two_{uuid.uuid4().hex[:8]}")
    workdir = Path(tempfile.mkdtemp(prefix="iop_two_servers_"))
    redis_port = bench.free_port()
    redis = start_redis(redis_port)
    servers: list[subprocess.Popen] = []
    try:
        env = bench.server_env(url, workdir / "static", f"redis://{HOST}:{redis_port}/0")
        env["DJANGO_API_THROTTLE_MATCH"] = "3/minute"
        _common.create_database(url)
        bench.manage(env, "migrate", "--noinput", "-v0")
        bench.manage(env, "seed_demo", "--programs", "20", "--seed", "1")
        bench.manage(env, "shell", "-c", SETUP)
        bench.manage(env, "collectstatic", "--noinput", "-v0")
        slug = bench.published_slugs(url, 1)[0]
        ports = [bench.free_port(), bench.free_port()]
        for index, port in enumerate(ports):
            log = workdir / f"gunicorn-{index}.log"
            servers.append(bench.start_gunicorn(env, port, log))
            bench.wait_until_ready(servers[-1], port, log)
        results = checks(*ports, slug)
    finally:
        for server in servers:
            bench.stop_gunicorn(server)
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
        _common.drop_database(url)

    print(
        f"Two gunicorn servers (127.0.0.1:{ports[0]} A, :{ports[1]} B), one PostgreSQL, one Redis"
    )
    for name, ok, detail in results:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")
    if not all(ok for _, ok, _ in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
