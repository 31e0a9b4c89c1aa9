"""Matching speed per intake at 1k, 10k and 100k programmes, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/match.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/match.py
    # keep the seeded catalogues between runs (databases <prefix>1000, <prefix>10000, ...):
    .venv/bin/python benchmarks/match.py --keep postgres://postgres@127.0.0.1:5432/iop_bench_

Two intakes, each over a spread of real places:
- typical: ZIP, 25 miles, two conditions, insurance required, evenings, in person or virtual;
- broad: virtual only, so every programme licensed in the seeker's state is reachable.
Also: the second page of the typical intake, and keeping the search table in step after
one programme edit (``program_search_refresh`` for one programme).
Targets at 100k on PostgreSQL: p95 <= 40 ms typical, <= 100 ms broad, p50 at 100k <= 3x
p50 at 1k; one edit kept in step <= 20 ms.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

SIZES = _common.SIZES
ZIPS = _common.CITY_ZIPS
REPEATS = 3


def child(url: str, sizes: list[int]) -> None:
    _common.setup_django(url)
    from matching.intake import Intake
    from matching.services import match_programs
    from programs.geo import geocode
    from programs.models import Program
    from programs.services import program_search_refresh

    def typical(zip_code: str) -> Intake:
        return Intake(
            conditions=("depression", "anxiety"),
            severity="moderate",
            location=zip_code,
            radius=25,
            format="either",
            insurance="aetna",
            insurance_required=True,
            availability=("evening",),
            therapies=("cbt",),
            goals=("keep-working",),
            age=35,
            place=geocode(zip_code),
        )

    def broad(zip_code: str) -> Intake:
        return Intake(
            conditions=("depression",),
            severity="moderate",
            location=zip_code,
            format="virtual",
            place=geocode(zip_code),
        )

    def emit(size: int, name: str, seed_seconds: float, samples: list[float]) -> None:
        p50, p95 = _common.percentiles(samples)
        print(
            json.dumps(
                {
                    "programmes": size,
                    "intake": name,
                    "seed_s": round(seed_seconds, 1),
                    "runs": len(samples),
                    "p50_ms": round(p50, 1),
                    "p95_ms": round(p95, 1),
                }
            ),
            flush=True,
        )

    current = _common.catalogue_size()
    for size in sizes:
        seed_seconds = _common.grow_catalogue(current, size)
        current = max(current, size)
        _common.analyse(url)
        cases = (
            ("typical", typical, 1),
            ("typical, page 2", typical, 2),
            ("broad", broad, 1),
        )
        for name, build, page in cases:
            intakes = [build(zip_code) for zip_code in ZIPS]
            for intake in intakes:
                match_programs(intake=intake, page=page)
            samples = [
                _common.time_ms(lambda i=i, p=page: match_programs(intake=i, page=p))
                for _ in range(REPEATS)
                for i in intakes
            ]
            emit(size, name, seed_seconds, samples)
        ids = list(Program.objects.order_by("?").values_list("pk", flat=True)[:50])
        samples = [
            _common.time_ms(lambda pk=pk: program_search_refresh(program_ids=[pk])) for pk in ids
        ]
        emit(size, "one edit kept in step", seed_seconds, samples)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], [int(sys.argv[3])] if len(sys.argv) > 3 else SIZES)
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--keep":
        rows = _common.run_kept(Path(__file__), sys.argv[2], SIZES)
    else:
        rows = _common.run_per_backend(Path(__file__))
    print("match_programs per intake (screening, candidates, scoring, ranking)")
    _common.print_table(rows, ["backend", "programmes", "intake", "runs", "p50_ms", "p95_ms"])


if __name__ == "__main__":
    main()
