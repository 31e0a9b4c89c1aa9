"""SAMHSA's National Directory of treatment facilities (xlsx): the reader and the code mapping.

The directory has no facility id and no coordinates. Each row lists its services as codes
(``service_code_info``: ``SA DT SUMH * OP OIT ORT * CBT …``) explained by the workbook's own
``Service Code Reference`` sheet. ``CODE_MAP`` below is the reviewed translation from those
codes to our vocabularies; ``REVIEWED_UNMAPPED`` lists the codes we read and deliberately do
not use. Any other code is "unknown": counted and reported, never fatal.
"""

from __future__ import annotations

import hashlib
import re
import sys
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from xml.etree.ElementTree import ParseError

from django.core.exceptions import ValidationError

from programs import levels as care_levels
from programs.geo import zip_place
from programs.imports.sync import ProgramRecord
from programs.models import VOCABULARY_RELATIONS, Program, phone_validator
from programs.states import STATE_CODES

FACILITIES_SHEET = "Facilities List"
CODES_SHEET = "Service Code Reference"
FACILITY_COLUMNS = (
    "name1",
    "name2",
    "street1",
    "street2",
    "city",
    "state",
    "zip",
    "phone",
    "intake1",
    "intake2",
    "intake1a",
    "intake2a",
    "service_code_info",
)
CODE_COLUMNS = ("category_code", "category_name", "service_code", "service_name")
IOP_CODE = "OIT"
# Skip reasons for facilities outside the levels of care asked for: counted, not listed by row.
NOT_IOP = "not an IOP"
NOT_SELECTED = "level of care not selected"

# --- The reviewed mapping ---------------------------------------------------------------
# Targets are "<relation>:<vocabulary slug>" (relation as on Program), "level:<code>" (a
# level of care, programs.levels), or one of "telehealth", "sliding_scale", "age:<group>".
# Notes from the review of the 2022 key and data:
# - OD is *outpatient detoxification* (1,518 of its 1,524 facilities also list DT, detox);
#   ODT is *day treatment or partial hospitalisation*, so ODT, not OD, means PHP.
# - OP is the whole outpatient setting (every OIT facility lists it); ORT, "regular
#   outpatient treatment", is the standard weekly outpatient care a seeker may step down to.
# - Detoxification in any setting (DT, OD, RD, HID) is withdrawal management; RD and HID
#   also name the setting it happens in (residential, hospital).
# - English is not coded: every facility is taken to treat in English (LANGUAGE_ALWAYS).
# Ages and languages: the same codes in every edition of the directory.
SHARED_CODES: dict[str, tuple[str, ...]] = {
    # Ages accepted
    "CHLD": ("age:CHLD", "populations:adolescents"),
    "YAD": ("age:YAD", "populations:young-adults"),
    "ADLT": ("age:ADLT", "populations:adults"),
    "SNR": ("age:SNR", "populations:older-adults"),
    # Languages
    "SP": ("languages:es",),
    "AH": ("languages:asl",),
    "F4": ("languages:ar",),
    "F17": ("languages:zh",),
    "F19": ("languages:ht",),
    "F28": ("languages:fr",),
    "F30": ("languages:de",),
    "F36": ("languages:hi",),
    "F42": ("languages:it",),
    "F43": ("languages:ja",),
    "F47": ("languages:ko",),
    "F66": ("languages:pl",),
    "F67": ("languages:pt",),
    "F70": ("languages:ru",),
    "F81": ("languages:tl",),
    "F92": ("languages:vi",),
}


