"""import_samhsa on small workbooks built here: mapping, idempotency, every bad input."""

from __future__ import annotations

import datetime
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.imports import samhsa, sync
from programs.imports.samhsa import SamhsaFileError
from programs.imports.services import samhsa_import
from programs.levels import Level
from programs.models import ImportRun, Location, Program
from tests.programs.imports.conftest import (
    FACILITIES_PART,
    break_compression,
    facility,
    rewrite_part,
)

pytestmark = pytest.mark.django_db


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_samhsa", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def slugs(program: Program, relation: str) -> set[str]:
    return set(getattr(program, relation).values_list("slug", flat=True))


def test_intensive_outpatient_facility_becomes_published_iop_with_mapped_terms(make_workbook):
    path = make_workbook([facility(service_code_info="SA * OP OIT * CBT * PI MD * ADLT")])

    run(path)

    program = Program.objects.get()
    assert program.status == Program.Status.PUBLISHED
    assert program.source == Program.Source.SAMHSA_2022
    assert program.is_imported_unconfirmed
    assert program.name == "Front Range Recovery"
    assert slugs(program, "modalities") == {"cbt"}
    assert slugs(program, "insurance") == {"private-insurance", "medicaid"}
    assert {"substance-use", "alcohol-use", "opioid-use"} <= slugs(program, "conditions")
    assert slugs(program, "languages") == {"en"}
    assert (program.min_age, program.max_age) == (26, 64)
    assert program.delivery == Program.Delivery.IN_PERSON
    assert program.levels == Level.IOP
    assert program.accepting_new_patients is None  # the directory never says
    location = program.locations.get()
    assert (location.city, location.state, location.zip_code) == ("Denver", "CO", "80202")
    assert location.has_coordinates


def test_day_treatment_outpatient_telehealth_and_spanish_are_noted(make_workbook):
    codes = "SA * OP ODT OIT ORT * CBT TELE * SF SS * YAD ADLT * SP"
    path = make_workbook([facility(name2="Evening Program", service_code_info=codes)])

    run(path)

    program = Program.objects.get()
    assert program.levels == Level.OUTPATIENT | Level.IOP | Level.PHP
    assert program.delivery == Program.Delivery.HYBRID
    assert set(program.licensed_states.values_list("code", flat=True)) == {"CO"}
    assert program.sliding_scale
    assert slugs(program, "languages") == {"en", "es"}
    assert (program.min_age, program.max_age) == (18, 64)
    assert program.name == "Front Range Recovery – Evening Program"
    assert program.organization == "Front Range Recovery"


def test_other_levels_of_care_are_skipped_and_counted_unless_asked_for(make_workbook):
    path = make_workbook(
        [facility(), facility(name1="Hilltop House", service_code_info="SA * RES * PI")]
    )

    output = run(path)

    assert Program.objects.count() == 1
    assert "not an IOP: 1" in output
    Program.objects.all().delete()
    run(path, "--levels", "OIT,RES")
    assert Program.objects.count() == 2


def test_unknown_codes_are_counted_and_reported_not_fatal(make_workbook):
    path = make_workbook([facility(service_code_info="SA * OP OIT * CBT ZZNEW QQQ * PI")])

    summary = samhsa_import(path=path)

    assert Program.objects.count() == 1
    assert summary.unknown_codes == {"ZZNEW": 1, "QQQ": 1}
    text = "\n".join(summary.lines())
    assert "ZZNEW (A code we have not reviewed) x1" in text
    assert "QQQ (not in the file's key) x1" in text


def test_zip_that_cannot_be_placed_is_reported_and_imported_without_coordinates(make_workbook):
    path = make_workbook([facility(zip="00000")])

    summary = samhsa_import(path=path)

    location = Location.objects.get()
    assert location.zip_code == "00000" and not location.has_coordinates
    assert summary.unplaced_zips == {"00000": 1}
    assert "00000" in "\n".join(summary.lines())
    # Still found by state.
    assert Program.objects.filter(locations__state="CO").count() == 1


