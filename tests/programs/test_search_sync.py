"""The search table follows every write path: a change shows up in the directory and matching."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.urls import reverse

from matching.selectors import PAGE_MASKS, programs_for_page
from matching.services import match_programs
from programs.attached import related
from programs.models import Condition, Program, ProgramSearch
from programs.selectors import program_filterset
from programs.services import (
    program_search_rebuild,
    program_search_refresh,
    program_transition,
    program_verify,
    suggestion_accept,
    suggestion_create,
)
from tests.factories import LocationFactory, ProgramFactory, UserFactory, WeeklySessionFactory
from tests.matching.conftest import make_intake

pytestmark = pytest.mark.django_db


def directory(query: str) -> list[str]:
    filterset = program_filterset(params=QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return [program.name for program in filterset.qs]


def matched(**intake) -> list[str]:
    return [m.program.name for m in match_programs(intake=make_intake(**intake)).results]


@pytest.fixture
def albany(db):
    program = ProgramFactory(name="Albany IOP", conditions=["depression"], insurance=["aetna"])
    LocationFactory(
        program=program, city="Albany", zip_code="12207", latitude=42.65, longitude=-73.75
    )
    WeeklySessionFactory(program=program, weekday=1)
    return program


def rows_of(program: Program) -> list[tuple]:
    return sorted(
        ProgramSearch.objects.filter(program=program).values_list(
            "location_id", "conditions", "schedule", "accepting", "last_verified_on"
        ),
        key=str,
    )


def test_a_published_programme_has_an_anchor_row_and_one_row_per_placed_site(albany):
    LocationFactory(program=albany, city="Troy", zip_code="12180", latitude=None, longitude=None)
    rows = ProgramSearch.objects.filter(program=albany)
    assert rows.filter(kind="anchor").count() == 1
    assert rows.filter(kind="site").count() == 1  # the unplaced site has no row
    assert not rows.filter(kind="virtual").exists()


def test_a_virtual_programme_has_a_row_per_licensed_state():
    program = ProgramFactory(name="Online IOP", delivery="hybrid", licensed_states=["NY", "NJ"])
    states = ProgramSearch.objects.filter(program=program, kind="virtual")
    assert sorted(states.values_list("state", flat=True)) == ["NJ", "NY"]
    assert directory("format=virtual&near=07102") == ["Online IOP"]
    assert directory("format=virtual&near=78701") == []


def test_workflow_transitions_add_and_remove_a_programme_from_search(albany):
    admin = UserFactory()
    program_transition(program=albany, to_status=Program.Status.ARCHIVED, user=admin)
    assert directory("near=12207") == []
    assert not ProgramSearch.objects.filter(program=albany).exists()
    program_transition(program=albany, to_status=Program.Status.DRAFT, user=admin)
    program_transition(program=albany, to_status=Program.Status.IN_REVIEW, user=admin)
    program_transition(program=albany, to_status=Program.Status.PUBLISHED, user=admin)
    assert directory("near=12207") == ["Albany IOP"]


def test_verifying_a_programme_updates_the_verified_sort(albany):
    other = ProgramFactory(name="Other IOP", last_verified_on=datetime.date(2026, 11, 1))
    LocationFactory(program=other, zip_code="12207", latitude=42.65, longitude=-73.75)
    assert directory("near=12207&sort=verified")[0] == "Other IOP"
    program_verify(program=albany, user=UserFactory(), today=datetime.date(2026, 11, 20))
    assert ProgramSearch.objects.filter(program=albany).first().last_verified_on == (
        datetime.date(2026, 11, 20)
    )
    assert directory("near=12207&sort=verified")[0] == "Albany IOP"


def test_an_accepted_suggestion_shows_up_in_search(albany):
    assert directory("near=12207&accepting=true") == ["Albany IOP"]
    suggestion = suggestion_create(
        program=albany,
        kind="correction",
        message="We have a waitlist now.",
        changes={"accepting_new_patients": False},
    )
    suggestion_accept(suggestion=suggestion, user=UserFactory())
    assert directory("near=12207&accepting=true") == []
    assert directory("near=12207") == ["Albany IOP"]


def admin_form(program: Program, **changes) -> dict:
    data = {
        "name": program.name,
        "slug": program.slug,
        "delivery": "in_person",
        "min_age": 18,
        "source": "manual",
        "accepting_new_patients": "true",
        "levels": ["iop"],
        "conditions": [c.pk for c in program.conditions.all()],
        "insurance": [i.pk for i in program.insurance.all()],
        "locations-TOTAL_FORMS": 0,
        "locations-INITIAL_FORMS": 0,
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_an_admin_edit_of_vocabularies_and_inlines_shows_up_in_search(admin_client, albany):
    anxiety = Condition.objects.get(slug="anxiety")
    data = admin_form(
        albany,
        conditions=[anxiety.pk],
        **{
            "locations-TOTAL_FORMS": 1,
            "locations-0-city": "Austin",
            "locations-0-state": "TX",
            "locations-0-zip_code": "78701",
            "locations-0-latitude": "30.27",
            "locations-0-longitude": "-97.74",
            "sessions-TOTAL_FORMS": 1,
            "sessions-0-weekday": 5,
            "sessions-0-start_time": "10:00",
            "sessions-0-end_time": "12:00",
        },
    )
    response = admin_client.post(reverse("admin:programs_program_change", args=[albany.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert directory("near=78701&condition=anxiety&time=weekend") == ["Albany IOP"]
    assert directory("condition=depression") == []


def test_an_admin_added_programme_is_found_at_once(admin_client):
    data = {
        "name": "New Harbor IOP",
        "slug": "new-harbor-iop",
        "delivery": "in_person",
        "min_age": 18,
        "source": "manual",
        "accepting_new_patients": "true",
        "levels": ["iop"],
        "locations-TOTAL_FORMS": 1,
        "locations-INITIAL_FORMS": 0,
        "locations-0-city": "Albany",
        "locations-0-state": "NY",
        "locations-0-zip_code": "12207",
        "locations-0-latitude": "42.65",
        "locations-0-longitude": "-73.75",
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
    }
    response = admin_client.post(reverse("admin:programs_program_add"), data)
    assert response.status_code == 302
    # A new listing starts as a draft: in the table only once published.
    assert directory("near=12207") == []
    program = Program.objects.get(slug="new-harbor-iop")
    admin = UserFactory()
    program.phone = "(555) 010-2000"
    program.save()
    program_transition(program=program, to_status=Program.Status.IN_REVIEW, user=admin)
    program_transition(program=program, to_status=Program.Status.PUBLISHED, user=admin)
    assert directory("near=12207") == ["New Harbor IOP"]


def test_deleting_a_vocabulary_term_in_the_admin_keeps_every_bit_right(
    admin_client, albany, django_capture_on_commit_callbacks
):
    later = ProgramFactory(name="Later IOP", conditions=["co-occurring"])
    LocationFactory(program=later, zip_code="12207", latitude=42.65, longitude=-73.75)
    grief = Condition.objects.get(slug="grief")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:programs_condition_delete", args=[grief.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert directory("near=12207&condition=co-occurring") == ["Later IOP"]
    assert directory("near=12207&condition=depression") == ["Albany IOP"]


def test_a_term_deleted_outside_the_admin_keeps_every_bit_right(
    albany, django_capture_on_commit_callbacks
):
    """Wherever a term goes (the shell, a data fix), the bits after it move: the table is
    rebuilt, so searches and the terms a page reads off the bits stay right."""
    later = ProgramFactory(name="Later IOP", conditions=["co-occurring"], insurance=["aetna"])
    LocationFactory(program=later, zip_code="12207", latitude=42.65, longitude=-73.75)
    with django_capture_on_commit_callbacks(execute=True):
        Condition.objects.filter(slug__in=["grief", "anxiety"]).delete()
    assert directory("near=12207&condition=co-occurring") == ["Later IOP"]
    assert directory("near=12207&condition=depression") == ["Albany IOP"]
    masks = ProgramSearch.objects.filter(program=later, kind=ProgramSearch.Kind.ANCHOR).values(
        *PAGE_MASKS
    )
    page = programs_for_page(ids=[later.pk], relations=["conditions"], masks={later.pk: masks[0]})
    assert [term.slug for term in related(page[later.pk], "conditions")] == ["co-occurring"]


def test_a_term_added_below_another_moves_the_bits_and_rebuilds(
    albany, django_capture_on_commit_callbacks
):
    lowest = Condition.objects.exclude(slug="depression").order_by("pk").first()
    lowest_pk, lowest_slug = lowest.pk, lowest.slug
    lowest.delete()  # its id free; not committed, so nothing is rebuilt yet
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Condition.objects.create(pk=lowest_pk, slug=lowest_slug, name="Back again")
    assert program_search_rebuild in callbacks, "a term added below others rebuilds the table"
    assert directory("near=12207&condition=depression") == ["Albany IOP"]
    with django_capture_on_commit_callbacks() as callbacks:
        Condition.objects.create(slug="after-the-others", name="After the others")
    assert program_search_rebuild not in callbacks


def test_a_csv_import_shows_up_in_search(albany):
    from programs.imports.services import programs_export_csv, programs_import_csv

    stream = io.StringIO()
    programs_export_csv(queryset=Program.objects.filter(pk=albany.pk), stream=stream)
    text = stream.getvalue().replace("depression", "ptsd-trauma")
    programs_import_csv(stream=io.StringIO(text), file_name="programmes.csv")
    assert directory("condition=ptsd-trauma") == ["Albany IOP"]
    assert directory("condition=depression") == []


def test_seed_demo_fills_the_search_table():
    call_command("seed_demo", "--programs", "30", "--seed", "3", stdout=io.StringIO())
    published = Program.objects.published()
    assert ProgramSearch.objects.filter(kind="anchor").count() == published.count()
    assert ProgramSearch.objects.filter(kind="site").count() == (
        published.filter(locations__latitude__isnull=False).values("locations").count()
    )


def test_the_rebuild_command_recreates_what_the_write_paths_wrote(albany):
    before = rows_of(albany)
    ProgramSearch.objects.all().delete()
    assert directory("near=12207") == []
    call_command("rebuild_program_search", stdout=io.StringIO())
    assert rows_of(albany) == before
    assert directory("near=12207") == ["Albany IOP"]


def test_refreshing_a_deleted_programme_removes_nothing_else(albany):
    other = ProgramFactory(name="Other IOP")
    other_rows = rows_of(other)
    pk = albany.pk
    albany.delete()
    program_search_refresh(program_ids=[pk])
    assert rows_of(other) == other_rows
    assert program_search_rebuild() == len(other_rows)


def test_matching_reads_the_refreshed_row(albany):
    assert matched(location="12207", format="in_person") == ["Albany IOP"]
    albany.accepting_new_patients = False
    albany.save()
    program_search_refresh(program_ids=[albany.pk])
    assert matched(location="12207", format="in_person") == []
