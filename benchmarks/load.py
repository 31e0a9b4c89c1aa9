"""Load: 50 concurrent clients for 60 s over a realistic mix, against gunicorn, PostgreSQL, Redis.

    .venv/bin/python benchmarks/load.py                      # 10,000 programmes, 50 clients, 60 s
    .venv/bin/python benchmarks/load.py --keep               # keep/reuse the seeded database

Like benchmarks/http.py it makes (or, with --keep, reuses) its own database on the local
PostgreSQL server, collects static files, and runs gunicorn (--workers) with production
settings; it starts a Redis of its own for the cache. API throttles are off (one client address
plays fifty people). Each client thread, until the time is up, picks a request by weight:

- directory 50%: ``/programs/?near=ZIP&radius=25&condition=C&insurance=I`` over 18 city ZIPs,
  3 concerns and 3 insurers (162 searches);
- programme 25%: ``/programs/<slug>/`` (HTML);
- match 15%: ``POST /api/v1/match/`` (benchmarks/http.py's typical intake);
- share 5%: a patient's share page ``/s/<token>/``;
- edit 5%: a signed-in clinician renames a shortlist (``PATCH /api/v1/shortlists/<id>/``).

It prints throughput and p50/p95/p99 per kind and in all, and counts errors (any status other
than the one expected). Targets: 0 errors, p95 <= 300 ms, >= 150 requests/s. 127.0.0.1 only.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import defaultdict  # noqa: E402
from urllib.parse import urlparse  # noqa: E402

import psutil  # noqa: E402

from benchmarks import _common  # noqa: E402
from benchmarks import http as bench  # noqa: E402
from benchmarks.two_servers import Browser, start_redis  # noqa: E402

HOST = bench.HOST
CLINICIANS = 5
# 18 cities x 3 concerns x 3 insurers: 162 different searches.
CONDITIONS = ("depression", "anxiety", "ptsd-trauma")
INSURERS = ("aetna", "medicaid", "cigna")
MIX = {"directory": 50, "programme": 25, "match": 15, "share": 5, "edit": 5}
SETUP = """
from matching.clinicians.services import clinician_approve, clinician_register
for number in range({count}):
    clinician = clinician_register(email=f"load{{number}}@clinic.example",
        password="quiet-harbor-lantern-42", name=f"Load {{number}}", credentials="LCSW",
        organisation="Benchmark")
    if clinician is not None:
        clinician_approve(clinician=clinician)
