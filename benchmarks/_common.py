"""Shared plumbing for benchmarks: a throw-away database per backend, timing, tables.

Each benchmark runs its measurements in a child process per backend, so Django is set up
once per database: SQLite in a file under /tmp, and PostgreSQL (when DATABASE_URL is set)
in a database the benchmark creates and drops itself, never the one DATABASE_URL names.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]

# Large-city ZIP codes every benchmark measures over.
CITY_ZIPS = [
    "10001",
    "60601",
    "90012",
    "77002",
    "85004",
    "19103",
    "78205",
    "92101",
    "75201",
    "98101",
    "02108",
    "30303",
    "33130",
    "80202",
    "20001",
    "94103",
    "37203",
    "55401",
]
SIZES = [1_000, 10_000, 100_000]


def backends() -> list[tuple[str, str]]:
    """(label, url) for SQLite, plus PostgreSQL when DATABASE_URL points at a server."""
    found = [
        (
            "SQLite",
            f"sqlite:///{Path(tempfile.gettempdir()) / f'iop_bench_{uuid.uuid4().hex[:8]}.sqlite3'}",
        )
    ]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parsed = urlparse(url)
        found.append(
            ("PostgreSQL", urlunparse(parsed._replace(path=f"/iop_bench_{uuid.uuid4().hex[:8]}")))
        )
    return found


def _on_server(url: str, statement: str) -> None:
    """Run one statement against the server's maintenance database, outside a transaction."""
    import psycopg2

    parsed = urlparse(url)
    admin = psycopg2.connect(urlunparse(parsed._replace(path="/postgres")))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(statement.format(name=parsed.path.lstrip("/")))
    finally:
        admin.close()


def create_database(url: str) -> None:
    if not url.startswith("sqlite"):
        _on_server(url, 'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    _on_server(url, 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    """Point Django at ``url`` and migrate (call in the child process, before any model import)."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iopfinder.settings")
    # benchmarks/http.py is named like the standard library's http package, which Django
    # imports: take this folder off the import path (this module is already loaded).
    here = Path(__file__).resolve().parent
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != here]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def grow_catalogue(current: int, target: int, seed: int = 1) -> float:
    """Seed demo programmes until there are ``target``; returns the seconds it took."""
    from programs.services import demo_programs_seed

    started = time.perf_counter()
    if target > current:
        demo_programs_seed(count=target, seed=seed, skip=current)
    return time.perf_counter() - started


def analyse(url: str) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        # As autovacuum would after a bulk load: statistics and the visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return p50, p95


def time_ms(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def run_per_backend(script: Path, extra_args: list[str] | None = None) -> list[dict]:
    """Run ``script --child URL`` for each backend; each child prints one JSON line per result."""
    rows: list[dict] = []
    for label, url in backends():
        create_database(url)
        try:
            result = subprocess.run(
                [sys.executable, str(script), "--child", url, *(extra_args or [])],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                print(result.stderr, file=sys.stderr)
                raise SystemExit(f"{label} run failed")
            for line in result.stdout.splitlines():
                if line.startswith("{"):
                    rows.append({"backend": label, **json.loads(line)})
        finally:
            drop_database(url)
    return rows


def print_table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns))
    print("  ".join("-" * widths[c] for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


def kept_database(prefix_url: str, size: int) -> str:
    """A database named ``<prefix><size>`` that is kept between runs (created if missing).

    Seeding 100k programmes takes minutes; with ``--keep URL_PREFIX`` a benchmark reuses the
    catalogue it grew last time and only tops it up.
    """
    url = f"{prefix_url}{size}"
    if not url.startswith("sqlite"):
        try:
            create_database(url)
        except Exception as error:  # noqa: BLE001 - psycopg2's DuplicateDatabase: already there
            if "already exists" not in str(error):
                raise
    return url


def run_kept(script: Path, prefix_url: str, sizes: list[int]) -> list[dict]:
    """Run ``script --child URL SIZE`` against a kept database per size; never drops them."""
    label = "SQLite" if prefix_url.startswith("sqlite") else "PostgreSQL"
    rows: list[dict] = []
    for size in sizes:
        url = kept_database(prefix_url, size)
        result = subprocess.run(
            [sys.executable, str(script), "--child", url, str(size)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            raise SystemExit(f"{label} run at {size} failed")
        rows.extend(
            {"backend": label, **json.loads(line)}
            for line in result.stdout.splitlines()
            if line.startswith("{")
        )
    return rows


def catalogue_size() -> int:
    from programs.models import Program

    return Program.objects.count()
