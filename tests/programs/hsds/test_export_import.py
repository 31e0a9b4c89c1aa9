"""export_hsds -> import_hsds gives back the same programmes; a bad file writes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from programs.levels import Level
from programs.models import VOCABULARY_RELATIONS, Program

pytestmark = pytest.mark.django_db

COMPARED = (
    "name",
    "organization",
    "description",
    "website",
    "email",
    "intake_notes",
    "phone",
    "intake_phone",
    "status",
    "accepting_new_patients",
    "typical_wait_days",
    "days_per_week",
    "hours_per_day",
    "hours_per_week",
    "length_weeks_min",
    "length_weeks_max",
    "delivery",
    "min_age",
    "max_age",
    "self_pay_cost_usd",
    "sliding_scale",
    "payment_plans",
    "levels",
    "last_verified_on",
)


def _snapshot() -> dict[str, dict]:
    programs = Program.objects.prefetch_related(
        "locations", "sessions", "licensed_states", *VOCABULARY_RELATIONS
    )
    return {
        str(program.uuid): {
            **{name: getattr(program, name) for name in COMPARED},
            **{r: sorted(t.slug for t in getattr(program, r).all()) for r in VOCABULARY_RELATIONS},
            "states": sorted(state.code for state in program.licensed_states.all()),
            "locations": sorted(
                (str(s.uuid), s.name, s.address_line1, s.city, s.state, s.zip_code, s.latitude)
                for s in program.locations.all()
            ),
            "sessions": sorted(
                (s.weekday, s.start_time, s.end_time, s.label) for s in program.sessions.all()
            ),
        }
        for program in programs
    }


@pytest.fixture
def exported(catalogue, tmp_path, validate_service):
    nyc = catalogue["nyc"]
    nyc.levels, nyc.self_pay_cost_usd, nyc.sliding_scale = Level.IOP | Level.PHP, 5000, True
    nyc.typical_wait_days, nyc.intake_notes, nyc.payment_plans = 7, "Call for an assessment.", True
    nyc.save()
    Program.objects.filter(status=Program.Status.DRAFT).delete()  # only published ones export
    call_command("export_hsds", str(tmp_path))
    for path in (tmp_path / "services").glob("*.json"):
        validate_service(json.loads(path.read_text()))
    return tmp_path


def test_export_writes_a_service_per_programme_and_a_tabular_package(exported):
    assert len(list((exported / "services").glob("*.json"))) == 4
    package = json.loads((exported / "datapackage.json").read_text())
    for resource in package["resources"]:
        assert (exported / resource["path"]).exists()
    assert len((exported / "services.csv").read_text().splitlines()) == 5


def test_export_then_import_into_an_empty_database_gives_back_the_same_programmes(exported):
    before = _snapshot()
    Program.objects.all().delete()
    call_command("import_hsds", str(exported))
    assert _snapshot() == before
    call_command("import_hsds", str(exported))  # idempotent: the same again
    assert _snapshot() == before


def test_a_bad_file_stops_the_import_with_one_line_and_writes_nothing(exported):
    Program.objects.all().delete()
    broken = exported / "services" / "zzz.json"
    broken.write_text('{"id": "not-a-uuid", "name": "Broken"}')
    with pytest.raises(CommandError) as raised:
        call_command("import_hsds", str(exported))
    assert "\n" not in str(raised.value)
    assert Program.objects.count() == 0


def test_imported_programmes_are_found_by_the_directorys_search(exported):
    from django.http import QueryDict

    from programs.selectors import program_filterset

    Program.objects.all().delete()
    call_command("import_hsds", str(exported))
    found = program_filterset(params=QueryDict("near=10001&radius=25")).qs
    assert {program.name for program in found} == {"Manhattan Evening IOP", "Newark Morning IOP"}