CODE_MAP: dict[str, tuple[str, ...]] = {
    # Type of care
    "SA": ("conditions:substance-use",),
    "SUMH": ("conditions:co-occurring",),
    "DT": ("level:withdrawal",),
    # Service setting: the level of care
    "OIT": ("level:iop",),  # the IOP itself (also selects the facility; see IOP_CODE)
    "ODT": ("level:php",),
    "ORT": ("level:outpatient",),
    "OD": ("level:withdrawal",),
    "RES": ("level:residential",),
    "RL": ("level:residential",),
    "RS": ("level:residential",),
    "RD": ("level:residential", "level:withdrawal"),
    "HI": ("level:inpatient",),
    "HIT": ("level:inpatient",),
    "HID": ("level:inpatient", "level:withdrawal"),
    # Medications for opioid or alcohol use
    "MU": ("modalities:moud",),
    "BU": ("modalities:moud",),
    "NU": ("modalities:moud",),
    "PMAT": ("modalities:moud",),
    "OTP": ("modalities:moud",),
    # Accepts people already taking medication prescribed elsewhere (opioid / alcohol use)
    "MOA": ("modalities:moud-accepted",),
    "ACMA": ("modalities:moud-accepted",),
    "MMD": ("modalities:medication-management",),
    # Treatment approaches
    "CBT": ("modalities:cbt",),
    "CMI": ("modalities:contingency-management",),
    "CRV": ("modalities:contingency-management",),
    "MOTI": ("modalities:motivational-interviewing",),
    "RELP": ("modalities:relapse-prevention",),
    "RPN": ("modalities:relapse-prevention",),
    "TRC": ("conditions:ptsd-trauma",),
    "TELE": ("telehealth",),
    "TWFA": ("modalities:twelve-step",),
    # Accreditation and licences
    "JC": ("accreditations:joint-commission",),
    "CARF": ("accreditations:carf",),
    "NCQA": ("accreditations:ncqa",),
    "COA": ("accreditations:coa",),
    "STAG": ("accreditations:state-licensed",),
    "STMH": ("accreditations:state-licensed",),
    "STDH": ("accreditations:state-licensed",),
    "HLA": ("accreditations:state-licensed",),
    # Payment
    "PI": ("insurance:private-insurance",),
    "MD": ("insurance:medicaid",),
    "MC": ("insurance:medicare",),
    "MI": ("insurance:tricare",),
    "SI": ("insurance:state-funded",),
    "FSA": ("insurance:state-funded",),
    "SAMF": ("insurance:state-funded",),
    "SF": ("insurance:self-pay",),
    "SS": ("sliding_scale",),
    # Special programmes or groups
    "AD": ("populations:adolescents",),
    "TAY": ("populations:young-adults",),
    "WN": ("populations:women",),
    "MN": ("populations:men",),
    "PW": ("populations:pregnant-postpartum",),
    "SE": ("populations:older-adults",),
    "GL": ("populations:lgbtq",),
    "VET": ("populations:veterans",),
    "ADM": ("populations:active-military",),
    "MF": ("populations:active-military",),
    "CJ": ("populations:justice-involved",),
    "CO": ("conditions:co-occurring",),
    "TRMA": ("conditions:ptsd-trauma",),
    # Assessment, testing, services
    "CMHA": ("modalities:psychiatric-evaluation",),
    "BABA": ("modalities:drug-testing",),
    "DAOF": ("modalities:drug-testing",),
    "DAUT": ("modalities:drug-testing",),
    "ACC": ("modalities:aftercare-planning",),
    "DP": ("modalities:aftercare-planning",),
    "RC": ("modalities:peer-support",),
    "PEER": ("modalities:peer-support",),
    "EMP": ("modalities:vocational-support",),
    "VOC": ("modalities:vocational-support",),
    "SAE": ("modalities:psychoeducation",),
    "ICO": ("modalities:individual-therapy",),
    "GCO": ("modalities:group-therapy",),
    "FCO": ("modalities:family-therapy",),
    "CM": ("modalities:case-management",),
    "SPS": ("modalities:crisis-planning",),
    **SHARED_CODES,
}

# Codes read and deliberately not used: no matching term in our vocabularies, not about the
# seeker's choice (smoking policy, who runs the facility), or levels of care we do not list.
REVIEWED_UNMAPPED: frozenset[str] = frozenset(
    code
    for group in (
        "HH OP OMB GH PSYH",  # housing, the outpatient umbrella, settings we do not list
        "INPE RPE PC NAUT NMAUT AUINPE AURPE AUPC",  # who prescribes, what is not treated
        "DB BUM BMW DM MM MMW UB UN PAIN NMOA ULC NOOP",  # opioid treatment details
        "ACM DSF METH BSDM BWN BWON BERI NXN VTRL MHIV MHCV LFXD CLND MPEP NRT NSC",  # drugs
        "ANG BIA MXM SACA",  # approaches with no term of ours
        "LCCG DDF IH PVTP PVTN STG TBG VAMC FED",  # who operates the facility
        "HFAP FQHC SOTP DEA",  # other certifications
        "ITU NP PA",  # funding with no insurance term of ours
        "COPSU HV XA DV",  # special groups with no population term of ours
        "CSAA ISC OPC MHPA STU SSA SMHD PIEC",  # assessment and screening
        "HIVT STDT TBS MST HBT HCT NOE OFD",  # medical testing and follow-up
        "SHG HS AOSS TGD TOD",  # support services, other addictions
        "ADTX BDTX CDTX MDTX ODTX MDET",  # detoxification
        "HAEC TAEC HEOH TCC MCO HAV HBV",  # health education, couples counselling, vaccines
        "SMON SMOP SMPD VAPN VAPP VPPD",  # smoking and vaping policy
        "FEM MALE DU DUO AUDO OUDO",  # genders accepted, DUI and exclusive programmes
        "NX FX F25 F31 F35 F37 N24 N40",  # languages we have no term for
        "ACU BC CCC DVFP EIH MHS SSD TA IPC",  # ancillary services
    )
    for code in group.split()
)

