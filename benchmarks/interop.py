"""HSDS and FHIR API speed at 10k programmes, and export_hsds time and memory.

    .venv/bin/python benchmarks/interop.py                  # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/interop.py
    ... benchmarks/interop.py --export-100k                 # also export_hsds at 100k (slow)

Requests go through Django's test client (middleware, view, rendering, JSON), over pages
1, 2, 10, 50 and 100 of each list and a few searches. Targets: p95 under 100 ms at 10k on
PostgreSQL for /api/hsds/services?per_page=50 and /fhir/HealthcareService?_count=50;
export_hsds of 100k programmes under 3 minutes and 500 MB.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# benchmarks/http.py is named like the standard library's http package (which Django imports):
# keep this folder off the import path and reach the helpers through the project package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from benchmarks import _common  # noqa: E402

REPEATS = 5
PAGES = [1, 2, 10, 50, 100]
ENDPOINTS = {
    "hsds services per_page=50": ["/api/hsds/services?per_page=50&page={page}"],
    "hsds services per_page=50 full": ["/api/hsds/services?per_page=50&full=true&page={page}"],
    "hsds services near ZIP": ["/api/hsds/services?per_page=50&postcode={zip}&proximity=25"],
    "fhir HealthcareService _count=50": ["/fhir/HealthcareService?_count=50&_page={page}"],
    "fhir near": ["/fhir/HealthcareService?_count=50&near={lat}|{lng}|25|mi"],
}


def _export(url: str, size: int) -> dict:
    """export_hsds in its own process, so its peak memory is its own."""
    out = Path(tempfile.mkdtemp(prefix="hsds_export_"))
    try:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "export_hsds", str(out)],
            cwd=_common.ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        disk_mb = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {
        "programmes": size,
        "what": "export_hsds",
        "export_s": round(seconds, 1),
        "peak_rss_mb": round(peak_mb),
        "disk_mb": round(disk_mb),
    }


def child(url: str, export_100k: bool) -> None:
    # The benchmark's own client must not be throttled like an anonymous visitor.
    os.environ["DJANGO_API_THROTTLE_ANON"] = "100000000/minute"
    _common.setup_django(url)
    from django.test import Client

    from programs.geo import zip_place

    client = Client()
    places = [zip_place(z) for z in _common.CITY_ZIPS]

    def urls(templates: list[str]) -> list[str]:
        found = []
        for template in templates:
            if "{page}" in template:
                found += [template.format(page=page) for page in PAGES]
            else:
                found += [
                    template.format(zip=p.zip_code, lat=p.latitude, lng=p.longitude)
                    for p in places[:6]
                ]
        return found

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])

    current = _common.catalogue_size()  # a kept database (run as --child URL) is topped up
    for size in [10_000, *([100_000] if export_100k else [])]:
        seed_seconds = _common.grow_catalogue(current, size)
        current = size
        _common.analyse(url)
        if size == 10_000:
            for label, templates in ENDPOINTS.items():
                paths = urls(templates)
                for path in paths:  # warm caches (geocoder index, query plans)
                    get(path)
                samples = [
                    _common.time_ms(lambda p=p: get(p)) for _ in range(REPEATS) for p in paths
                ]
                p50, p95 = _common.percentiles(samples)
                print(
                    json.dumps(
                        {
                            "programmes": size,
                            "what": label,
                            "seed_s": round(seed_seconds, 1),
                            "requests": len(samples),
                            "p50_ms": round(p50, 1),
                            "p95_ms": round(p95, 1),
                        }
                    ),
                    flush=True,
                )
        print(json.dumps(_export(url, size)), flush=True)


def main() -> None:
    export_100k = "--export-100k" in sys.argv
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], export_100k)
        return
    rows = _common.run_per_backend(Path(__file__), ["--export-100k"] if export_100k else [])
    print("HSDS and FHIR APIs (p50/p95 ms per request) and export_hsds")
    _common.print_table(
        rows,
        [
            "backend",
            "programmes",
            "what",
            "requests",
            "p50_ms",
            "p95_ms",
            "export_s",
            "peak_rss_mb",
            "disk_mb",
        ],
    )


if __name__ == "__main__":
    main()
