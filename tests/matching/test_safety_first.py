"""Safety first: a crisis answer wins over every other answer, valid, invalid or missing.

Properties over random intakes, through both doors (the HTML questionnaire and the API):
(a) any crisis answer yields the crisis level and no programme, whatever else was sent;
(b) no intake with any suicidal ideation is told that weekly therapy may be enough.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from matching.intake import SuicideBehavior
from matching.screening import CRISIS_ROWS, Level, screen
from tests.factories import LocationFactory, ProgramFactory
from tests.intake_answers import SAFE_FORM, SAFE_JSON
from tests.matching.conftest import make_intake

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any value at all: valid answers, wrong types, nonsense, empties.
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 600),
    st.text(max_size=12),
    st.sampled_from(["10001", "99999", "depression", "moderate", "either", "yes", "no", ""]),
    st.lists(st.sampled_from(["depression", "nope", "evening", "cbt", 3]), max_size=3),
)
FIELDS = st.sampled_from(
    [
        "conditions",
        "severity",
        "location",
        "radius",
        "format",
        "insurance",
        "insurance_required",
        "age",
        "language",
        "availability",
        "phq9",
        "gad7",
        "therapies",
        "wish_dead",
        "suicidal_thoughts",
        "medical_danger",
        "suicide_attempt",
        "favourite_colour",
    ]
)
OTHER_ANSWERS = st.dictionaries(FIELDS, JUNK, max_size=10)
CRISIS = st.sampled_from(
    [(row.answer, True if row.value is True else str(row.value)) for row in CRISIS_ROWS]
)


def _form_value(value):
    if isinstance(value, list):
        return [str(item) for item in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@pytest.fixture
def nearby_program(db):
    program = ProgramFactory(name="Nearby IOP", conditions=["depression"])
    LocationFactory(program=program)
    return program


@EXAMPLES
@given(others=OTHER_ANSWERS, crisis=CRISIS, spelling=st.sampled_from([True, "yes", "true"]))
def test_any_crisis_answer_through_the_api_is_crisis_with_no_programmes(
    nearby_program, others, crisis, spelling
):
    cache.clear()  # the match API's own rate limit would otherwise stop the run
    name, value = crisis
    body = {**others, name: spelling if value is True else value}
    response = APIClient().post("/api/v1/match/", body, format="json")
    assert response.status_code == 200, response.json()
    payload = response.json()
    assert payload["level_of_care"]["level"] == "crisis"
    assert payload["results"] == []
    assert [r["contact"] for r in payload["level_of_care"]["resources"]][0] == "988"


@EXAMPLES
@given(others=OTHER_ANSWERS, crisis=CRISIS)
def test_any_crisis_answer_through_the_questionnaire_shows_the_crisis_page(
    client, nearby_program, others, crisis
):
    name, value = crisis
    data = {key: _form_value(item) for key, item in others.items()}
    data[name] = "yes" if value is True else value
    response = client.post("/match/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please reach out for support now" in html
    assert 'href="tel:988"' in html
    assert "Nearby IOP" not in html and "match-card" not in html


def test_a_plan_with_a_broken_zip_code_is_still_a_crisis_in_both(client, nearby_program):
    body = {"conditions": ["depression"], "location": "99999", "suicide_plan": True}
    payload = APIClient().post("/api/v1/match/", body, format="json").json()
    assert payload["level_of_care"]["level"] == "crisis" and payload["results"] == []
    html = client.post("/match/", {**body, "suicide_plan": "yes"}).content.decode()
    assert "Please reach out for support now" in html


def test_the_retired_plan_answer_is_still_a_crisis_and_its_no_is_explained(db):
    body = {"conditions": ["depression"], "location": "10001", "self_harm_plan": True}
    payload = APIClient().post("/api/v1/match/", body, format="json").json()
    assert payload["level_of_care"]["level"] == "crisis"
    body = {"conditions": ["depression"], "location": "10001", **SAFE_JSON}
    response = APIClient().post(
        "/api/v1/match/", {**body, "self_harm_thoughts": False}, format="json"
    )
    assert response.status_code == 400
    assert "C-SSRS" in response.json()["errors"]["self_harm_thoughts"][0]


def test_a_skipped_safety_question_is_a_400_naming_each_one():
    body = {"conditions": ["depression"], "location": "10001"}
    errors = APIClient().post("/api/v1/match/", body, format="json").json()["errors"]
    assert set(errors) == set(SAFE_JSON)


def test_yes_to_thoughts_of_suicide_requires_questions_3_to_5(client):
    body = {"conditions": ["depression"], "location": "10001", **SAFE_JSON}
    body["suicidal_thoughts"] = True
    errors = APIClient().post("/api/v1/match/", body, format="json").json()["errors"]
    assert set(errors) == {"suicide_method", "suicide_intent", "suicide_plan"}
    data = {"conditions": "depression", "severity": "moderate", "location": "10001", **SAFE_FORM}
    html = client.post("/match/", {**data, "suicidal_thoughts": "yes"}).content.decode()
    # Once in the summary at the top and once beside each of the three questions.
    assert html.count("please answer this question too") == 6


@EXAMPLES
@given(
    severity=st.sampled_from(["mild", "moderate", "severe"]),
    wish_dead=st.booleans(),
    thoughts=st.booleans(),
    item9=st.integers(0, 3),
    other_items=st.lists(st.integers(0, 3), min_size=8, max_size=8),
    use_phq9=st.booleans(),
    behavior=st.sampled_from(list(SuicideBehavior)),
    flags=st.dictionaries(
        st.sampled_from(["recent_hospitalization", "needs_withdrawal_support", "medical_danger"]),
        st.booleans(),
    ),
)
def test_no_intake_with_suicidal_ideation_is_told_weekly_therapy_is_enough(
    severity, wish_dead, thoughts, item9, other_items, use_phq9, behavior, flags
):
    phq9 = (*other_items, item9) if use_phq9 else None
    intake = make_intake(
        severity=severity,
        wish_dead=wish_dead,
        suicidal_thoughts=thoughts,
        phq9=phq9,
        suicide_behavior=behavior,
        **flags,
    )
    ideation = wish_dead or thoughts or (use_phq9 and item9 > 0)
    level = screen(intake)
    if ideation:
        assert level.level != Level.OUTPATIENT
        assert level.show_crisis_resources


@pytest.mark.parametrize(
    "body",
    [
        {"suicide_plan": " YES "},
        {"Suicide_Plan ": True},
        {"suicide_plan": "ｙｅｓ"},
        {"suicide_plan": "sí"},
        {"suicide_plan": 1.0},
        {"suicide_plan": [True]},
        {"suicide_behavior": ["past_3_months"]},
        {"harm_others": "On"},
    ],
)
def test_crisis_answers_in_any_spelling_are_a_crisis(body):
    payload = APIClient().post("/api/v1/match/", body, format="json").json()
    assert payload["level_of_care"]["level"] == "crisis"


@pytest.mark.parametrize(
    "body",
    [
        '{"suicide_plan": true, "suicide_plan": false}',
        '[{"suicide_plan": true}]',
        '{"intake": {"suicide_plan": true}}',
        '{"conditions": ["my-private-diagnosis"], "location": "10001"}',
        '{"conditions": [' + "[" * 30 + "]" * 30 + "]}",
    ],
)
def test_every_error_from_the_match_api_carries_the_crisis_lines_and_is_never_cached(body):
    response = APIClient().post("/api/v1/match/", body, content_type="application/json")
    assert response.status_code == 400
    assert [r["contact"] for r in response.json()["resources"]] == ["988", "741741", "911"]
    assert "no-store" in response["Cache-Control"]


def test_a_key_given_twice_is_named_in_the_error():
    body = '{"suicide_plan": true, "suicide_plan": false}'
    response = APIClient().post("/api/v1/match/", body, content_type="application/json")
    assert "suicide_plan" in response.json()["message"]


def test_a_crisis_answer_is_never_throttled():
    cache.clear()
    throttled = {"conditions": ["depression"], "location": "10001", **SAFE_JSON}
    client = APIClient()
    codes = [client.post("/api/v1/match/", throttled, format="json").status_code for _ in range(35)]
    assert 429 in codes
    crisis = client.post("/api/v1/match/", {"suicide_plan": True}, format="json")
    assert crisis.status_code == 200 and crisis.json()["level_of_care"]["level"] == "crisis"
    cache.clear()


@pytest.mark.parametrize(
    "extra", [{"relax": "wider"}, {"edit": "1"}, {"relax": "virtual", "edit": "1"}]
)
def test_relax_or_edit_never_hides_the_crisis_page(client, nearby_program, extra):
    data = {"conditions": "depression", "location": "10001", "suicide_plan": "yes", **extra}
    html = client.post("/match/", data).content.decode()
    assert "Please reach out for support now" in html and "Nearby IOP" not in html


def test_crisis_danger_signs_are_kept_beside_the_crisis_lines():
    level = screen(make_intake(harm_others=True, needs_withdrawal_support=True))
    assert level.level == Level.CRISIS
    assert any("seizure" in sign for sign in level.danger_signs)