# SAMHSA's age groups, as the key defines them: (youngest, oldest or None).
AGE_GROUPS: dict[str, tuple[int, int | None]] = {
    "CHLD": (0, 17),
    "YAD": (18, 25),
    "ADLT": (26, 64),
    "SNR": (65, None),
}
LANGUAGE_ALWAYS = "en"
# Alcohol and opioid use are not coded positively: a substance-use facility treats them
# unless it says it does not (NAUT, NOOP) or serves only the other (AUDO, OUDO).
NOT_ALCOHOL = frozenset({"NAUT", "OUDO"})
NOT_OPIOIDS = frozenset({"NOOP", "AUDO"})

MANAGED_FIELDS = (
    "name",
    "organization",
    "phone",
    "intake_phone",
    "levels",
    "delivery",
    "min_age",
    "max_age",
    "sliding_scale",
)
MANAGED_RELATIONS = tuple(VOCABULARY_RELATIONS)  # the code map reaches every vocabulary


class SamhsaFileError(ValueError):
    """The file is not a readable SAMHSA directory; the message is one line for the operator."""


# What a damaged, truncated or garbled workbook raises from zipfile, zlib, the XML parser
# and openpyxl's cell reader.
DAMAGED_FILE_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    NotImplementedError,  # an unknown compression method in a garbled zip header
    KeyError,
    OSError,
    EOFError,
    ValueError,
)


def _unreadable(path: Path, problem: str, error: Exception) -> SamhsaFileError:
    kind = type(error)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    return SamhsaFileError(f"{path.name} {problem}: {name}.")


@dataclass(frozen=True)
class Facility:
    """One row of the Facilities List sheet, as read."""

    row: int
    name1: str
    name2: str
    street1: str
    street2: str
    city: str
    state: str
    zip_code: str
    phone: str
    intake1: str
    codes: tuple[str, ...]

    ROW_FIELDS = ("name1", "name2", "street1", "street2", "city", "state", "zip_code", "phone")

    def as_row(self) -> dict[str, str]:
        """What an import keeps of the row, so a later import of another edition can merge it."""
        row = {name: getattr(self, name) for name in self.ROW_FIELDS}
        return {**row, "intake1": self.intake1, "codes": " ".join(self.codes)}

    @classmethod
    def from_row(cls, row: dict[str, str], *, number: int = 0) -> Facility:
        values = {name: str(row.get(name) or "") for name in (*cls.ROW_FIELDS, "intake1")}
        codes = tuple(sys.intern(code) for code in str(row.get("codes") or "").split())
        return cls(row=number, codes=codes, **values)

    @property
    def key(self) -> str:
        """A stable id: the directory has none, so hash what identifies a site."""
        parts = (self.name1, self.name2, self.street1, self.street2, self.city, self.state)
        text = "|".join(re.sub(r"\s+", " ", part).strip().casefold() for part in parts)
        return hashlib.sha1(f"{text}|{self.zip_code}".encode()).hexdigest()  # noqa: S324


@dataclass
class Directory:
    """What the workbook holds: its facilities and its code key."""

    facilities: list[Facility]
    code_names: dict[str, str] = field(default_factory=dict)
    title: str = ""  # the workbook's own title (its document properties), when it has one


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _zip_text(value: object) -> str:
    text = _text(value)
    # Spreadsheets drop the leading zeros of New England ZIPs stored as numbers.
    if text.isdigit() and len(text) < 5:
        return text.zfill(5)
    match = re.fullmatch(r"(\d{5})(?:-\d{4})?", text)
    return match.group(1) if match else text


def _header_index(header: tuple[object, ...], wanted: tuple[str, ...], sheet: str) -> list[int]:
    names = [_text(cell).lower() for cell in header]
    missing = [column for column in wanted if column not in names]
    if missing:
        raise SamhsaFileError(f"Sheet '{sheet}' lacks the column(s): {', '.join(missing)}.")
    return [names.index(column) for column in wanted]


