"""SAMHSA directory import, both 2022 editions: first imports, no-change re-runs, peak memory.

    .venv/bin/python benchmarks/import.py [SU.xlsx [MH.xlsx]]            # SQLite only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/import.py

Uses the 2022 substance-use directory from ../shared/data (IOPFINDER_DATA_DIR overrides)
unless a path is given. The real mental-health file is not available, so unless a second
path is given a workbook in its layout is synthesised from the substance-use file: 9,037
facilities, 1,500 of them the same sites as substance-use IOPs (listed in both editions,
merged into one listing), the rest new clinics at the file's own ZIP codes, each with
settings and codes drawn from the mental-health table. Each backend runs in its own child
process on its own throw-away database, so the peak memory (ru_maxrss) is one process's.
Targets: both first imports together under 90 s, each no-change re-run under 30 s, peak
memory under 600 MB.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

DEFAULT_FILE = "samhsa/National_Directory_SA_Facilities_2022.xlsx"
MH_FACILITIES = 9_037
SHARED_SITES = 1_500


def default_path() -> Path:
    data = os.environ.get("IOPFINDER_DATA_DIR") or str(_common.ROOT.parent / "shared" / "data")
    return Path(data) / DEFAULT_FILE


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # kB on Linux


def synthesise_mh_workbook(su_path: Path, target: Path, seed: int = 2022) -> Path:
    """A workbook in the mental-health layout, generated from the substance-use file's sites."""
    import openpyxl

    # No database needed, only the reader and the table.
    sys.path.insert(0, str(_common.ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iopfinder.settings")
    import django

    django.setup()
    from programs.imports import samhsa, samhsa_mh_2022

    rng = random.Random(seed)
    directory = samhsa.read_directory(su_path)
    iops = [f for f in directory.facilities if samhsa.IOP_CODE in f.codes]
    shared = rng.sample(iops, min(SHARED_SITES, len(iops)))
    groups = {
        "therapies": ["CBT", "DBT", "EMDR", "TMS", "ECT", "IPT", "GT", "CFT", "TELE"],
        "conditions": ["SMI", "SED", "PTSD", "TRMA", "ALZ", "ED", "CO", "FEP"],
        "populations": ["VET", "TAY", "SE", "GL", "WN", "MN"],
        "accreditations": ["JC", "CARF", "STMH", "STDH", "COA"],
        "payment": ["MD", "MC", "PI", "SF", "MI", "SI", "SS"],
        "ages": ["CHLD", "YAD", "ADLT", "SNR"],
        "languages": ["SP", "F17", "F70", "F92", "AH"],
    }

    def codes() -> str:
        settings = rng.sample(samhsa_mh_2022.SETTINGS, rng.randint(1, 3))
        parts = [["MH", *(["SA"] if rng.random() < 0.3 else [])], settings]
        parts += [rng.sample(pool, rng.randint(1, min(4, len(pool)))) for pool in groups.values()]
        return " * ".join(" ".join(part) for part in parts)

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(samhsa.FACILITIES_SHEET)
    sheet.append(list(samhsa.FACILITY_COLUMNS))
    for number in range(MH_FACILITIES):
        if number < len(shared):
            site = shared[number]
            name1, name2, street1 = site.name1, site.name2, site.street1
        else:
            site = rng.choice(directory.facilities)
            name1, name2 = f"Synthetic Mental Health Clinic {number}", ""
            street1 = f"{number} Synthetic Avenue"
        sheet.append(
            [name1, name2, street1, site.street2, site.city, site.state, site.zip_code]
            + ["555-010-0100", "", "", "", "", codes()]
        )
    key = workbook.create_sheet(samhsa.CODES_SHEET)
    key.append([*samhsa.CODE_COLUMNS, "service_description"])
    every = set(samhsa_mh_2022.CODE_MAP) | samhsa_mh_2022.REVIEWED_UNMAPPED
    for code in sorted(every):
        key.append(["X", "Synthetic", code, code, ""])
    workbook.save(target)
    return target


def child(url: str, su_path: str, mh_path: str) -> None:
    _common.setup_django(url)
    from programs.imports.services import samhsa_import

    runs = (("SU first", su_path), ("MH first", mh_path), ("SU again", su_path))
    for run, path in (*runs, ("MH again", mh_path)):
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
    # benchmarks/http.py must not shadow the standard library's http while Django loads.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [entry for entry in sys.path if entry not in ("", here)]
    if len(sys.argv) > 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    su_path = Path(sys.argv[1]) if len(sys.argv) > 1 else default_path()
    if not su_path.is_file():
        raise SystemExit(f"No directory file at {su_path}")
    if len(sys.argv) > 2:
        mh_path = Path(sys.argv[2])
    else:
        mh_path = Path(tempfile.gettempdir()) / "iop_bench_mh_2022_synthetic.xlsx"
        started = time.perf_counter()
        synthesise_mh_workbook(su_path, mh_path)
        print(f"Synthesised {mh_path.name} in {time.perf_counter() - started:.1f} s")
    try:
        rows = _common.run_per_backend(
            Path(__file__), [str(su_path.resolve()), str(mh_path.resolve())]
        )
    finally:
        if len(sys.argv) <= 2:
            mh_path.unlink(missing_ok=True)
    print(
        f"SAMHSA import of {su_path.name} and {mh_path.name} (targets: both first imports "
        "< 90 s together, each re-run < 30 s, peak < 600 MB)"
    )
    _common.print_table(
        rows, ["backend", "run", "seconds", "created", "updated", "unchanged", "peak_mb"]
    )


if __name__ == "__main__":
    main()
