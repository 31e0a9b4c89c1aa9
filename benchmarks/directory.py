"""Directory query speed at 1k, 10k and 100k programmes, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/directory.py                  # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/directory.py

The query is what /programs/ does for "ZIP + 25 miles + one condition + one insurer":
the total for the heading and the first page of 20 with the card prefetches
(programs.selectors.program_page, exactly as the view calls it).
Target: p95 under 50 ms at 100k on PostgreSQL.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

SIZES = _common.SIZES
ZIPS = _common.CITY_ZIPS
REPEATS = 4
CONDITION, INSURER = "depression", "aetna"


def child(url: str) -> None:
    _common.setup_django(url)
    from django.http import QueryDict

    from programs.selectors import program_filterset, program_page

    def directory_page(zip_code: str) -> int:
        params = QueryDict(f"near={zip_code}&radius=25&condition={CONDITION}&insurance={INSURER}")
        filterset = program_filterset(params=params)
        assert filterset.is_valid(), filterset.errors
        page = program_page(queryset=filterset.qs, page=1, per_page=20).page
        return page.paginator.count + len(page.object_list)

    current = 0
    for size in SIZES:
        seed_seconds = _common.grow_catalogue(current, size)
        current = size
        _common.analyse(url)
        for zip_code in ZIPS:  # warm caches (geocoder index, query plans)
            directory_page(zip_code)
        samples = [
            _common.time_ms(lambda z=z: directory_page(z)) for _ in range(REPEATS) for z in ZIPS
        ]
        p50, p95 = _common.percentiles(samples)
        print(
            json.dumps(
                {
                    "programmes": size,
                    "seed_s": round(seed_seconds, 1),
                    "queries": len(samples),
                    "p50_ms": round(p50, 1),
                    "p95_ms": round(p95, 1),
                }
            ),
            flush=True,
        )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    rows = _common.run_per_backend(Path(__file__))
    print("Directory query: ZIP + 25 miles + condition + insurer, count + first page of 20")
    _common.print_table(rows, ["backend", "programmes", "seed_s", "queries", "p50_ms", "p95_ms"])


if __name__ == "__main__":
    main()
