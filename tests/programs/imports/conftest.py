"""Fixtures for the import tests: the real SAMHSA file (when present) and small workbooks."""

from __future__ import annotations

import os
import struct
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from programs.imports.samhsa import CODE_COLUMNS, CODES_SHEET, FACILITIES_SHEET, FACILITY_COLUMNS

SAMHSA_2022 = "samhsa/National_Directory_SA_Facilities_2022.xlsx"


def data_dir() -> Path:
    """Reference data beside the checkout (../shared/data); IOPFINDER_DATA_DIR overrides."""
    override = os.environ.get("IOPFINDER_DATA_DIR")
    return Path(override) if override else Path(settings.BASE_DIR).parent / "shared" / "data"


@pytest.fixture
def samhsa_2022_file() -> Path:
    path = data_dir() / SAMHSA_2022
    if not path.is_file():
        pytest.skip(f"the SAMHSA 2022 directory is not at {path} (set IOPFINDER_DATA_DIR)")
    return path


# A small key: enough codes for the facilities the tests build.
CODE_KEY = [
    ("TC", "Type of Care", "SA", "Substance use treatment"),
    ("SET", "Service Setting", "OP", "Outpatient"),
    ("SET", "Service Setting", "OIT", "Intensive outpatient treatment"),
    ("SET", "Service Setting", "ODT", "Outpatient day treatment or partial hospitalization"),
    ("SET", "Service Setting", "ORT", "Regular outpatient treatment"),
    ("SET", "Service Setting", "RES", "Residential/24-hour residential"),
    ("TAP", "Treatment Approaches", "CBT", "Cognitive behavioral therapy"),
    ("TAP", "Treatment Approaches", "TELE", "Telemedicine/telehealth therapy"),
    ("PAY", "Payment", "PI", "Private health insurance"),
    ("PAY", "Payment", "MD", "Medicaid"),
    ("PYAS", "Payment Assistance", "SS", "Sliding fee scale"),
    ("AGE", "Age Groups Accepted", "ADLT", "Adults"),
    ("AGE", "Age Groups Accepted", "YAD", "Young adults"),
    ("SL", "Language Services", "SP", "Spanish"),
    ("OTHR", "Other Services", "ZZNEW", "A code we have not reviewed"),
]


def facility(**overrides: str | None) -> dict[str, str | None]:
    """A facility row; by default an adult IOP in Denver."""
    row: dict[str, str | None] = dict.fromkeys(FACILITY_COLUMNS)
    row.update(
        name1="Front Range Recovery",
        street1="1 Main Street",
        city="Denver",
        state="CO",
        zip="80202",
        phone="303-555-0100",
        service_code_info="SA * OP OIT * CBT * PI MD * ADLT",
    )
    row.update(overrides)
    return row


WorkbookMaker = Callable[..., Path]


@pytest.fixture
def make_workbook(tmp_path: Path) -> WorkbookMaker:
    """Build a directory-shaped workbook: ``make_workbook([facility(...), ...])``.

    ``code_rows`` replaces the whole code key sheet, header included.
    """
    counter = iter(range(1_000_000))

    def make(
        facilities: Sequence[dict[str, str | None]] = (),
        *,
        sheets: Sequence[str] = (FACILITIES_SHEET, CODES_SHEET),
        columns: Sequence[str] = FACILITY_COLUMNS,
        with_header: bool = True,
        code_rows: Sequence[Sequence[str]] | None = None,
        name: str | None = None,
    ) -> Path:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for sheet_name in sheets:
            sheet = workbook.create_sheet(sheet_name)
            if sheet_name == CODES_SHEET:
                if code_rows is None:
                    code_rows = [
                        (*CODE_COLUMNS, "service_description"),
                        *((*row, "") for row in CODE_KEY),
                    ]
                for row in code_rows:
                    sheet.append(list(row))
            elif with_header:
                sheet.append(list(columns))
                for row in facilities:
                    sheet.append([row.get(column) for column in columns])
        path = tmp_path / (name or f"directory_{next(counter)}.xlsx")
        workbook.save(path)
        return path

    return make