def read_directory(path: Path) -> Directory:
    """Read the workbook (read-only, streaming); raise SamhsaFileError for unusable input."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if not path.exists():
        raise SamhsaFileError(f"No such file: {path}")
    if path.is_dir():
        raise SamhsaFileError(f"{path} is a folder, not an xlsx file.")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (*DAMAGED_FILE_ERRORS, InvalidFileException) as error:
        problem = "is not a readable xlsx workbook (it may be truncated or another format)"
        raise _unreadable(path, problem, error) from error
    try:
        for sheet in (FACILITIES_SHEET, CODES_SHEET):
            if sheet not in workbook.sheetnames:
                found = ", ".join(f"'{name}'" for name in workbook.sheetnames)
                raise SamhsaFileError(f"The workbook has no sheet '{sheet}' (found: {found}).")
        title = _text(workbook.properties.title)
        try:
            code_names = _read_codes(workbook[CODES_SHEET])
            facilities = list(_read_facilities(workbook[FACILITIES_SHEET]))
        except SamhsaFileError:
            raise
        except DAMAGED_FILE_ERRORS as error:
            problem = "could not be read to the end (it may be damaged or truncated)"
            raise _unreadable(path, problem, error) from error
    finally:
        workbook.close()
    if not facilities:
        raise SamhsaFileError(f"Sheet '{FACILITIES_SHEET}' has no facility rows.")
    return Directory(facilities=facilities, code_names=code_names, title=title)


def _read_codes(sheet: object) -> dict[str, str]:
    rows = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    header = next(rows, None)
    if header is None:
        raise SamhsaFileError(f"Sheet '{CODES_SHEET}' is empty.")
    index = _header_index(header, CODE_COLUMNS, CODES_SHEET)
    names: dict[str, str] = {}
    for row in rows:
        code = _text(row[index[2]] if len(row) > index[2] else None).upper()
        if code:
            names[code] = _text(row[index[3]] if len(row) > index[3] else None)
    if not names:
        raise SamhsaFileError(f"Sheet '{CODES_SHEET}' has no codes.")
    return names


def _read_facilities(sheet: object) -> Iterator[Facility]:
    rows = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    header = next(rows, None)
    if header is None:
        raise SamhsaFileError(f"Sheet '{FACILITIES_SHEET}' is empty.")
    index = _header_index(header, FACILITY_COLUMNS, FACILITIES_SHEET)
    for number, row in enumerate(rows, start=2):
        values = [_text(row[i]) if i < len(row) else "" for i in index]
        if not any(values):
            continue  # blank rows at the end of a sheet
        # Interned: 12k rows of ~80 codes would otherwise hold ~1M separate small strings.
        codes = tuple(sys.intern(code) for code in values[12].replace("*", " ").upper().split())
        yield Facility(
            row=number,
            name1=values[0],
            name2=values[1],
            street1=values[2],
            street2=values[3],
            city=values[4],
            state=values[5].upper(),
            zip_code=_zip_text(values[6]),
            phone=values[7],
            intake1=values[8],
            codes=codes,
        )


# --- From a facility to a programme -------------------------------------------------------


@dataclass
class Mapped:
    """A facility turned into a programme record, with what the mapping noticed."""

    record: ProgramRecord | None
    skip_reason: str = ""
    unknown_codes: tuple[str, ...] = ()
    unplaced_zip: str = ""
    invalid_phones: tuple[str, ...] = ()


def _valid_phone(value: str) -> bool:
    try:
        phone_validator(value)
    except ValidationError:
        return False
    return True


def _ages(codes: set[str]) -> tuple[int, int | None]:
    groups = [AGE_GROUPS[code] for code in AGE_GROUPS if code in codes]
    if not groups:
        return 18, None  # the directory does not say: the model's default (adults)
    youngest = min(low for low, _high in groups)
    oldest = None if any(high is None for _low, high in groups) else max(h for _l, h in groups)
    return youngest, oldest


def _fallback_level(codes: set[str]) -> int:
    """A facility selected by a setting we do not map: outpatient if it says so, else IOP."""
    return int(care_levels.Level.OUTPATIENT if "OP" in codes else care_levels.Level.IOP)


class CodeTable(Protocol):
    """An edition's reviewed table (``programs.imports.editions.Edition`` is one)."""

    code_map: dict[str, tuple[str, ...]]
    reviewed_unmapped: frozenset[str]


@dataclass(frozen=True)
class _SubstanceUse2022:
    code_map: dict[str, tuple[str, ...]] = field(default_factory=lambda: CODE_MAP)
    reviewed_unmapped: frozenset[str] = REVIEWED_UNMAPPED


