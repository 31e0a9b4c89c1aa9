"""Matching speed per intake at 1k, 10k and 100k programmes, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/match.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/match.py

Two intakes, each over a spread of real places:
- typical: ZIP, 25 miles, two conditions, insurance required, evenings, in person or virtual;
- broad: virtual only, so every programme licensed in the seeker's state is reachable.
Targets at 100k on PostgreSQL: p95 <= 50 ms typical, <= 150 ms broad.
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


def child(url: str) -> None:
    _common.setup_django(url)
    from matching.intake import Intake
    from matching.services import match_programs
    from programs.geo import geocode

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

    current = 0
    for size in SIZES:
        seed_seconds = _common.grow_catalogue(current, size)
        current = size
        _common.analyse(url)
        for name, build in (("typical", typical), ("broad", broad)):
            intakes = [build(zip_code) for zip_code in ZIPS]
            for intake in intakes:
                match_programs(intake=intake)
            samples = [
                _common.time_ms(lambda i=i: match_programs(intake=i))
                for _ in range(REPEATS)
                for i in intakes
            ]
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


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    rows = _common.run_per_backend(Path(__file__))
    print("match_programs per intake (screening, candidates, scoring, ranking)")
    _common.print_table(rows, ["backend", "programmes", "intake", "runs", "p50_ms", "p95_ms"])


if __name__ == "__main__":
    main()