"""


class Fixture:
    """What the clients need: slugs, signed-in clinicians with a shortlist, share paths."""

    def __init__(self, port: int, slugs: list[str]) -> None:
        self.slugs = slugs
        self.editors: list[tuple[dict[str, str], int]] = []
        self.shares: list[str] = []
        for number in range(CLINICIANS):
            browser = Browser()
            browser.call(port, "GET", "/clinicians/login/")
            form = {
                "username": f"load{number}@clinic.example",
                "password": "quiet-harbor-lantern-42",
                "csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""),
            }
            assert browser.call(port, "POST", "/clinicians/login/", data=form).status_code == 302
            made = browser.call(port, "POST", "/api/v1/shortlists/", json={"title": "Load"})
            shortlist_id = made.json()["id"]
            for slug in slugs[number * 3 : number * 3 + 3]:
                browser.call(
                    port,
                    "POST",
                    f"/api/v1/shortlists/{shortlist_id}/items/",
                    json={"program": slug},
                )
            link = browser.call(port, "POST", f"/api/v1/shortlists/{shortlist_id}/share/", json={})
            self.shares.append(urlparse(link.json()["url"]).path)
            headers = {
                "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
                "X-CSRFToken": browser.cookies["csrftoken"],
                "Referer": f"https://{HOST}/",
                "Origin": f"https://{HOST}",
            }
            self.editors.append((headers, shortlist_id))


def request_for(
    kind: str, fixture: Fixture, rng: random.Random
) -> tuple[str, str, dict[str, str], bytes | None]:
    """One request of ``kind`` as (method, path, headers, body); also used by faults.py."""
    headers = dict(bench.HEADERS)
    body = None
    if kind == "directory":
        method, path = (
            "GET",
            bench.directory_path(
                rng.choice(bench.ZIPS), rng.choice(CONDITIONS), rng.choice(INSURERS)
            ),
        )
    elif kind == "programme":
        method, path = "GET", f"/programs/{rng.choice(fixture.slugs)}/"
    elif kind == "match":
        method, path = "POST", "/api/v1/match/"
        body = bench.match_body(rng.choice(bench.ZIPS), broad=False)
    elif kind == "share":
        method, path = "GET", rng.choice(fixture.shares)
    else:
        extra, shortlist_id = rng.choice(fixture.editors)
        headers.update(extra)
        method, path = "PATCH", f"/api/v1/shortlists/{shortlist_id}/"
        body = {"title": f"Load {rng.randrange(10**6)}"}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    return method, path, headers, payload


def one_request(port: int, kind: str, fixture: Fixture, rng: random.Random) -> tuple[int, float]:
    method, path, headers, payload = request_for(kind, fixture, rng)
    expected = 200
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=bench.REQUEST_TIMEOUT_S)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    return (200 if status == expected else status or -1), elapsed


def warm(port: int, workers: int) -> float:
    """Every worker answers a directory search first (each builds its ZIP index once).

    Without it the first seconds of a run measure workers loading the index, not serving.
    """
    started = time.monotonic()
    statuses: list[int] = []

    def one() -> None:
        statuses.append(bench.request(port, "GET", bench.directory_path("10001")).status)

    threads = [threading.Thread(target=one, daemon=True) for _ in range(workers * 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=bench.REQUEST_TIMEOUT_S * 2)
    if statuses.count(200) != len(threads):
        raise SystemExit(f"warming the workers failed: {statuses}")
    return time.monotonic() - started


def run_load(
    port: int, fixture: Fixture, clients: int, seconds: float
) -> tuple[dict[str, list[float]], dict[str, list[int]], float]:
    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[int]] = defaultdict(list)
    lock = threading.Lock()
    kinds, weights = list(MIX), list(MIX.values())
    deadline = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            status, elapsed = one_request(port, kind, fixture, rng)
            with lock:
                timings[kind].append(elapsed)
                if status != 200:
                    errors[kind].append(status)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors, time.monotonic() - started


def percentile(samples: list[float], share: float) -> float:
    if len(samples) < 2:
        return samples[0] if samples else 0.0
    return statistics.quantiles(samples, n=100, method="inclusive")[round(share * 100) - 1]


def cpu_seconds_by_owner(server_pid: int, redis_pid: int) -> dict[str, float]:
    """CPU time used so far (user + system) by this load generator, the gunicorn workers,
    each PostgreSQL process (by pid), Redis, and everything on the machine."""

    def used(process: psutil.Process) -> float:
        try:
            return sum(process.cpu_times()[:2])
        except psutil.Error:
            return 0.0

    owners = {
        "load generator (50 client threads)": used(psutil.Process()),
        "gunicorn workers": sum(used(worker) for worker in psutil.Process(server_pid).children()),
        "Redis": used(psutil.Process(redis_pid)),
    }
    for process in psutil.process_iter(["name"]):
        if process.info["name"] == "postgres":
            owners[f"postgres {process.pid}"] = used(process)
    machine = psutil.cpu_times()
    owners["machine, all"] = machine.user + machine.system + machine.nice
    return owners


def report_cpu(before: dict[str, float], after: dict[str, float], took: float) -> None:
    """Where the cores went during the run. PostgreSQL is every postgres process alive at
    the end (a backend started during the run counts from zero); one that ended during the
    run is missed, so its figure is a floor."""
    spent = {owner: after[owner] - before.get(owner, 0.0) for owner in after}
    postgres = sum(seconds for owner, seconds in spent.items() if owner.startswith("postgres "))
    shown = {owner: s for owner, s in spent.items() if not owner.startswith("postgres ")}
    shown = {
        **dict(list(shown.items())[:-1]),
        "PostgreSQL": postgres,
        "machine, all": shown["machine, all"],
    }
    cores = psutil.cpu_count()
    print(f"CPU during the run ({cores} cores x {took:.0f} s = {cores * took:.0f} s):")
    for owner, seconds in shown.items():
        print(f"  {owner:<36} {seconds:7.1f} s")


def report(timings: dict[str, list[float]], errors: dict[str, list[int]], took: float) -> None:
    total = sum(len(samples) for samples in timings.values())
    print(
        f"{'kind':<10} {'requests':>8} {'req/s':>7} {'errors':>6} {'p50':>7} {'p95':>7} {'p99':>7}"
    )
    every: list[float] = []
    for kind in [*MIX]:
        samples = timings.get(kind, [])
        every += samples
        print(
            f"{kind:<10} {len(samples):>8} {len(samples) / took:>7.1f} {len(errors.get(kind, [])):>6} "
            f"{percentile(samples, 0.5):>7.0f} {percentile(samples, 0.95):>7.0f} "
            f"{percentile(samples, 0.99):>7.0f}"
        )
    failed = sum(len(codes) for codes in errors.values())
    print(
        f"{'all':<10} {total:>8} {total / took:>7.1f} {failed:>6} {percentile(every, 0.5):>7.0f} "
        f"{percentile(every, 0.95):>7.0f} {percentile(every, 0.99):>7.0f}   (ms; {took:.1f} s)"
    )
    if failed:
        print("error statuses:", {kind: sorted(set(codes)) for kind, codes in errors.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep and reuse the seeded database")
    args = parser.parse_args()
    if urlparse(args.server).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("--server must be a local PostgreSQL server")

    name = f"iop_bench_load_{args.programs}" if args.keep else f"iop_bench_{uuid.uuid4().hex[:8]}"
    url = bench.database_url(args.server, name)
    workdir = Path(tempfile.mkdtemp(prefix="iop_load_"))
    redis_port = bench.free_port()
    redis = start_redis(redis_port)
    server: subprocess.Popen | None = None
    bench.WORKERS = args.workers
    try:
        env = bench.server_env(url, workdir / "static", f"redis://{HOST}:{redis_port}/0")
        bench.prepare_database(url, args.programs, env, reuse=args.keep)
        bench.manage(env, "shell", "-c", SETUP.format(count=CLINICIANS))
        bench.manage(env, "collectstatic", "--noinput", "-v0")
        slugs = bench.published_slugs(url, 200)
        port = bench.free_port()
        log = workdir / "gunicorn.log"
        server = bench.start_gunicorn(env, port, log)
        bench.wait_until_ready(server, port, log)
        warm(port, args.workers)
        fixture = Fixture(port, slugs)
        cpu_before = cpu_seconds_by_owner(server.pid, redis.pid)
        timings, errors, took = run_load(port, fixture, args.clients, args.seconds)
        cpu_after = cpu_seconds_by_owner(server.pid, redis.pid)
    finally:
        if server is not None:
            bench.stop_gunicorn(server)
        redis.terminate()
        redis.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            _common.drop_database(url)

    print(
        f"Load: {args.clients} clients for {args.seconds:.0f} s, gunicorn {args.workers} workers, "
        f"production settings, PostgreSQL, Redis, {args.programs} programmes"
    )
    report(timings, errors, took)
    report_cpu(cpu_before, cpu_after, took)


if __name__ == "__main__":
    main()
