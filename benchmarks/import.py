"""SAMHSA directory import: first import, a second (no-change) run and peak memory.

    .venv/bin/python benchmarks/import.py [PATH.xlsx]             # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/import.py

Uses the 2022 substance-use directory from ../shared/data (IOPFINDER_DATA_DIR overrides)
unless a path is given. Each backend runs in its own child process on its own throw-away
database, so the peak memory (ru_maxrss) is that of one import process.
Targets: first import under 60 s, second run under 30 s, peak memory under 500 MB.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

DEFAULT_FILE = "samhsa/National_Directory_SA_Facilities_2022.xlsx"


def default_path() -> Path:
    data = os.environ.get("IOPFINDER_DATA_DIR") or str(_common.ROOT.parent / "shared" / "data")
    return Path(data) / DEFAULT_FILE


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # kB on Linux


def child(url: str, path: str) -> None:
    _common.setup_django(url)
    from programs.imports.services import samhsa_import

    for run in ("first", "second"):
        started = time.perf_counter()
        summary = samhsa_import(path=Path(path))
        seconds = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "run": run,
                    "seconds": round(seconds, 1),
                    "created": summary.created,
                    "updated": summary.updated,
                    "unchanged": summary.unchanged,
                    "peak_mb": peak_mb(),
                }
            ),
            flush=True,
        )


def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else default_path()
    if not path.is_file():
        raise SystemExit(f"No directory file at {path}")
    rows = _common.run_per_backend(Path(__file__), [str(path.resolve())])
    print(f"SAMHSA import of {path.name} (targets: first < 60 s, second < 30 s, peak < 500 MB)")
    _common.print_table(
        rows, ["backend", "run", "seconds", "created", "updated", "unchanged", "peak_mb"]
    )


if __name__ == "__main__":
    main()
