"""Demo data: realistic, clearly labelled, deterministic, fast enough to seed 10k."""

import pytest
from django.core.management import CommandError, call_command

from programs.demo import DEMO_DESCRIPTION_PREFIX
from programs.geo import plausible_coordinates, unplaceable_zip_codes, zip_place
from programs.levels import Level
from programs.models import Location, Program, WeeklySession
from programs.services import demo_programs_seed

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Program.objects.order_by("slug").values_list(
            "slug", "name", "delivery", "min_age", "hours_per_week"
        )
    ) + list(
        Location.objects.order_by("program__slug", "zip_code").values_list("zip_code", "latitude")
    )


def test_same_seed_gives_the_same_programmes():
    call_command("seed_demo", "--programs", "40", "--seed", "7")
    first = snapshot()
    call_command("seed_demo", "--programs", "40", "--seed", "7", "--clear")
    assert snapshot() == first


def test_different_seeds_give_different_programmes():
    call_command("seed_demo", "--programs", "40", "--seed", "1")
    first = snapshot()
    call_command("seed_demo", "--programs", "40", "--seed", "2", "--clear")
    assert snapshot() != first


def test_demo_programmes_are_valid_varied_and_labelled():
    call_command("seed_demo", "--programs", "120", "--seed", "3")
    programs = list(
        Program.objects.prefetch_related("conditions", "insurance", "locations", "sessions")
    )
    assert len(programs) == 120
    for program in programs[:40]:
        program.full_clean()
        assert program.source == Program.Source.DEMO
        assert program.description.startswith(DEMO_DESCRIPTION_PREFIX)
        assert program.conditions.all() and program.insurance.all()
        assert program.sessions.all()
        assert program.hours_per_week == program.hours_per_day * program.days_per_week
    assert {p.delivery for p in programs} == {"in_person", "virtual", "hybrid"}
    assert len({loc.state for p in programs for loc in p.locations.all()}) > 10
    for location in Location.objects.all()[:50]:
        place = zip_place(location.zip_code)
        assert (place.latitude, place.longitude) == (location.latitude, location.longitude)
        assert place.state == location.state
    assert WeeklySession.objects.filter(weekday__gte=5).exists()


def test_no_demo_site_is_at_0_0_or_at_a_zip_that_cannot_be_placed():
    call_command("seed_demo", "--programs", "400", "--seed", "5")
    sites = list(Location.objects.values_list("zip_code", "latitude", "longitude"))
    assert len(sites) > 300
    assert not [s for s in sites if s[0] in unplaceable_zip_codes()]
    assert all(plausible_coordinates(lat, lng) for _zip, lat, lng in sites)


def test_if_empty_leaves_an_existing_catalogue_alone():
    call_command("seed_demo", "--programs", "5", "--seed", "1")
    call_command("seed_demo", "--programs", "50", "--seed", "2", "--if-empty")
    assert Program.objects.count() == 5


@pytest.mark.parametrize(
    "arguments",
    [["--programs", "0"], ["--programs", "-5"], ["--programs", "abc"], ["--seed", "abc"]],
)
def test_bad_arguments_are_refused_and_nothing_is_written(arguments):
    with pytest.raises(CommandError):
        call_command("seed_demo", *arguments)
    assert Program.objects.count() == 0


def test_demo_programmes_start_their_history_so_a_first_edit_shows_a_diff():
    from programs.services import demo_programs_seed

    demo_programs_seed(count=3, seed=7)
    program = Program.objects.filter(source=Program.Source.DEMO).first()
    first = program.history.get()
    assert first.history_change_reason == "Demo data created"
    assert {link.condition_id for link in first.conditions.all()} == set(
        program.conditions.values_list("pk", flat=True)
    )
    assert program.locations.first().history.count() == 1

    program.phone = "(555) 010-2468"
    program.save()
    delta = program.history.first().diff_against(first)
    assert [change.field for change in delta.changes] == ["phone"]


def test_demo_data_mixes_levels_of_care_mostly_iops_and_some_unknown_openings():
    demo_programs_seed(count=400, seed=11)
    levels = list(Program.objects.values_list("levels", flat=True))
    iops = [mask for mask in levels if mask & Level.IOP]
    assert 0.6 < len(iops) / len(levels) < 0.85
    assert any(mask & Level.PHP for mask in iops) and any(mask & Level.OUTPATIENT for mask in iops)
    only = set(levels) - set(iops)
    assert {Level.PHP, Level.WITHDRAWAL, Level.OUTPATIENT} <= only
    assert any(mask & Level.RESIDENTIAL for mask in only)
    assert any(mask & Level.INPATIENT for mask in only)
    openings = set(Program.objects.values_list("accepting_new_patients", flat=True))
    assert openings == {True, False, None}