def map_codes(
    codes: tuple[str, ...], table: CodeTable, terms: dict[str, set[str]], flags: set[str]
) -> list[str]:
    """Add what one edition's codes mean to ``terms`` and ``flags``; return the unknown codes."""
    unknown: list[str] = []
    for code in codes:
        targets = table.code_map.get(code)
        if targets is None:
            if code not in table.reviewed_unmapped:
                unknown.append(code)
            continue
        for target in targets:
            relation, _, slug = target.partition(":")
            if relation in terms:
                terms[relation].add(slug)
            else:
                flags.add(target)
    return unknown


def _substance_terms(codes: set[str], terms: dict[str, set[str]]) -> None:
    if "substance-use" in terms["conditions"]:
        coded = codes
        if not coded & NOT_ALCOHOL:
            terms["conditions"].add("alcohol-use")
        if not coded & NOT_OPIOIDS:
            terms["conditions"].add("opioid-use")


def facility_to_record(
    facility: Facility,
    *,
    levels: frozenset[str],
    table: CodeTable | None = None,
    also: Sequence[tuple[CodeTable, Facility]] = (),
) -> Mapped:
    """Translate one facility with its edition's reviewed table; never raises for odd data.

    ``also`` holds the same facility as other editions list it (the same key): their codes
    add to this one's, and the first of them gives the name, phones and address, so the
    merged listing is the same whichever edition is imported last.
    """
    table = table or _SubstanceUse2022()
    codes = set(facility.codes)
    if not codes & levels:
        return Mapped(record=None, skip_reason=NOT_IOP if levels == {IOP_CODE} else NOT_SELECTED)
    if not facility.name1 and not facility.name2:
        return Mapped(record=None, skip_reason="missing name")
    if facility.state not in STATE_CODES:
        return Mapped(record=None, skip_reason="unknown state")
    if not re.fullmatch(r"\d{5}", facility.zip_code):
        return Mapped(record=None, skip_reason="invalid ZIP code")
    if not facility.city:
        return Mapped(record=None, skip_reason="missing city")

    terms: dict[str, set[str]] = {relation: set() for relation in MANAGED_RELATIONS}
    terms["languages"].add(LANGUAGE_ALWAYS)
    flags: set[str] = set()
    unknown = map_codes(facility.codes, table, terms, flags)
    for other_table, other in also:
        map_codes(other.codes, other_table, terms, flags)
        codes |= set(other.codes)
    _substance_terms(codes, terms)
    row = facility.row
    if also:
        facility = also[0][1]  # the earliest edition names the listing

    phones = [facility.phone, facility.intake1]
    invalid = tuple(p for p in phones if p and not _valid_phone(p))
    phone, intake_phone = (p if p and p not in invalid else "" for p in phones)
    min_age, max_age = _ages(codes)
    name = facility.name1 or facility.name2
    if facility.name1 and facility.name2:
        name = f"{facility.name1} – {facility.name2}"
    place = zip_place(facility.zip_code)
    telehealth = "telehealth" in flags
    level_codes = [target.partition(":")[2] for target in flags if target.startswith("level:")]

    record = ProgramRecord(
        key=facility.key,
        row=row,
        fields={
            "name": name[:200],
            "organization": facility.name1[:200] if facility.name2 else "",
            "phone": phone,
            "intake_phone": intake_phone if intake_phone != phone else "",
            "levels": care_levels.mask_of(level_codes) or _fallback_level(codes),
            # Telehealth on top of a street address: in person and virtual, in its own state.
            "delivery": Program.Delivery.HYBRID if telehealth else Program.Delivery.IN_PERSON,
            "min_age": min_age,
            "max_age": max_age,
            "sliding_scale": "sliding_scale" in flags,
        },
        terms={relation: frozenset(slugs) for relation, slugs in terms.items()},
        licensed_states=frozenset({facility.state}) if telehealth else frozenset(),
        locations=[
            {
                "name": facility.name2[:200],
                "address_line1": facility.street1[:200],
                "address_line2": facility.street2[:200],
                "city": facility.city[:100],
                "state": facility.state,
                "zip_code": facility.zip_code,
                "latitude": place.latitude if place else None,
                "longitude": place.longitude if place else None,
            }
        ],
        sessions=[],
    )
    return Mapped(
        record=record,
        unknown_codes=tuple(unknown),
        unplaced_zip="" if place else facility.zip_code,
        invalid_phones=invalid,
    )
