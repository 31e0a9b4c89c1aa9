"""Faults: a database restart under load, an import killed half-way, and Redis stopped.

    .venv/bin/python benchmarks/faults.py                  # make bench-faults
    .venv/bin/python benchmarks/faults.py --programs 2000 --clients 12

Everything runs on services of its own, in a temporary folder removed at the end (also on
Ctrl-C, SIGTERM or the overall time limit, --max-seconds, default 300):

- a throw-away PostgreSQL cluster (``initdb`` and ``pg_ctl`` from PostgreSQL's bin folder,
  ``--pg-bin`` or the newest /usr/lib/postgresql/*/bin) on a free port of 127.0.0.1, never the
  machine's server; as root it runs as the ``postgres`` user, as PostgreSQL requires;
- a Redis of its own on a free port, nothing saved (``redis-server --port N --save ''``);
- gunicorn with production settings (as ``make serve``: ``DJANGO_DEBUG=0``, a Redis cache,
  collected static files), seeded with ``seed_demo`` (--programs demo programmes).

The checks, each printed PASS or FAIL with its numbers (exit status 1 if any fails):

1. **Database restart under load.** --clients threads send the site's mix (directory
   searches, programme pages, matches, share pages) and clinicians' shortlist writes
   (``POST /api/v1/shortlists/``, each with a unique title). PostgreSQL is stopped
   (``pg_ctl stop -m fast``: open connections are cut mid-request), kept down --down-seconds,
   and started again. Every failed request must be a 503 with ``Retry-After`` (never a 500,
   a reset connection or a hang); the site must serve every request again within 5 s of
   PostgreSQL accepting connections; every write the site acknowledged (201) must be in the
   database afterwards.
2. **An import killed half-way.** ``import_samhsa`` of the real SAMHSA workbook (the
   ``--workbook``; skipped with a reason when absent) is first timed on a copy of the
   database, from its first write to its end; then it runs on the database itself and gets
   SIGKILL half-way through that write window. The catalogue (every ``programs_*`` table:
   row counts and an md5 over the rows) must be exactly as before.
3. **Redis stopped while serving.** The documented choice (README, iopfinder/cache.py) is that
   limits fail open: with the cache unreachable the site keeps serving and limits let requests
   through, while ``/readyz`` answers 503 so monitoring notices. With Redis stopped, the mix
   must be answered 200 (and a clinician can log in: the log-in limiter fails open), then Redis
   is started again on the same port and ``/readyz`` must be 200 again.
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
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pwd  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import psycopg2  # noqa: E402

from benchmarks import http as bench  # noqa: E402
from benchmarks import load  # noqa: E402
from benchmarks.two_servers import PASSWORD, Browser, start_redis  # noqa: E402

HOST = bench.HOST
WORKBOOK = ROOT.parent / "shared" / "data" / "samhsa" / "National_Directory_SA_Facilities_2022.xlsx"
MIX = {"directory": 40, "programme": 25, "match": 15, "share": 5, "write": 15}
RECOVERY_TARGET_S = 5.0
REQUEST_TIMEOUT_S = 20
DATABASE = "iopfinder_faults"


class Timeout(Exception):
    """The whole run took longer than --max-seconds."""


# --- A PostgreSQL cluster of our own ------------------------------------------------------


def postgres_bin(given: str | None) -> Path:
    if given:
        return Path(given)
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise SystemExit("initdb not found: pass --pg-bin /usr/lib/postgresql/NN/bin")
    return Path(initdb).parent


class Cluster:
    """A throw-away PostgreSQL cluster in ``folder``, on ``port`` of 127.0.0.1 only."""

    def __init__(self, pg_bin: Path, folder: Path, port: int) -> None:
        self.pg_bin, self.folder, self.port = pg_bin, folder, port
        self.data, self.log = folder / "data", folder / "postgres.log"
        # PostgreSQL refuses to run as root: then its files and processes belong to postgres.
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            self.as_owner = ["runuser", "-u", "postgres", "--"]
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.as_owner, *args], capture_output=True, text=True, check=check, timeout=60
        )

    def init(self) -> None:
        self._run(
            str(self.pg_bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses={HOST} -k {self.folder} "
            "-c max_connections=60 -c shared_buffers=64MB"
        )
        self._run(
            str(self.pg_bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(self.pg_bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False
        )

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def execute(self, statement: str, database: str = "postgres") -> list[tuple]:
        connection = psycopg2.connect(self.url(database), connect_timeout=5)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()


# --- The catalogue's fingerprint ----------------------------------------------------------


def catalogue_fingerprint(cluster: Cluster) -> dict[str, tuple[int, str]]:
    """Every programs_* table: (rows, md5 of its rows in a fixed order)."""
    tables = [
        row[0]
        for row in cluster.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename LIKE 'programs\\_%' ORDER BY tablename",
            DATABASE,
        )
    ]
    fingerprint = {}
    for table in tables:
        rows, digest = cluster.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '')) "
            f'FROM "{table}" t',
            DATABASE,
        )[0]
        fingerprint[table] = (rows, digest)
    return fingerprint


def first_write_seen(cluster: Cluster, database: str) -> bool:
    """Another session on ``database`` holds a transaction id: it has written something."""
    rows = cluster.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
        database,
    )
    return rows[0][0] > 0


def sessions_on(cluster: Cluster, database: str) -> int:
    rows = cluster.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()",
        database,
    )
    return rows[0][0]


def start_import(env: dict[str, str], database_url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_samhsa", str(WORKBOOK)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_first_write(
    cluster: Cluster, database: str, process: subprocess.Popen, limit_s: float
) -> float | None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and process.poll() is None:
        if first_write_seen(cluster, database):
            return time.monotonic()
        time.sleep(0.05)
    return None


def check_import_killed(cluster: Cluster, env: dict[str, str]) -> list[tuple[str, bool, str]]:
    if not WORKBOOK.exists():
        return [("import killed half-way: SKIPPED", True, f"no workbook at {WORKBOOK}")]
    # Time the import's write window on a copy, so the kill lands half-way through it.
    copy = f"{DATABASE}_copy"
    cluster.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{DATABASE}"')
    try:
        process = start_import(env, cluster.url(copy))
        first_write = wait_for_first_write(cluster, copy, process, 120)
        output, _ = process.communicate(timeout=180)
        ended = time.monotonic()
        if process.returncode != 0 or first_write is None:
            return [("import killed half-way", False, f"the timing run failed:\n{output[-2000:]}")]
        imported = cluster.execute("SELECT count(*) FROM programs_program", copy)[0][0]
    finally:
        cluster.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    window = ended - first_write

    before = catalogue_fingerprint(cluster)
    process = start_import(env, cluster.url())
    seen = wait_for_first_write(cluster, DATABASE, process, 120)
    if seen is None:
        process.kill()
        process.wait()
        return [("import killed half-way", False, "the import never started writing")]
    time.sleep(window / 2)
    still_running = process.poll() is None
    still_writing = still_running and first_write_seen(cluster, DATABASE)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # The server rolls the dead client's transaction back when it sees the socket close.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and sessions_on(cluster, DATABASE) > 0:
        time.sleep(0.1)
    after = catalogue_fingerprint(cluster)
    changed = [table for table in before if before[table] != after.get(table)]
    rows = sum(count for count, _ in before.values())
    programmes = before["programs_program"][0]
    return [
        (
            "import killed half-way: catalogue exactly as before",
            still_writing and not changed and before.keys() == after.keys(),
            f"import_samhsa writes for {window:.1f} s ({imported - programmes} programmes on the "
            f"copy); SIGKILL {window / 2:.1f} s into its writes "
            f"({'still writing' if still_writing else 'NOT writing any more'}); "
            f"{len(before)} tables, {rows} rows, {programmes} programmes; "
            f"changed: {', '.join(changed) or 'none'}",
        )
    ]


# --- Traffic ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    kind: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer (reset, refused, timed out)
    retry_after: str | None
    title: str | None  # a shortlist write's unique title


def send(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None,
    timeout: float = REQUEST_TIMEOUT_S,
) -> tuple[int, str | None]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After")
    except OSError:
        return 0, None
    finally:
        connection.close()


class Traffic:
    """Client threads sending the mix until stopped; every answer kept with its times."""

    def __init__(self, port: int, fixture: load.Fixture, clients: int, mix: dict[str, int]) -> None:
        self.port, self.fixture, self.mix = port, fixture, mix
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._client, args=(seed,), daemon=True)
            for seed in range(clients)
        ]

    def _one(self, kind: str, rng: random.Random) -> Outcome:
        title = None
        if kind == "write":
            extra, _ = rng.choice(self.fixture.editors)
            title = f"Fault {uuid.uuid4().hex}"
            headers = {**bench.HEADERS, **extra, "Content-Type": "application/json"}
            method, path, body = "POST", "/api/v1/shortlists/", json.dumps({"title": title})
        else:
            method, path, headers, payload = load.request_for(kind, self.fixture, rng)
            body = payload.decode() if payload else None
        started = time.monotonic()
        status, retry_after = send(
            self.port, method, path, headers, body.encode() if body else None
        )
        return Outcome(kind, started, time.monotonic(), status, retry_after, title)

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        kinds, weights = list(self.mix), list(self.mix.values())
        while not self.stopping.is_set():
            outcome = self._one(rng.choices(kinds, weights)[0], rng)
            with self.lock:
                self.outcomes.append(outcome)

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=REQUEST_TIMEOUT_S + 5)


def ok(outcome: Outcome) -> bool:
    return outcome.status == (201 if outcome.kind == "write" else 200)


def check_database_restart(
    cluster: Cluster,
    port: int,
    fixture: load.Fixture,
    clients: int,
    down_s: float,
    timeline: Path | None = None,
) -> list[tuple[str, bool, str]]:
    with Traffic(port, fixture, clients, MIX) as traffic:
        # Steady load first: at least one answer per client and 5 s.
        started = time.monotonic()
        while time.monotonic() - started < 5 or len(traffic.outcomes) < clients:
            time.sleep(0.2)
        stopping = time.monotonic()
        cluster.stop("fast")
        stopped = time.monotonic()
        time.sleep(down_s)
        cluster.start()  # -w: returns once PostgreSQL accepts connections
        back = time.monotonic()
        time.sleep(10)
    outcomes = traffic.outcomes
    if timeline is not None:
        events = {"stop": stopping, "stopped": stopped, "back": back}
        timeline.write_text(
            json.dumps(
                {
                    "events": {name: at - stopping for name, at in events.items()},
                    "requests": [
                        [
                            o.kind,
                            round(o.started - stopping, 3),
                            round(o.ended - stopping, 3),
                            o.status,
                        ]
                        for o in sorted(outcomes, key=lambda o: o.started)
                    ],
                },
                indent=0,
            )
        )
    failed = [o for o in outcomes if not ok(o)]
    bad = [o for o in failed if o.status != 503 or not o.retry_after]
    down = [o for o in outcomes if o.ended >= stopping and o.started <= back]
    after_back = [o for o in outcomes if o.started >= back]
    last_failure = max((o.started for o in failed if o.started >= back), default=None)
    recovery = 0.0 if last_failure is None else last_failure - back
    first_ok = min((o.ended for o in after_back if ok(o)), default=None)
    failed_before = [o for o in failed if o.ended < stopping]

    acknowledged = {o.title for o in outcomes if o.kind == "write" and o.status == 201}
    unanswered = {o.title for o in outcomes if o.kind == "write" and o.status != 201}
    stored = {
        row[0]
        for row in cluster.execute(
            "SELECT title FROM matching_shortlist WHERE title LIKE 'Fault %'", DATABASE
        )
    }
    lost = acknowledged - stored
    statuses: dict[int, int] = {}
    for outcome in failed:
        statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return [
        (
            "database restart: failures are 503 with Retry-After only",
            not bad and not failed_before,
            f"{len(outcomes)} requests, {len(failed)} failed ({statuses or 'none'}), "
            f"{len(bad)} not a 503 with Retry-After, {len(failed_before)} before the stop; "
            f"PostgreSQL down {back - stopping:.1f} s (stop took {stopped - stopping:.1f} s), "
            f"{len(down)} requests in that window",
        ),
        (
            f"database restart: serving again within {RECOVERY_TARGET_S:.0f} s",
            recovery <= RECOVERY_TARGET_S and first_ok is not None,
            f"last failure {recovery:.2f} s after PostgreSQL was back; first success "
            f"{(first_ok - back) if first_ok else float('nan'):.2f} s after; "
            f"{sum(ok(o) for o in after_back)}/{len(after_back)} requests after it succeeded",
        ),
        (
            "database restart: no acknowledged shortlist write lost",
            bool(acknowledged) and not lost,
            f"{len(acknowledged)} writes acknowledged (201), {len(lost)} missing; "
            f"{len(unanswered)} not acknowledged, of which {len(unanswered & stored)} stored "
            f"anyway; {len(stored)} rows",
        ),
    ]


def check_redis_stopped(
    redis: subprocess.Popen, redis_port: int, port: int, fixture: load.Fixture, clients: int
) -> tuple[list[tuple[str, bool, str]], subprocess.Popen]:
    ready_before = bench.request(port, "GET", "/readyz").status
    redis.terminate()
    redis.wait(timeout=10)
    stopped = time.monotonic()
    with Traffic(port, fixture, clients, MIX) as traffic:
        time.sleep(8)
        ready_down = bench.request(port, "GET", "/readyz").status
        login = Browser().log_in(port, PASSWORD, email="load0@clinic.example").status_code
    outcomes = traffic.outcomes
    failed = [o for o in outcomes if not ok(o)]
    slowest = max((o.ended - o.started for o in outcomes), default=0.0)
    redis = start_redis(redis_port)
    restarted = time.monotonic()
    ready_after = None
    while time.monotonic() - restarted < 10:
        ready_after = bench.request(port, "GET", "/readyz").status
        if ready_after == 200:
            break
        time.sleep(0.2)
    back_s = time.monotonic() - restarted
    served_after = bench.request(port, "GET", bench.directory_path("10001")).status
    return [
        (
            "Redis stopped: the site keeps serving (limits fail open)",
            bool(outcomes) and not failed and login == 302,
            f"{len(outcomes)} requests in {time.monotonic() - stopped:.1f} s with Redis down, "
            f"{len(failed)} failed, slowest {slowest * 1000:.0f} ms; clinician log-in {login}",
        ),
        (
            "Redis stopped: /readyz says so, and recovers when Redis is back",
            (ready_before, ready_down, ready_after, served_after) == (200, 503, 200, 200),
            f"/readyz {ready_before} before, {ready_down} while down, {ready_after} "
            f"{back_s:.1f} s after restart; directory {served_after}",
        ),
    ], redis


# --- The run ------------------------------------------------------------------------------


def on_alarm(signum: int, frame: object) -> None:
    raise Timeout


def on_term(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--down-seconds", type=float, default=4)
    parser.add_argument("--max-seconds", type=int, default=300)
    parser.add_argument("--pg-bin", help="PostgreSQL's bin folder (initdb, pg_ctl)")
    parser.add_argument(
        "--checks",
        default="import,database,redis",
        help="which checks to run, comma-separated (default: import,database,redis)",
    )
    parser.add_argument("--timeline", type=Path, help="write every request's outcome here (JSON)")
    args = parser.parse_args()
    checks = set(args.checks.split(","))

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.alarm(args.max_seconds)
    began = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="iop_faults_"))
    pg_folder = Path(tempfile.mkdtemp(prefix="iop_faults_pg_"))
    cluster = Cluster(postgres_bin(args.pg_bin), pg_folder, bench.free_port())
    redis_port = bench.free_port()
    redis: subprocess.Popen | None = None
    server: subprocess.Popen | None = None
    results: list[tuple[str, bool, str]] = []
    try:
        cluster.init()
        cluster.start()
        cluster.execute(f'CREATE DATABASE "{DATABASE}"')
        redis = start_redis(redis_port)
        env = bench.server_env(cluster.url(), workdir / "static", f"redis://{HOST}:{redis_port}/0")
        bench.manage(env, "migrate", "--noinput", "-v0")
        bench.manage(env, "seed_demo", "--programs", str(args.programs), "--seed", "1")
        bench.manage(env, "shell", "-c", load.SETUP.format(count=load.CLINICIANS))
        bench.manage(env, "collectstatic", "--noinput", "-v0")
        cluster.execute("VACUUM ANALYZE", DATABASE)
        print(f"set up in {time.monotonic() - began:.0f} s ({args.programs} programmes)")

        if "import" in checks:
            results += check_import_killed(cluster, env)
            print(f"import check done at {time.monotonic() - began:.0f} s")

        slugs = bench.published_slugs(cluster.url(), 200)
        port = bench.free_port()
        bench.WORKERS = args.workers
        server = bench.start_gunicorn(env, port, workdir / "gunicorn.log")
        bench.wait_until_ready(server, port, workdir / "gunicorn.log")
        print(f"workers warmed in {load.warm(port, args.workers):.0f} s")
        fixture = load.Fixture(port, slugs)
        if "database" in checks:
            results += check_database_restart(
                cluster, port, fixture, args.clients, args.down_seconds, args.timeline
            )
            print(f"database check done at {time.monotonic() - began:.0f} s")
        if "redis" in checks:
            redis_results, redis = check_redis_stopped(
                redis, redis_port, port, fixture, args.clients
            )
            results += redis_results
    except Timeout:
        results.append(("finished within --max-seconds", False, f"{args.max_seconds} s"))
    except KeyboardInterrupt:
        print("interrupted: cleaning up", file=sys.stderr)
        results.append(("finished", False, "interrupted"))
    finally:
        signal.alarm(0)
        if server is not None:
            bench.stop_gunicorn(server)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)
        cluster.stop("immediate")
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(pg_folder, ignore_errors=True)

    print(
        f"Faults: gunicorn {args.workers} workers, production settings, a PostgreSQL cluster and "
        f"a Redis of its own, {args.programs} programmes, {args.clients} clients; "
        f"{time.monotonic() - began:.0f} s in all"
    )
    for name, passed, numbers in results:
        print(f"{'PASS' if passed else 'FAIL'}  {name}: {numbers}")
    if not all(passed for _, passed, _ in results) or not results:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