def test_zip_the_package_places_at_0_0_is_reported_as_unplaced_not_put_at_0_0(make_workbook):
    path = make_workbook([facility(zip="09001")])

    summary = samhsa_import(path=path)

    location = Location.objects.get()
    assert location.zip_code == "09001"
    assert (location.latitude, location.longitude) == (None, None)
    assert summary.unplaced_zips == {"09001": 1}
    assert "ZIP codes we could not place (1 sites imported without coordinates): 09001" in (
        "\n".join(summary.lines())
    )


def test_malformed_zip_skips_the_row_with_its_number(make_workbook):
    path = make_workbook([facility(zip="ABCDE"), facility(name1="Second", zip="8020")])

    summary = samhsa_import(path=path)

    assert summary.skipped["invalid ZIP code"] == 1
    assert "row 2: skipped: invalid ZIP code" in summary.problems
    # A ZIP that lost its leading zero in a spreadsheet is padded back.
    assert Location.objects.get().zip_code == "08020"


def test_duplicate_facilities_import_once_and_name_the_duplicate_row(make_workbook):
    path = make_workbook([facility(), facility(phone="303-555-0199")])

    summary = samhsa_import(path=path)

    assert Program.objects.count() == 1
    assert summary.skipped["duplicate facility"] == 1
    assert summary.problems == ["row 3: skipped: duplicate of row 2 (Front Range Recovery)"]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [({"state": "ZZ"}, "unknown state"), ({"city": None}, "missing city")],
)
def test_row_without_a_usable_address_is_skipped_and_reported(make_workbook, bad, reason):
    path = make_workbook([facility(**bad), facility(name1="Placed")])

    output = run(path)

    assert list(Program.objects.values_list("name", flat=True)) == ["Placed"]
    assert f"row 2: skipped: {reason}" in output
    assert f"  {reason}: 1" in output


def test_row_without_a_name_is_skipped_and_reported(make_workbook):
    path = make_workbook([facility(name1=None), facility(name1="Named")])

    output = run(path)

    assert list(Program.objects.values_list("name", flat=True)) == ["Named"]
    assert "row 2: skipped: missing name" in output


def test_unusable_phone_numbers_are_left_out_not_fatal(make_workbook):
    path = make_workbook([facility(phone="CALL-US-NOW!!", intake1="303-555-0101")])

    summary = samhsa_import(path=path)

    program = Program.objects.get()
    assert (program.phone, program.intake_phone) == ("", "303-555-0101")
    assert summary.invalid_phones == 1


def test_second_run_of_the_same_file_changes_nothing_and_says_so(make_workbook):
    path = make_workbook([facility(), facility(name1="Second Site", zip="10001", state="NY")])
    run(path)
    before = list(Program.objects.values_list("pk", "updated_at"))
    history_rows = Program.history.count()

    output = run(path)

    assert "Created: 0, updated: 0, unchanged: 2" in output
    assert "Nothing changed" in output
    assert list(Program.objects.values_list("pk", "updated_at")) == before
    assert Program.history.count() == history_rows
    assert ImportRun.objects.count() == 2


def test_newer_file_updates_what_changed_and_reports_facilities_no_longer_listed(
    make_workbook,
):
    run(make_workbook([facility(), facility(name1="Closed Clinic")]))
    newer = make_workbook([facility(phone="303-555-0111", service_code_info="SA * OIT * CBT")])

    summary = samhsa_import(path=newer)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    assert summary.not_in_file == ["Closed Clinic"]
    assert Program.objects.filter(name="Closed Clinic").exists()  # kept, not deleted
    program = Program.objects.get(name="Front Range Recovery")
    assert program.phone == "303-555-0111"
    assert slugs(program, "insurance") == set()
    latest = program.history.first()
    assert latest.history_type == "~"
    assert latest.history_change_reason.startswith("Imported from the SAMHSA")
    assert set(latest.insurance.values_list("insurance__slug", flat=True)) == set()
    assert set(latest.modalities.values_list("modality__slug", flat=True)) == {"cbt"}
    assert latest.prev_record.phone == "303-555-0100"


def test_import_creates_history_with_vocabulary_snapshot(make_workbook):
    run(make_workbook([facility()]))

    record = Program.objects.get().history.get()

    assert record.history_type == "+"
    assert set(record.insurance.values_list("insurance__slug", flat=True)) == {
        "private-insurance",
        "medicaid",
    }
    assert Location.history.count() == 1


