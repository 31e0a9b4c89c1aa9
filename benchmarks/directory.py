"""Directory query speed at 1k, 10k and 100k programmes, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/directory.py                  # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/directory.py
    # keep the seeded catalogues between runs (databases <prefix>1000, <prefix>10000, ...):
    .venv/bin/python benchmarks/directory.py --keep postgres://postgres@127.0.0.1:5432/iop_bench_

The query is what /programs/ does for "ZIP + 25 miles + one condition + one insurer":
the total for the heading and the first page of 20 with what its cards show
(programs.selectors.program_directory_page, exactly as the view calls it); also the whole directory
by name (no filter) and virtual care in the place's state.
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
QUERIES = {
    "ZIP + 25 mi + condition + insurer": (
        f"near={{zip}}&radius=25&condition={CONDITION}&insurance={INSURER}"
    ),
    "everything, by name": "",
    "virtual in the state + condition": f"near={{zip}}&format=virtual&condition={CONDITION}",
}


def child(url: str, sizes: list[int]) -> None:
    _common.setup_django(url)
    from django.http import QueryDict

    from programs.selectors import program_directory_page, program_filterset

    def directory_page(zip_code: str, query: str) -> int:
        params = QueryDict(query.format(zip=zip_code))
        filterset = program_filterset(params=params)
        assert filterset.is_valid(), filterset.errors
        page = program_directory_page(filterset=filterset, page=1, per_page=20).page
        return page.paginator.count + len(page.object_list)

    current = _common.catalogue_size()
    for size in sizes:
        seed_seconds = _common.grow_catalogue(current, size)
        current = max(current, size)
        _common.analyse(url)
        for name, query in QUERIES.items():
            for zip_code in ZIPS:  # warm caches (geocoder index, query plans)
                directory_page(zip_code, query)
            samples = [
                _common.time_ms(lambda z=z, q=query: directory_page(z, q))
                for _ in range(REPEATS)
                for z in ZIPS
            ]
            p50, p95 = _common.percentiles(samples)
            print(
                json.dumps(
                    {
                        "programmes": size,
                        "query": name,
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
        child(sys.argv[2], [int(sys.argv[3])] if len(sys.argv) > 3 else SIZES)
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--keep":
        rows = _common.run_kept(Path(__file__), sys.argv[2], SIZES)
    else:
        rows = _common.run_per_backend(Path(__file__))
    print("Directory query: count + first page of 20 with what its cards show")
    columns = ["backend", "programmes", "query", "queries", "p50_ms", "p95_ms"]
    _common.print_table(rows, columns)


if __name__ == "__main__":
    main()