FACILITIES_PART = "xl/worksheets/sheet1.xml"  # openpyxl writes the sheets in order


def rewrite_part(path: Path, part: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one part of a workbook's zip, as a damaged or hand-edited file would have it."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def break_compression(path: Path, part: str) -> None:
    """Make a part's compressed data start with an invalid deflate block (a zlib error)."""
    with zipfile.ZipFile(path) as workbook:
        offset = workbook.getinfo(part).header_offset
    data = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
    data[offset + 30 + name_length + extra_length] = 0xFF  # final block of the reserved type
    path.write_bytes(bytes(data))


# The 2022 mental-health directory's layout, with a key of its own codes (our own rows, not
# the real file's): settings HI, OP, PHDT, RES and no intensive-outpatient code.
MH_CODE_KEY = [
    ("TC", "Type of Care", "MH", "Mental health treatment"),
    ("TC", "Type of Care", "SA", "Substance use treatment"),
    ("SET", "Service Setting", "HI", "Hospital inpatient"),
    ("SET", "Service Setting", "OP", "Outpatient"),
    ("SET", "Service Setting", "PHDT", "Partial hospitalization/day treatment"),
    ("SET", "Service Setting", "RES", "Residential"),
    ("TAP", "Treatment Approaches", "CBT", "Cognitive behavioral therapy"),
    ("TAP", "Treatment Approaches", "DBT", "Dialectical behavior therapy"),
    ("TAP", "Treatment Approaches", "EMDR", "Eye movement desensitization and reprocessing"),
    ("TAP", "Treatment Approaches", "TMS", "Transcranial magnetic stimulation"),
    ("TAP", "Treatment Approaches", "TELE", "Telemedicine/telehealth therapy"),
    ("SG", "Special Programs/Groups", "SMI", "Persons with serious mental illness"),
    ("SG", "Special Programs/Groups", "SED", "Children with serious emotional disturbance"),
    ("SG", "Special Programs/Groups", "PTSD", "Persons with post-traumatic stress disorder"),
    ("SG", "Special Programs/Groups", "ALZ", "Persons with Alzheimer's or dementia"),
    ("SG", "Special Programs/Groups", "ED", "Persons with eating disorders"),
    ("SG", "Special Programs/Groups", "CO", "Persons with co-occurring disorders"),
    ("SG", "Special Programs/Groups", "VET", "Veterans"),
    ("LCA", "License/Certification/Accreditation", "JC", "The Joint Commission"),
    ("LCA", "License/Certification/Accreditation", "STMH", "State mental health department"),
    ("PAY", "Payment", "MD", "Medicaid"),
    ("PAY", "Payment", "MC", "Medicare"),
    ("PAY", "Payment", "PI", "Private health insurance"),
    ("PAY", "Payment", "SF", "Cash or self-payment"),
    ("PYAS", "Payment Assistance", "SS", "Sliding fee scale"),
    ("AGE", "Age Groups Accepted", "CHLD", "Children/adolescents"),
    ("AGE", "Age Groups Accepted", "ADLT", "Adults"),
    ("AGE", "Age Groups Accepted", "SNR", "Seniors"),
    ("SL", "Language Services", "SP", "Spanish"),
    ("OL", "Other Languages", "F17", "Any Chinese Language"),
]
MH_CODE_ROWS = [(*CODE_COLUMNS, "service_description"), *((*row, "") for row in MH_CODE_KEY)]


def mh_facility(**overrides: str | None) -> dict[str, str | None]:
    """A mental-health directory row; by default an adult outpatient clinic in Denver."""
    return facility(
        **{
            "name1": "Mile High Mental Health",
            "street1": "20 Colfax Avenue",
            "service_code_info": "MH * OP * CBT DBT * SMI * MD PI * ADLT",
            **overrides,
        }
    )
