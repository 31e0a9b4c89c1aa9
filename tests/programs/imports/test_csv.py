"""Our CSV format: the exact round trip, updates by slug, row-level validation."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.imports.csv_format import COLUMNS, CsvFormatError
from programs.imports.services import programs_export_csv, programs_import_csv
from programs.imports.sync import LOCATION_FIELDS, SESSION_FIELDS
from programs.levels import Level
from programs.models import ImportRun, Location, Program, WeeklySession
from tests.factories import LocationFactory, ProgramFactory, UserFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db


def export(queryset=None) -> str:
    stream = io.StringIO()
    programs_export_csv(queryset=queryset or Program.objects.all(), stream=stream)
    return stream.getvalue()


def import_text(text: str, **kwargs):
    return programs_import_csv(stream=io.StringIO(text), file_name="programmes.csv", **kwargs)


@pytest.fixture
def catalogue():
    curator = UserFactory(username="curator@iopfinder.example")
    full = ProgramFactory(
        name="Harbor Light Evening IOP",
        organization='Harbor Light, "Behavioral" Health',
        description="Line one,\nline two; with “quotes” and ünïcode.",
        status=Program.Status.PUBLISHED,
        accepting_new_patients=False,
        typical_wait_days=14,
        levels=Level.IOP | Level.PHP | Level.OUTPATIENT,
        email="intake@example.org",
        intake_notes="Referral needed.\nBring ID.",
        days_per_week=4,
        hours_per_day=Decimal("3.5"),
        hours_per_week=Decimal("14.0"),
        delivery=Program.Delivery.HYBRID,
        licensed_states=["NY", "NJ"],
        min_age=16,
        max_age=25,
        self_pay_cost_usd=7500,
        sliding_scale=True,
        payment_plans=True,
        source=Program.Source.SAMHSA_2022,
        source_id="abc123",
        verified_by=curator,
        conditions=["depression", "anxiety"],
        modalities=["cbt", "dbt"],
        insurance=["aetna", "medicaid"],
        populations=["young-adults"],
        languages=["en", "es"],
        accreditations=["carf"],
    )
    LocationFactory(program=full, name="Main | site", address_line2="Suite 3")
    LocationFactory(
        program=full,
        city="Hoboken",
        state="NJ",
        zip_code="07030",
        latitude=None,
        longitude=None,
    )
    WeeklySessionFactory(program=full, weekday=0, label="Evening track")
    WeeklySessionFactory(
        program=full,
        weekday=5,
        start_time=datetime.time(9, 30, 15),
        end_time=datetime.time(12, 0),
    )
    bare = ProgramFactory(
        name="Bare Draft",
        status=Program.Status.DRAFT,
        description="",
        website="",
        phone="",
        intake_phone="",
        days_per_week=None,
        hours_per_day=None,
        hours_per_week=None,
        length_weeks_min=None,
        length_weeks_max=None,
        last_verified_on=None,
    )
    return full, bare


def snapshot() -> list[dict]:
    """Everything about every programme except ids and timestamps.

    The public id (``uuid``) is assigned when a programme is created, like the pk: our CSV
    format matches programmes by slug and does not carry it (HSDS exports do).
    """
    rows = []
    for program in Program.objects.order_by("slug"):
        values = {
            f.attname: getattr(program, f.attname)
            for f in Program._meta.concrete_fields
            if f.name not in ("id", "uuid", "created_at", "updated_at")
        }
        for relation in ("conditions", "modalities", "insurance", "populations", "languages"):
            values[relation] = sorted(getattr(program, relation).values_list("slug", flat=True))
        values["accreditations"] = sorted(program.accreditations.values_list("slug", flat=True))
        values["states"] = sorted(program.licensed_states.values_list("code", flat=True))
        values["locations"] = list(program.locations.order_by("pk").values(*LOCATION_FIELDS))
        values["sessions"] = list(program.sessions.values(*SESSION_FIELDS))
        rows.append(values)
    return rows


def test_export_then_import_into_an_empty_catalogue_reproduces_it_exactly(catalogue):
    before = snapshot()
    text = export()
    Program.objects.all().delete()

    summary = import_text(text)

    assert (summary.created, summary.updated) == (2, 0)
    assert snapshot() == before
    assert export() == text


def test_importing_the_same_file_again_changes_nothing(catalogue):
    text = export()
    history = Program.history.count()

    summary = import_text(text)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert Program.history.count() == history


def test_import_updates_by_slug_and_records_history(catalogue):
    full, _bare = catalogue
    text = export().replace("Harbor Light Evening IOP", "Harbor Light Night IOP")
    text = text.replace("cbt|dbt", "act")

    summary = import_text(text)

    assert summary.updated == 1 and summary.unchanged == 1
    full.refresh_from_db()
    assert full.name == "Harbor Light Night IOP"
    assert set(full.modalities.values_list("slug", flat=True)) == {"act"}
    assert full.history.first().history_change_reason == "Imported from CSV (programmes.csv)"
    assert ImportRun.objects.get().source == Program.Source.CSV


def test_minimal_file_creates_programmes_with_defaults_and_places_zips():
    text = (
        "name,conditions,locations,sessions\n"
        'Mesa IOP,depression|anxiety,"[{""city"": ""Austin"", ""state"": ""tx"", '
        '""zip_code"": ""78701""}]","[{""weekday"": ""tuesday"", ""start_time"": ""18:00"", '
        '""end_time"": ""21:00""}]"\n'
    )

    import_text(text)

    program = Program.objects.get()
    assert program.slug == "mesa-iop"
    assert program.source == Program.Source.CSV
    assert program.status == Program.Status.DRAFT
    location = program.locations.get()
    assert location.state == "TX" and location.has_coordinates
    assert program.sessions.get().weekday == 1


@pytest.mark.parametrize(
    "site",
    [
        '{""city"": ""APO"", ""state"": ""NY"", ""zip_code"": ""09001""}',
        '{""city"": ""APO"", ""state"": ""NY"", ""zip_code"": ""09001"", '
        '""latitude"": 0, ""longitude"": 0}',
    ],
    ids=["zip-only", "given-as-0-0"],
)
def test_site_at_a_zip_that_cannot_be_placed_is_reported_and_kept_off_the_map(site):
    summary = import_text(f'name,locations\nPost IOP,"[{site}]"\n')

    location = Location.objects.get()
    assert location.zip_code == "09001" and not location.has_coordinates
    assert summary.unplaced_zips == {"09001": 1}
    assert "ZIP codes we could not place (1 sites imported without coordinates): 09001" in (
        summary.lines()
    )


def test_dry_run_validates_and_writes_nothing(catalogue):
    text = export()
    Program.objects.all().delete()

    summary = import_text(text, dry_run=True)

    assert summary.created == 2
    assert not Program.objects.exists()
    assert not ImportRun.objects.exists()


def _header_row(**cells: str) -> str:
    row = {column: "" for column in COLUMNS}
    row.update(name="Valid IOP", slug="valid-iop", status="published", delivery="in_person")
    row.update(cells)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow([row[c] for c in COLUMNS])
    return out.getvalue()


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"name": ""}, "name: This field cannot be blank."),
        ({"status": "live"}, "status: Value 'live' is not a valid choice."),
        ({"delivery": "by post"}, "delivery: Value 'by post' is not a valid choice."),
        ({"min_age": "forty"}, "min_age: “forty” value must be an integer."),
        ({"min_age": "30", "max_age": "20"}, "max_age: The maximum age must not be below"),
        ({"days_per_week": "9"}, "days_per_week: Ensure this value is less than or equal to 7."),
        ({"hours_per_day": "lots"}, "hours_per_day: “lots” value must be a decimal number."),
        ({"sliding_scale": "maybe"}, "sliding_scale: expected true or false, got 'maybe'"),
        ({"last_verified_on": "2026-13-01"}, "last_verified_on: "),
        ({"website": "not a url"}, "website: Enter a valid URL."),
        ({"email": "nobody"}, "email: Enter a valid email address."),
        ({"phone": "call me"}, "phone: Enter a phone number"),
        ({"slug": "not a slug!"}, "slug: "),
        ({"conditions": "depression|sadness"}, "conditions: unknown slug(s) sadness"),
        ({"licensed_states": "NY|XX"}, "licensed_states: unknown state(s) XX"),
        ({"locations": "[{"}, "locations: not valid JSON"),
        ({"locations": '{"city": "Austin"}'}, "locations: expected a JSON list of objects"),
        (
            {"locations": '[{"city": "Austin", "state": "TX", "zip_code": "787"}]'},
            "locations 1: zip_code: Enter a five-digit ZIP code.",
        ),
        (
            {"locations": '[{"city": "Austin", "state": "ZZ", "zip_code": "78701"}]'},
            "locations 1: state: Value 'ZZ' is not a valid choice.",
        ),
        (
            {
                "locations": '[{"city": "Austin", "state": "TX", "zip_code": "78701", "latitude": 30}]'
            },
            "locations 1: give both latitude and longitude, or neither",
        ),
        (
            {"sessions": '[{"weekday": "someday", "start_time": "18:00", "end_time": "19:00"}]'},
            "sessions 1: weekday: expected monday … sunday, got 'someday'",
        ),
        (
            {"sessions": '[{"weekday": "monday", "start_time": "19:00", "end_time": "18:00"}]'},
            "sessions 1: end_time: A session must end after it starts.",
        ),
        (
            {"sessions": '[{"weekday": "monday", "start_time": "7pm", "end_time": "9pm"}]'},
            "sessions 1: start_time: ",
        ),
        # Every other column's bad value, one each.
        ({"name": "x" * 201}, "name: Ensure this value has at most 200 characters"),
        (
            {"organization": "x" * 201},
            "organization: Ensure this value has at most 200 characters",
        ),
        (
            {"accepting_new_patients": "perhaps"},
            "accepting_new_patients: expected true, false or unknown, got 'perhaps'",
        ),
        (
            {"typical_wait_days": "400"},
            "typical_wait_days: Ensure this value is less than or equal to 365.",
        ),
        ({"levels": "iop|sometimes"}, "levels: unknown level(s) sometimes"),
        ({"levels": "IOP;PHP"}, "levels: unknown level(s) iop;php"),
        ({"intake_phone": "ring ring"}, "intake_phone: Enter a phone number"),
        (
            {"hours_per_week": "61"},
            "hours_per_week: Ensure this value is less than or equal to 60.",
        ),
        (
            {"length_weeks_min": "0"},
            "length_weeks_min: Ensure this value is greater than or equal to 1.",
        ),
        (
            {"length_weeks_max": "105"},
            "length_weeks_max: Ensure this value is less than or equal to 104.",
        ),
        (
            {"length_weeks_min": "10", "length_weeks_max": "8"},
            "length_weeks_max: The longest length must not be below the shortest.",
        ),
        ({"max_age": "121"}, "max_age: Ensure this value is less than or equal to 120."),
        ({"self_pay_cost_usd": "12.50"}, "self_pay_cost_usd: “12.50” value must be an integer."),
        ({"payment_plans": "often"}, "payment_plans: expected true or false, got 'often'"),
        ({"source": "fax"}, "source: Value 'fax' is not a valid choice."),
        ({"source_id": "x" * 65}, "source_id: Ensure this value has at most 64 characters"),
        ({"modalities": "cbt|telepathy"}, "modalities: unknown slug(s) telepathy"),
        ({"insurance": "goldcard"}, "insurance: unknown slug(s) goldcard"),
        ({"populations": "martians"}, "populations: unknown slug(s) martians"),
        ({"languages": "klingon"}, "languages: unknown slug(s) klingon"),
        ({"accreditations": "fake-seal"}, "accreditations: unknown slug(s) fake-seal"),
        (
            {"locations": '[{"city": "Austin", "state": "TX", "zip_code": "78701", "floor": 3}]'},
            "locations 1: unknown key(s) floor",
        ),
        (
            {"locations": '[{"state": "TX", "zip_code": "78701"}]'},
            "locations 1: city: This field cannot be blank.",
        ),
        (
            {
                "locations": '[{"city": "Austin", "state": "TX", "zip_code": "78701", '
                '"latitude": 95, "longitude": 0}]'
            },
            "locations 1: latitude: Ensure this value is less than or equal to 90.",
        ),
        (
            {"sessions": '[{"weekday": 9, "start_time": "18:00", "end_time": "19:00"}]'},
            "sessions 1: weekday: expected monday … sunday, got 9",
        ),
        (
            {
                "sessions": '[{"weekday": "monday", "start_time": "18:00", "end_time": "19:00", '
                '"room": 2}]'
            },
            "sessions 1: unknown key(s) room",
        ),
        (
            {"sessions": '[{"weekday": "monday", "start_time": "18:00"}]'},
            "sessions 1: end_time: This field cannot be null.",
        ),
        ({"sessions": "[1, 2]"}, "sessions: expected a JSON list of objects"),
    ],
)
def test_each_bad_cell_is_reported_with_line_and_reason_and_nothing_is_written(cells, reason):
    with pytest.raises(CsvFormatError) as caught:
        import_text(_header_row(**cells))

    assert any(error.startswith(f"line 2: {reason}") for error in caught.value.errors), (
        caught.value.errors
    )
    assert "nothing was imported" in str(caught.value)
    assert not Program.objects.exists()


def test_every_bad_row_is_reported_and_one_bad_row_blocks_the_valid_ones():
    text = (
        "name,slug,status,description\n"
        "Good One,good-one,published,fine\n"
        'Bad Two,bad-two,live,"spans\ntwo lines"\n'
        "Good Three,good-one,published,dup\n"
        ",nameless,published,\n"
    )

    with pytest.raises(CsvFormatError) as caught:
        import_text(text)

    errors = caught.value.errors
    assert errors[0].startswith("line 3: status:")
    assert "line 5: slug: 'good-one' is also on line 2" in errors
    assert "line 6: name: This field cannot be blank." in errors
    assert str(caught.value) == "3 row(s) are invalid; nothing was imported."
    assert not Program.objects.exists()


def test_source_id_given_twice_in_the_file_is_reported():
    text = "name,slug,source,source_id\nA,a,samhsa_2022,x1\nB,b,samhsa_2022,x1\n"
    with pytest.raises(CsvFormatError) as caught:
        import_text(text)
    assert caught.value.errors == ["line 3: source_id: 'x1' is also on line 2"]
    assert not Program.objects.exists()


def test_row_with_the_wrong_number_of_cells_is_reported():
    with pytest.raises(CsvFormatError) as caught:
        import_text("name,slug\nOne,one,extra\n")
    assert caught.value.errors == ["line 2: expected 2 cells, found 3"]


def test_source_id_of_another_programme_is_rejected(catalogue):
    text = "name,slug,source,source_id\nCopy,copy,samhsa_2022,abc123\n"
    with pytest.raises(CsvFormatError) as caught:
        import_text(text)
    assert caught.value.errors == [
        "line 2: source_id: 'abc123' already belongs to the programme 'harbor-light-evening-iop'"
    ]


def test_unknown_verifier_is_a_warning_not_an_error():
    summary = import_text("name,verified_by\nSolo IOP,ghost@example.org\n")
    assert Program.objects.get().verified_by is None
    assert summary.warnings == ["line 2: verified_by: no user 'ghost@example.org' here; left empty"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The CSV file is empty."),
        ("name,colour\nA,red\n", "Unknown column(s): colour"),
        ("slug,status\na,draft\n", "Missing required column(s): name."),
        ("name,name\nA,B\n", "Column(s) given twice: name."),
        ("name,slug\n", "The CSV file has a header but no programmes."),
        (
            "name\n" + "x" * 200_000 + "\n",
            "The file is not readable CSV text: field larger than field limit",
        ),
    ],
)
def test_file_level_problems_are_one_clear_error(text, message):
    with pytest.raises(CsvFormatError) as caught:
        import_text(text)
    assert message in str(caught.value)
    assert not Program.objects.exists()


# --- The commands ----------------------------------------------------------------------------


def test_export_and_import_commands_round_trip_through_a_file(catalogue, tmp_path):
    before = snapshot()
    path = tmp_path / "catalogue.csv"
    out = io.StringIO()
    call_command("export_programs", str(path), stdout=out)
    assert "Exported 2 programmes" in out.getvalue()
    Program.objects.all().delete()

    out = io.StringIO()
    call_command("import_programs", str(path), stdout=out)

    assert "Created: 2, updated: 0, unchanged: 0" in out.getvalue()
    assert snapshot() == before


def test_export_command_filters_by_status(catalogue, capsys):
    call_command("export_programs", "--status", "draft", stderr=io.StringIO())
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("bare-draft,")


def test_export_command_filters_by_source(catalogue, capsys):
    call_command("export_programs", "--source", "samhsa_2022", stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["slug"] for row in rows] == ["harbor-light-evening-iop"]


def test_export_command_to_a_missing_folder_is_a_clear_error(catalogue, tmp_path):
    path = tmp_path / "missing" / "catalogue.csv"
    with pytest.raises(CommandError, match="No such folder: "):
        call_command("export_programs", str(path), stdout=io.StringIO())
    assert not path.parent.exists()


def test_export_command_rejects_an_unknown_status(capsys):
    with pytest.raises(CommandError, match="invalid choice: 'live'"):
        call_command("export_programs", "--status", "live", stderr=io.StringIO())
    assert capsys.readouterr().out == ""


def test_import_command_lists_bad_rows_and_exits_with_an_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,status\nA,live\nB,draft\n", encoding="utf-8")
    errors = io.StringIO()

    with pytest.raises(CommandError, match="1 row\\(s\\) are invalid; nothing was imported."):
        call_command("import_programs", str(path), stdout=io.StringIO(), stderr=errors)

    assert "line 2: status: Value 'live' is not a valid choice." in errors.getvalue()
    assert not Program.objects.exists()


def test_import_command_rejects_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_programs", str(tmp_path / "none.csv"))
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nCaf\xe9 IOP\n".encode("latin-1"))
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        call_command("import_programs", str(path))
    assert not Program.objects.exists()


def test_import_command_accepts_a_spreadsheet_byte_order_mark(tmp_path):
    path: Path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffname,slug\nBOM IOP,bom-iop\n".encode())
    call_command("import_programs", str(path), stdout=io.StringIO())
    assert Program.objects.get().slug == "bom-iop"


def test_export_writes_locations_and_sessions_as_json(catalogue):
    full, _bare = catalogue
    text = export(Program.objects.filter(pk=full.pk))
    row = next(csv.DictReader(io.StringIO(text)))
    assert json.loads(row["sessions"])[0] == {
        "weekday": "monday",
        "start_time": "18:00",
        "end_time": "21:00",
        "label": "Evening track",
    }
    assert json.loads(row["locations"])[1]["latitude"] is None
    assert row["licensed_states"] == "NJ|NY"
    assert row["verified_by"] == "curator@iopfinder.example"
    assert Location.objects.count() == 2 and WeeklySession.objects.count() == 2


def test_changed_session_is_updated_in_place_with_history(catalogue):
    full, _bare = catalogue
    monday = full.sessions.get(weekday=0)
    text = export().replace('"start_time"": ""18:00""', '"start_time"": ""17:30""')

    summary = import_text(text)

    assert summary.updated == 1
    monday.refresh_from_db()
    assert monday.start_time == datetime.time(17, 30)
    latest = monday.history.first()
    assert latest.history_type == "~"
    assert latest.history_change_reason == "Imported from CSV (programmes.csv)"


def test_generated_slug_never_takes_one_that_a_later_row_names():
    import_text("name,slug\nMesa IOP,\nOther name,mesa-iop\n")

    assert set(Program.objects.values_list("name", "slug")) == {
        ("Mesa IOP", "mesa-iop-2"),
        ("Other name", "mesa-iop"),
    }


def test_cells_a_spreadsheet_would_run_as_formulas_are_exported_inert_and_import_back_exactly(db):
    program = ProgramFactory(
        name='=HYPERLINK("http://evil.example","Click")',
        organization="@SUM(1+1)",
        description="-2+3 and more",
        intake_notes="+1 call first",
    )
    LocationFactory(program=program)
    before = snapshot()
    text = export()
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["name"].startswith("'=HYPERLINK")
    assert row["organization"] == "'@SUM(1+1)"
    assert row["description"].startswith("'-2+3")
    assert row["intake_notes"] == "'+1 call first"
    Program.objects.all().delete()
    import_text(text)
    assert snapshot() == before
