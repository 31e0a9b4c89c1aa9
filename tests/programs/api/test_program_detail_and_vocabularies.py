"""GET /api/v1/programs/{slug}/ and GET /api/v1/vocabularies/."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from programs.api.serializers import ProgramDetailSerializer
from programs.levels import Level
from programs.models import Accreditation, Condition, Modality, Program
from programs.selectors import program_detail_read
from programs.states import STATES
from tests.factories import (
    LocationFactory,
    ProgramFactory,
    WeeklySessionFactory,
    program_listing_everything,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_program(db):
    program = ProgramFactory(
        name="Riverside Hybrid IOP",
        organization="Riverside Health",
        description="Evening and Saturday groups.",
        delivery=Program.Delivery.HYBRID,
        licensed_states=["NY", "NJ"],
        levels=Level.IOP | Level.PHP,
        min_age=16,
        max_age=64,
        conditions=["depression", "ptsd-trauma"],
        modalities=["dbt", "group-therapy"],
        insurance=["medicaid"],
        populations=["veterans"],
        languages=["en", "es"],
        accreditations=["joint-commission"],
        email="intake@example.org",
        intake_notes="Call for a free assessment.",
        typical_wait_days=7,
        self_pay_cost_usd=6500,
        sliding_scale=True,
        hours_per_day=3.5,
        source=Program.Source.SAMHSA_2022,
        source_id="NY-1",
        last_verified_on=datetime.date(2026, 8, 15),
    )
    LocationFactory(program=program, name="Main site", address_line2="Floor 2")
    LocationFactory(
        program=program, city="Brooklyn", zip_code="11201", latitude=40.69, longitude=-73.99
    )
    WeeklySessionFactory(
        program=program, weekday=5, start_time=datetime.time(10), end_time=datetime.time(13)
    )
    WeeklySessionFactory(
        program=program,
        weekday=1,
        start_time=datetime.time(17, 30),
        end_time=datetime.time(20, 30),
        label="Evening track",
    )
    return program


def test_detail_returns_the_whole_programme(api_client, full_program):
    response = api_client.get(f"/api/v1/programs/{full_program.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == full_program.slug
    assert body["name"] == "Riverside Hybrid IOP"
    assert body["url"] == f"http://testserver/programs/{full_program.slug}/"
    assert body["organization"] == "Riverside Health"
    assert body["description"] == "Evening and Saturday groups."
    assert body["delivery"] == "hybrid"
    assert sorted(body["licensed_states"]) == ["NJ", "NY"]
    assert [level["code"] for level in body["levels"]] == ["iop", "php"]
    assert body["levels"][1]["asam"] == "2.5"
    assert body["ages"] == {"min": 16, "max": 64}
    assert body["contact"] == {
        "phone": "(555) 010-2000",
        "intake_phone": "(555) 010-2001",
        "website": "https://example.org/iop",
        "email": "intake@example.org",
    }
    assert body["intake"] == {
        "accepting_new_patients": True,
        "typical_wait_days": 7,
        "how_to_start": "Call for a free assessment.",
    }
    assert body["cost"] == {"self_pay_usd": 6500, "sliding_scale": True, "payment_plans": False}
    assert body["last_verified_on"] == "2026-08-15"
    assert body["provenance"]["source"] == "samhsa_2022"
    assert body["provenance"]["source_label"] == "SAMHSA National Directory 2022 (substance use)"
    assert body["provenance"]["last_verified_on"] == "2026-08-15"
    assert body["provenance"]["imported_unconfirmed"] is False
    assert body["provenance"]["updated_at"]


def test_detail_lists_sites_and_weekly_sessions_in_order(api_client, full_program):
    body = api_client.get(f"/api/v1/programs/{full_program.slug}/").json()
    assert [site["city"] for site in body["locations"]] == ["New York", "Brooklyn"]
    assert body["locations"][0] == {
        "name": "Main site",
        "address_line1": "350 Fifth Avenue",
        "address_line2": "Floor 2",
        "city": "New York",
        "state": "NY",
        "zip_code": "10001",
        "latitude": 40.7484,
        "longitude": -73.9967,
    }
    schedule = body["schedule"]
    assert schedule["days_per_week"] == 3
    assert schedule["hours_per_day"] == 3.5
    assert schedule["hours_per_week"] == 9.0
    assert (schedule["length_weeks_min"], schedule["length_weeks_max"]) == (8, 12)
    assert schedule["sessions"] == [
        {
            "weekday": 1,
            "weekday_label": "Tuesday",
            "start_time": "17:30",
            "end_time": "20:30",
            "label": "Evening track",
            "time_of_day": "evening",
        },
        {
            "weekday": 5,
            "weekday_label": "Saturday",
            "start_time": "10:00",
            "end_time": "13:00",
            "label": "",
            "time_of_day": "weekend",
        },
    ]


def test_detail_gives_every_vocabulary_as_slug_and_label(api_client, full_program):
    body = api_client.get(f"/api/v1/programs/{full_program.slug}/").json()
    assert {term["slug"] for term in body["conditions"]} == {"depression", "ptsd-trauma"}
    assert {"slug": "dbt", "label": "Dialectical behaviour therapy", "kind": "therapy"} in body[
        "modalities"
    ]
    assert body["insurance"] == [{"slug": "medicaid", "label": "Medicaid"}]
    assert body["populations"] == [{"slug": "veterans", "label": "Veterans"}]
    assert {term["slug"] for term in body["languages"]} == {"en", "es"}
    assert body["accreditations"] == [{"slug": "joint-commission", "label": "The Joint Commission"}]


def test_an_imported_unverified_listing_says_so(api_client):
    program = ProgramFactory(source=Program.Source.SAMHSA_2022, last_verified_on=None)
    body = api_client.get(f"/api/v1/programs/{program.slug}/").json()
    assert body["last_verified_on"] is None
    assert body["provenance"]["imported_unconfirmed"] is True


def test_detail_queries_do_not_grow_with_sites_and_sessions(api_client, full_program):
    small = ProgramFactory(name="Small IOP")
    api_client.get(f"/api/v1/programs/{small.slug}/")  # the process's copy of the vocabularies
    with CaptureQueriesContext(connection) as few:
        api_client.get(f"/api/v1/programs/{small.slug}/")
    with CaptureQueriesContext(connection) as many:
        api_client.get(f"/api/v1/programs/{full_program.slug}/")
    assert len(many) == len(few)


def test_detail_costs_five_queries_whatever_the_programme_lists(
    api_client, full_program, django_assert_num_queries
):
    everything = program_listing_everything(delivery=Program.Delivery.HYBRID)
    for day in range(7):
        LocationFactory(program=everything, name=f"Site {day}")
        WeeklySessionFactory(program=everything, weekday=day)
    bare = ProgramFactory(name="Bare IOP")
    api_client.get(f"/api/v1/programs/{bare.slug}/")  # the process's copy of the vocabularies
    # The programme; its terms and states; its sites; its sessions; its directory records.
    for program in (bare, full_program, everything):
        with django_assert_num_queries(5):
            response = api_client.get(f"/api/v1/programs/{program.slug}/")
        assert response.status_code == 200
    body = response.json()
    assert len(body["licensed_states"]) == len(STATES)
    assert len(body["conditions"]) == Condition.objects.count()
    assert len(body["locations"]) == 7


def test_a_term_newer_than_the_process_copy_of_the_vocabularies_is_still_listed(
    api_client, full_program
):
    api_client.get(f"/api/v1/programs/{full_program.slug}/")  # the copy, without the new term
    new = Condition.objects.bulk_create([Condition(slug="new-term", name="A new term")])[0]
    full_program.conditions.add(new)  # bulk: no signal has told this process yet
    body = api_client.get(f"/api/v1/programs/{full_program.slug}/").json()
    assert {"slug": "new-term", "label": "A new term"} in body["conditions"]


@pytest.mark.parametrize("name", ["full", "everything", "bare"])
def test_the_fast_answer_is_drf_generic_answer_field_for_field(full_program, name):
    """``to_representation`` builds by hand what the declared fields (the schema) give."""
    programs = {
        "full": full_program,
        "everything": program_listing_everything(accepting_new_patients=None, hours_per_week=None),
        "bare": ProgramFactory(
            name="Bare IOP", organization="", max_age=None, last_verified_on=None
        ),
    }
    program = programs[name]
    context = {"request": APIRequestFactory().get("/")}
    serializer = ProgramDetailSerializer(context=context)
    fast = serializer.to_representation(program_detail_read(program=program))
    generic = serializers.Serializer.to_representation(
        ProgramDetailSerializer(context=context), Program.objects.for_detail().get(pk=program.pk)
    )
    assert json.dumps(fast) == json.dumps(generic)  # same values, types and field order


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_an_unpublished_programme_is_a_json_404(api_client, status):
    program = ProgramFactory(status=status)
    response = api_client.get(f"/api/v1/programs/{program.slug}/")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "message": "Not found.",
        "errors": {},
    }


def test_an_unknown_slug_is_a_json_404(api_client, db):
    response = api_client.get("/api/v1/programs/no-such-programme/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


def test_a_path_that_is_not_a_slug_is_a_json_404_too(api_client, db):
    response = api_client.get("/api/v1/programs/not%20a%20slug!/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_html_pages_keep_their_html_404(client, db):
    response = client.get("/programs/no-such-programme/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- vocabularies ----------------------------------------------------------------------


def test_vocabularies_list_every_term_of_every_vocabulary(api_client, db):
    body = api_client.get("/api/v1/vocabularies/").json()
    assert set(body) == {
        "conditions",
        "modalities",
        "insurance",
        "populations",
        "languages",
        "accreditations",
    }
    assert [term["slug"] for term in body["conditions"]] == list(
        Condition.objects.values_list("slug", flat=True)
    )
    assert len(body["accreditations"]) == Accreditation.objects.count()
    assert {"slug": "depression", "label": "Depression"} in body["conditions"]
    for terms in body.values():
        assert terms
        assert all({"slug", "label"} <= set(term) for term in terms)


def test_modalities_say_which_are_therapies_a_match_can_ask_for(api_client, db):
    modalities = api_client.get("/api/v1/vocabularies/").json()["modalities"]
    therapies = {term["slug"] for term in modalities if term["kind"] == "therapy"}
    assert therapies == set(Modality.objects.filter(kind="therapy").values_list("slug", flat=True))
    assert "cbt" in therapies
    assert "group-therapy" not in therapies


def test_vocabularies_are_read_only(api_client, db):
    assert api_client.post("/api/v1/vocabularies/", {}, format="json").status_code == 405
