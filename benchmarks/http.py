"""What a user waits for: whole HTTP responses from gunicorn under production settings.

    .venv/bin/python benchmarks/http.py --programs 1000
    .venv/bin/python benchmarks/http.py --programs 100000 --keep   # keep the seeded database

It makes its own PostgreSQL database on --server (dropped at the end unless --keep; a kept
database with the same number of programmes is reused, so a 100k catalogue is seeded once),
seeds it with seed_demo, collects static files into a temporary folder, starts gunicorn with
2 workers and production settings (DEBUG off, a secret key, API throttles off so the run is
not throttled), and times, from one client and interleaved request by request:

- ``home`` (the home page) and ``vocabularies`` (``GET /api/v1/vocabularies/``): cheap views;
- ``program``: ``GET /api/v1/programs/<slug>/`` over a spread of published slugs;
- ``match typical`` / ``match broad``: ``POST /api/v1/match/`` (see ``match_body``);
- ``directory``: ``/programs/?near=ZIP&radius=25&condition=depression&insurance=aetna`` (HTML),
  as most visitors get it: a search someone asked for before, its main part from the shared
  cache (programs/html_cache.py);
- ``directory, first visit``: the same searches, each new to the cache, so rendered in full;
- ``programme page`` and ``programme page, first visit``: ``/programs/<slug>/`` (HTML), alike.

It prints p50/p95/max per kind, match p50 / programme-read p50, and each worker's RSS after
the run. All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This file is named like the standard library's http package: take its folder off the import
# path before anything imports http.client, and reach the shared helpers through the project.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from urllib.parse import urlencode, urlparse, urlunparse  # noqa: E402

import psutil  # noqa: E402
import psycopg2  # noqa: E402

from benchmarks import _common  # noqa: E402

HOST = "127.0.0.1"
WORKERS = 2
ZIPS = _common.CITY_ZIPS
CONDITION, INSURER = "depression", "aetna"
SLUGS_SAMPLED = 40
READY_TIMEOUT_S = 90
REQUEST_TIMEOUT_S = 60
# Behind the TLS proxy of a real deployment: production settings redirect plain HTTP.
HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}
# Makes the "first visit" query strings of this run new to the shared page cache.
RUN = uuid.uuid4().hex[:8]


def match_body(zip_code: str, *, broad: bool) -> dict:
    """The one JSON intake the benchmark sends to POST /api/v1/match/.

    The API refuses keys it does not know, so when the questionnaire changes, this is the
    one place to follow it. Every safety answer is "no", so the seeker is screened for IOP.
    """
    safety = {
        "wish_dead": False,
        "suicidal_thoughts": False,
        "suicide_behavior": "never",
        "harm_others": False,
        "psychosis_danger": False,
        "medical_danger": False,
        "recent_hospitalization": False,
        "needs_withdrawal_support": False,
    }
    if broad:
        # Virtual only: every programme licensed in the seeker's state is reachable.
        intake = {"conditions": [CONDITION], "format": "virtual"}
    else:
        intake = {
            "conditions": [CONDITION, "anxiety"],
            "radius": 25,
            "format": "either",
            "insurance": INSURER,
            "insurance_required": True,
            "availability": ["evening"],
            "therapies": ["cbt"],
            "goals": ["keep-working"],
            "age": 35,
        }
    return {**intake, "location": zip_code, "severity": "moderate", **safety}


def directory_path(zip_code: str, condition: str = CONDITION, insurer: str = INSURER) -> str:
    query = urlencode(
        {"near": zip_code, "radius": 25, "condition": condition, "insurance": insurer}
    )
    return f"/programs/?{query}"


# --- The database -----------------------------------------------------------------------


def database_url(server: str, name: str) -> str:
    return urlunparse(urlparse(server)._replace(path=f"/{name}"))


def programme_count(url: str) -> int | None:
    """Demo programmes in the database at ``url``; None when it does not exist or is empty."""
    try:
        connection = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('programs_program') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return None
            cursor.execute("SELECT count(*) FROM programs_program")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def published_slugs(url: str, count: int) -> list[str]:
    """``count`` published slugs spread evenly over the catalogue (the same every run)."""
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT slug FROM programs_program WHERE status = 'published' ORDER BY id"
            )
            slugs = [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()
    step = max(1, len(slugs) // count)
    return slugs[::step][:count]


def vacuum_analyse(url: str) -> None:
    """As autovacuum would after a bulk load: statistics and the visibility map."""
    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    finally:
        connection.close()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(url: str, programs: int, env: dict[str, str], reuse: bool) -> float | None:
    """Migrate and seed ``programs`` demo programmes; None when a kept database was reused."""
    if reuse and programme_count(url) == programs:
        manage(env, "migrate", "--noinput", "-v0")
        return None
    _common.drop_database(url)
    _common.create_database(url)
    manage(env, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    manage(env, "seed_demo", "--programs", str(programs), "--seed", "1")
    seconds = time.perf_counter() - started
    vacuum_analyse(url)
    return seconds


# --- The server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_env(url: str, static_root: Path, cache_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.http_settings",
        "IOPFINDER_BENCH_STATIC_ROOT": str(static_root),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_API_THROTTLE_ANON": "off",
        "DJANGO_API_THROTTLE_USER": "off",
        "DJANGO_API_THROTTLE_MATCH": "off",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_CACHE_URL", None)
    if cache_url:
        env["DJANGO_CACHE_URL"] = cache_url
    return env


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "iopfinder.wsgi:application",
                "--workers",
                str(WORKERS),
                "--bind",
                f"{HOST}:{port}",
                "--log-level",
                "warning",
                "--timeout",
                str(REQUEST_TIMEOUT_S),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.terminate()  # SIGTERM: gunicorn stops its workers gracefully
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- Requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    ms: float


def request(port: int, method: str, path: str, body: dict | None = None) -> Response:
    """One request on a fresh connection (gunicorn's sync workers close each one)."""
    headers = dict(HEADERS)
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    return Response(response.status, data, (time.perf_counter() - started) * 1000)


def wait_until_ready(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if request(port, "GET", "/api/v1/vocabularies/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(
        f"gunicorn was not ready after {READY_TIMEOUT_S} s:\n{log.read_text()[-3000:]}"
    )


Kind = Callable[[int], tuple[str, str, dict | None]]


def kinds(slugs: list[str]) -> dict[str, Kind]:
    """Each kind of request, as (method, path, body) for the n-th round."""
    return {
        "home": lambda n: ("GET", "/", None),
        "vocabularies": lambda n: ("GET", "/api/v1/vocabularies/", None),
        "program": lambda n: ("GET", f"/api/v1/programs/{slugs[n % len(slugs)]}/", None),
        "match typical": lambda n: (
            "POST",
            "/api/v1/match/",
            match_body(ZIPS[n % len(ZIPS)], broad=False),
        ),
        "match broad": lambda n: (
            "POST",
            "/api/v1/match/",
            match_body(ZIPS[n % len(ZIPS)], broad=True),
        ),
        "directory": lambda n: ("GET", directory_path(ZIPS[n % len(ZIPS)]), None),
        # The same searches, each asked for the first time (an unused parameter makes the
        # query string new), so the page is rendered, never taken from the shared cache.
        "directory, first visit": lambda n: (
            "GET",
            f"{directory_path(ZIPS[n % len(ZIPS)])}&visit={RUN}-{n}",
            None,
        ),
        "programme page": lambda n: ("GET", f"/programs/{slugs[n % len(slugs)]}/", None),
        "programme page, first visit": lambda n: (
            "GET",
            f"/programs/{slugs[n % len(slugs)]}/?visit={RUN}-{n}",
            None,
        ),
    }


def checked(port: int, name: str, method: str, path: str, body: dict | None) -> Response:
    response = request(port, method, path, body)
    if response.status != 200:
        raise SystemExit(f"{name}: {method} {path} gave {response.status}: {response.body[:500]!r}")
    return response


def workers_cpu_seconds(workers: list[psutil.Process]) -> float:
    """CPU time the workers have used so far (user and system)."""
    return sum(sum(worker.cpu_times()[:2]) for worker in workers)


def measure(
    port: int, workers: list[psutil.Process], slugs: list[str], rounds: int, max_seconds: float
) -> dict[str, dict[str, list]]:
    """Warm both workers, then one request of each kind per round, interleaved.

    Besides the wall time, each request's worker CPU time is kept: one client means one busy
    worker at a time, and CPU time hardly moves when other programs load the machine. The
    kernel counts it in ticks (10 ms), so only a mean over many requests means anything.
    """
    plan = kinds(slugs)
    for n in range(2 * len(ZIPS)):  # each worker builds its ZIP index and query plans
        for name, build in plan.items():
            checked(port, name, *build(n))
    samples: dict[str, list[float]] = {name: [] for name in plan}
    cpu_ms: dict[str, list[float]] = {name: [] for name in plan}
    results: dict[str, list[int]] = {"match typical": [], "match broad": []}
    deadline = time.monotonic() + max_seconds
    for n in range(rounds):
        if time.monotonic() > deadline:
            break
        for name, build in plan.items():
            cpu_before = workers_cpu_seconds(workers)
            response = checked(port, name, *build(n))
            cpu_ms[name].append((workers_cpu_seconds(workers) - cpu_before) * 1000)
            samples[name].append(response.ms)
            if name in results:
                results[name].append(len(json.loads(response.body)["results"]))
    return {"samples": samples, "cpu_ms": cpu_ms, "results": results}


def worker_rss_mb(workers: list[psutil.Process]) -> list[float]:
    return sorted(round(worker.memory_info().rss / 2**20, 1) for worker in workers)


# --- Main -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=1_000, help="demo programmes to seed")
    parser.add_argument(
        "--server",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server (the benchmark creates its own database there)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database (iop_bench_http_<N>) and reuse it when it has N programmes",
    )
    parser.add_argument("--rounds", type=int, default=90, help="requests of each kind")
    parser.add_argument("--max-seconds", type=float, default=300, help="stop measuring after")
    parser.add_argument(
        "--cache-url",
        default="redis://127.0.0.1:6379/5",
        help="DJANGO_CACHE_URL (production settings require Redis)",
    )
    parser.add_argument("--json", action="store_true", help="print the rows as JSON as well")
    args = parser.parse_args()
    if urlparse(args.server).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("--server must be a local PostgreSQL server")

    name = f"iop_bench_http_{args.programs}" if args.keep else f"iop_bench_{uuid.uuid4().hex[:8]}"
    url = database_url(args.server, name)
    workdir = Path(tempfile.mkdtemp(prefix="iop_http_bench_"))
    env = server_env(url, workdir / "static", args.cache_url)
    server = None
    try:
        seed_seconds = prepare_database(url, args.programs, env, reuse=args.keep)
        manage(env, "collectstatic", "--noinput", "-v0")
        slugs = published_slugs(url, SLUGS_SAMPLED)
        port = free_port()
        log = workdir / "gunicorn.log"
        server = start_gunicorn(env, port, log)
        wait_until_ready(server, port, log)
        started = time.perf_counter()
        workers = psutil.Process(server.pid).children()
        measured = measure(port, workers, slugs, args.rounds, args.max_seconds)
        took = time.perf_counter() - started
        rss = worker_rss_mb(workers)
    finally:
        if server is not None:
            stop_gunicorn(server)
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            _common.drop_database(url)

    rows = []
    for kind, samples in measured["samples"].items():
        p50, p95 = _common.percentiles(samples)
        rows.append(
            {
                "kind": kind,
                "requests": len(samples),
                "p50_ms": round(p50, 1),
                "p95_ms": round(p95, 1),
                "max_ms": round(max(samples), 1),
                "worker_cpu_ms": round(statistics.mean(measured["cpu_ms"][kind]), 1),
            }
        )
    p50 = {row["kind"]: row["p50_ms"] for row in rows}
    seeded = "reused" if seed_seconds is None else f"seeded in {seed_seconds:.0f} s"
    print(
        f"HTTP, gunicorn {WORKERS} workers, production settings, PostgreSQL, "
        f"{args.programs:,} programmes ({seeded}); one client, interleaved, {took:.0f} s"
    )
    _common.print_table(rows, ["kind", "requests", "p50_ms", "p95_ms", "max_ms", "worker_cpu_ms"])
    print("(worker_cpu_ms: the gunicorn worker's mean CPU time per request, database excluded)")
    for kind in ("match typical", "match broad"):
        counts = measured["results"][kind]
        print(
            f"{kind} p50 / program p50: {p50[kind] / p50['program']:.1f}x"
            f" (results per response: {sum(counts) / len(counts):.1f} on average)"
        )
    print(f"worker RSS after the run (MB): {', '.join(str(mb) for mb in rss)}")
    if args.json:
        print(json.dumps({"programmes": args.programs, "rows": rows, "worker_rss_mb": rss}))


if __name__ == "__main__":
    main()
