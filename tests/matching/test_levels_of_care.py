"""Every screening answer leads somewhere real: listings of the level of care it names."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.intake import Intake
from matching.screening import Level, screen
from matching.services import match_programs
from programs.geo import geocode
from programs.levels import Level as Care
from tests.factories import LocationFactory, ProgramFactory
from tests.intake_answers import SAFE_JSON as SAFE

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 1)
API = "/api/v1/match/"


def listing(name: str, levels: int, *, miles_north: float = 0.0, **fields: object):
    program = ProgramFactory(name=name, levels=levels, conditions=["depression"], **fields)
    LocationFactory(program=program, latitude=40.7506 + miles_north / 69.0)
    return program


@pytest.fixture
def every_level(db):
    """Listings of every level near Midtown Manhattan; the nearer ones to the south."""
    return {
        "iop": listing("Plain IOP", Care.IOP, miles_north=1),
        "iop_php": listing("Step-Up IOP", Care.IOP | Care.PHP, miles_north=2),
        "iop_op": listing("Step-Down IOP", Care.IOP | Care.OUTPATIENT, miles_north=3),
        "php": listing("Day Hospital", Care.PHP, miles_north=4),
        "residential": listing("Harbor House", Care.RESIDENTIAL, miles_north=5),
        "detox": listing("Detox Unit", Care.INPATIENT | Care.WITHDRAWAL, miles_north=6),
        "clinic": listing("Corner Clinic", Care.OUTPATIENT, miles_north=7),
    }


def intake(**answers: object) -> Intake:
    base = {
        "conditions": ("depression",),
        "place": geocode("10001"),
        "severity": "moderate",
        **{key: value for key, value in SAFE.items() if key in Intake.__dataclass_fields__},
    }
    base.update(answers)
    return Intake(**base)


def names(result) -> list[str]:
    return [match.program.name for match in result.results]


def groups(result) -> list[str]:
    return [match.group.code for match in result.results]


def test_iop_lists_iops_only_with_a_note_on_stepping_up_or_down(every_level):
    result = match_programs(intake=intake(), today=TODAY)
    assert result.level_of_care.level == Level.IOP
    assert sorted(names(result)) == ["Plain IOP", "Step-Down IOP", "Step-Up IOP"]
    assert set(groups(result)) == {"iop"}


def test_higher_care_lists_more_intensive_care_first_then_iops_that_step_up(every_level):
    result = match_programs(intake=intake(recent_hospitalization=True, severity="severe"))
    assert result.level_of_care.level == Level.HIGHER_CARE
    assert groups(result) == ["higher", "higher", "higher", "iop_step_up"]
    assert names(result)[-1] == "Step-Up IOP"
    assert set(names(result)[:3]) == {
        "Day Hospital",
        "Harbor House",
        "Detox Unit",
    }
    assert "Plain IOP" not in names(result) and "Corner Clinic" not in names(result)
    assert [match.starts_group for match in result.results] == [True, False, False, True]


def test_withdrawal_puts_withdrawal_management_first(every_level):
    result = match_programs(intake=intake(needs_withdrawal_support=True))
    assert result.level_of_care.withdrawal
    assert names(result)[0] == "Detox Unit"
    assert groups(result) == ["withdrawal", "higher", "higher", "iop_step_up"]


def test_outpatient_lists_clinics_first_then_iops_if_weekly_therapy_has_not_helped(every_level):
    result = match_programs(intake=intake(severity="mild"))
    assert result.level_of_care.level == Level.OUTPATIENT
    # Clinics offering outpatient care first (the IOP that also offers it counts as one).
    assert groups(result) == ["outpatient", "outpatient", "iop_if_needed", "iop_if_needed"]
    assert set(names(result)[:2]) == {"Corner Clinic", "Step-Down IOP"}
    assert "Day Hospital" not in names(result)


def test_crisis_shows_no_list_at_all(every_level):
    result = match_programs(intake=intake(suicide_intent=True, suicidal_thoughts=True))
    assert result.level_of_care.level == Level.CRISIS
    assert result.results == () and result.level_of_care.plan is None


def test_the_ranking_stays_one_query_whatever_the_level(every_level):
    for answers in ({}, {"severity": "mild"}, {"needs_withdrawal_support": True}):
        with CaptureQueriesContext(connection) as queries:
            match_programs(intake=intake(**answers), today=TODAY)
        ranking = [q for q in queries.captured_queries if "list_group" in q["sql"]]
        assert len(ranking) == 1, answers
        # No query per result: a fixed number, whatever the page holds.
        assert len(queries.captured_queries) <= 12, answers


def test_screening_names_the_levels_of_care_each_list_is_built_from():
    assert screen(intake()).plan.codes == ["iop"]
    assert screen(intake(severity="mild")).plan.codes == ["outpatient", "iop"]
    assert screen(intake(needs_withdrawal_support=True)).plan.codes == [
        "php",
        "residential",
        "inpatient",
        "withdrawal",
    ]


def test_the_page_labels_each_listing_with_its_level(client, every_level):
    from tests.matching.test_intake_views import VALID

    html = client.post("/match/", {**VALID, "severity": "mild"}).content.decode()
    assert "Outpatient therapy near you" in html
    assert "An IOP: worth asking about if weekly therapy hasn&#x27;t helped." in html
    assert "Care offered: Outpatient" in html
    assert html.index("Corner Clinic") < html.index("Plain IOP")


def test_an_iop_card_says_it_can_step_up_or_down(client, every_level):
    from tests.matching.test_intake_views import VALID

    html = client.post("/match/", VALID).content.decode()
    assert "can also step you up to day treatment (PHP)" in html
    assert "can also step you down to weekly outpatient therapy" in html


def test_the_api_says_each_results_levels_and_what_the_list_was_built_for(api_client, every_level):
    body = api_client.post(
        API,
        {"conditions": ["depression"], "location": "10001", "severity": "mild", **SAFE},
        format="json",
    ).json()
    assert body["level_of_care"]["list_levels"] == ["outpatient", "iop"]
    first = body["results"][0]
    assert first["group"] == "outpatient"
    assert first["group_label"] == "Outpatient therapy near you"
    assert "outpatient" in [level["code"] for level in first["program"]["levels"]]


def test_an_unknown_opening_is_listed_and_said_as_unknown(api_client, db):
    listing("Imported IOP", Care.IOP, accepting_new_patients=None)
    listing("Full IOP", Care.IOP, accepting_new_patients=False)
    body = api_client.post(
        API, {"conditions": ["depression"], "location": "10001", **SAFE}, format="json"
    ).json()
    assert [r["program"]["name"] for r in body["results"]] == ["Imported IOP"]
    assert body["results"][0]["program"]["accepting_new_patients"] is None

    waitlist_ok = api_client.post(
        API,
        {"conditions": ["depression"], "location": "10001", "accept_waitlist": True, **SAFE},
        format="json",
    ).json()
    reasons = {
        r["program"]["name"]: [reason["text"] for reason in r["reasons"]]
        for r in waitlist_ok["results"]
    }
    assert "Call to ask about openings" in reasons["Imported IOP"]
    assert "Has a waitlist" in reasons["Full IOP"]