def test_programme_confirmed_by_a_curator_is_not_overwritten(make_workbook):
    run(make_workbook([facility()]))
    Program.objects.update(phone="303-555-0123", last_verified_on=datetime.date(2026, 11, 1))

    summary = samhsa_import(path=make_workbook([facility(phone="303-555-0999")]))

    assert summary.kept_confirmed == 1 and summary.updated == 0
    assert Program.objects.get().phone == "303-555-0123"


def test_curated_status_survives_a_reimport(make_workbook):
    path = make_workbook([facility()])
    run(path)
    Program.objects.update(status=Program.Status.ARCHIVED)

    run(path)

    assert Program.objects.get().status == Program.Status.ARCHIVED


def test_dry_run_reports_and_writes_nothing(make_workbook):
    output = run(make_workbook([facility()]), "--dry-run")

    assert "Dry run: nothing written" in output
    assert "Created: 1" in output
    assert not Program.objects.exists()
    assert not ImportRun.objects.exists()


def test_real_import_records_an_import_run_with_its_counts(make_workbook):
    run(make_workbook([facility(), facility(name1="Hilltop", service_code_info="RES")]))

    import_run = ImportRun.objects.get()

    assert import_run.succeeded and not import_run.dry_run
    assert import_run.source == Program.Source.SAMHSA_2022
    assert import_run.counts["created"] == 1
    assert import_run.counts["skipped"] == {"not an IOP": 1}
    assert import_run.finished_at is not None


def test_unexpected_error_mid_import_writes_nothing(make_workbook, monkeypatch):
    def explode(self):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sync._Writer, "flush", explode)

    with pytest.raises(RuntimeError):
        samhsa_import(path=make_workbook([facility(), facility(name1="Second")]))

    assert not Program.objects.exists()
    assert not Location.objects.exists()
    assert not Program.history.exists()
    failed = ImportRun.objects.get()
    assert not failed.succeeded and "Nothing was written" in failed.message


def test_no_progress_bar_when_output_is_not_a_terminal(make_workbook):
    errors = io.StringIO()
    call_command(
        "import_samhsa", str(make_workbook([facility()])), stdout=io.StringIO(), stderr=errors
    )
    assert errors.getvalue() == ""


# --- Bad input: one clear line, nothing written ------------------------------------------


READ_TO_THE_END = "could not be read to the end (it may be damaged or truncated)"
NOT_A_WORKBOOK = "is not a readable xlsx workbook (it may be truncated or another format)"


def _error(path: Path, *args: str) -> str:
    with pytest.raises(CommandError) as caught:
        run(path, *args)
    assert not Program.objects.exists()
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_missing_file_is_a_clear_error(tmp_path):
    assert "No such file" in _error(tmp_path / "nope.xlsx")


def test_file_that_is_not_xlsx_is_a_clear_error(tmp_path):
    path = tmp_path / "directory.xlsx"
    path.write_text("name1,name2\nA,B\n")
    assert "not a readable xlsx workbook" in _error(path)


def test_truncated_workbook_is_a_clear_error(make_workbook, tmp_path):
    whole = make_workbook([facility(name1=f"Facility {n}") for n in range(50)]).read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    message = _error(path)
    assert "xlsx" in message or "truncated" in message
    assert message == f"truncated.xlsx {NOT_A_WORKBOOK}: zipfile.BadZipFile."


@pytest.mark.parametrize("name", ["directory.csv", "directory.xls"])
def test_file_saved_in_another_format_is_a_clear_error(tmp_path, name):
    path = tmp_path / name
    path.write_text("name1,name2\nA,B\n")
    message = _error(path)
    assert f"{name} is not a readable xlsx workbook" in message
    assert "InvalidFileException" in message


def test_folder_instead_of_a_file_is_a_clear_error(tmp_path):
    assert "is a folder, not an xlsx file" in _error(tmp_path)


def _cut_in_half(xml: bytes) -> bytes:
    return xml[: len(xml) // 2]


def _garble_cell_reference(xml: bytes) -> bytes:
    return xml.replace(b'r="A2"', b'r="A2x"', 1)


@pytest.mark.parametrize(
    ("damage", "problem", "cause"),
    [
        (
            lambda path: rewrite_part(path, FACILITIES_PART, _cut_in_half),
            READ_TO_THE_END,
            "xml.etree.ElementTree.ParseError",
        ),
        (
            lambda path: rewrite_part(path, FACILITIES_PART, _garble_cell_reference),
            READ_TO_THE_END,
            "ValueError",
        ),
        (lambda path: break_compression(path, FACILITIES_PART), NOT_A_WORKBOOK, "zlib.error"),
    ],
    ids=["xml cut short", "garbled cell reference", "broken compression"],
)
def test_damaged_facilities_sheet_is_a_clear_error(make_workbook, damage, problem, cause):
    path = make_workbook([facility(name1=f"Facility {n}") for n in range(50)])
    damage(path)

    assert _error(path) == f"{path.name} {problem}: {cause}."
    assert not ImportRun.objects.exists()


def test_wrong_sheet_names_are_a_clear_error(make_workbook):
    path = make_workbook([facility()], sheets=("Sheet1", samhsa.CODES_SHEET))
    message = _error(path)
    assert "no sheet 'Facilities List'" in message and "'Sheet1'" in message


def test_missing_code_reference_sheet_is_a_clear_error(make_workbook):
    path = make_workbook([facility()], sheets=(samhsa.FACILITIES_SHEET,))
    assert "no sheet 'Service Code Reference'" in _error(path)


def test_missing_columns_are_a_clear_error(make_workbook):
    columns = [c for c in samhsa.FACILITY_COLUMNS if c not in ("zip", "service_code_info")]
    message = _error(make_workbook([facility()], columns=columns))
    assert "lacks the column(s): zip, service_code_info" in message


@pytest.mark.parametrize(
    ("code_rows", "message"),
    [
        ([], "Sheet 'Service Code Reference' is empty."),
        (
            [("category_code", "service_code")],
            "Sheet 'Service Code Reference' lacks the column(s): category_name, service_name.",
        ),
        ([samhsa.CODE_COLUMNS], "Sheet 'Service Code Reference' has no codes."),
    ],
    ids=["empty", "missing columns", "no codes"],
)
def test_unusable_code_key_sheet_is_a_clear_error(make_workbook, code_rows, message):
    assert _error(make_workbook([facility()], code_rows=code_rows)) == message


def test_empty_facilities_sheet_is_a_clear_error(make_workbook):
    assert "is empty" in _error(make_workbook(with_header=False))


def test_sheet_with_only_a_header_is_a_clear_error(make_workbook):
    assert "no facility rows" in _error(make_workbook([]))


def test_bad_levels_option_is_a_clear_error(make_workbook):
    assert "--levels" in _error(make_workbook([facility()]), "--levels", " , ")


def test_bad_input_exits_with_status_one_and_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "import_samhsa", str(tmp_path / "missing.xlsx")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"CommandError: No such file: {tmp_path / 'missing.xlsx'}"
    ]


def test_service_raises_domain_error_for_bad_files(tmp_path):
    with pytest.raises(SamhsaFileError):
        samhsa_import(path=tmp_path / "missing.xlsx")


def test_progress_bar_is_shown_on_a_terminal_only():
    from tqdm import tqdm

    from programs.management.progress import progress_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    rows = [1, 2, 3]
    assert progress_bar(rows, description="Rows", stream=io.StringIO()) is rows
    terminal = Terminal()
    bar = progress_bar(rows, description="Rows", stream=terminal)
    assert isinstance(bar, tqdm)
    assert list(bar) == rows
    assert "Rows" in terminal.getvalue()


def test_other_levels_skip_reason_names_the_selection(make_workbook):
    path = make_workbook([facility(), facility(name1="Hilltop", service_code_info="SA * RES")])
    summary = samhsa_import(path=path, levels=["OIT", "ODT"])
    assert summary.skipped == {"level of care not selected": 1}


def test_imported_programme_page_says_details_are_not_yet_confirmed(make_workbook, client):
    run(make_workbook([facility()]))
    program = Program.objects.get()

    page = client.get(program.get_absolute_url()).content.decode()

    assert "SAMHSA National Directory 2022" in page
    assert "not yet been confirmed by the programme" in page
