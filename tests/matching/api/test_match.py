"""POST /api/v1/match/: the questionnaire's questions and rules, as JSON."""

from __future__ import annotations

import json
import logging

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from matching.api import views as match_views
from matching.intake import Intake
from programs.levels import Level
from tests.factories import LocationFactory, ProgramFactory
from tests.intake_answers import SAFE_JSON as SAFE
from tests.matching.test_intake_views import VALID as QUESTIONNAIRE_ANSWERS

pytestmark = pytest.mark.django_db

URL = "/api/v1/match/"


def post(api_client, body):
    return api_client.post(URL, body, format="json")


def field_errors(api_client, body) -> dict[str, list[str]]:
    response = post(api_client, body)
    assert response.status_code == 400, response.json()
    payload = response.json()
    assert payload["status"] == 400
    assert payload["code"] == "invalid"
    return payload["errors"]


MINIMAL = {"conditions": ["depression"], "location": "10001", **SAFE}


@pytest.fixture
def captured_intakes(monkeypatch):
    """The Intake each request hands to match_programs."""
    seen: list[Intake] = []
    real = match_views.match_programs

    def spy(*, intake: Intake, **kwargs):
        seen.append(intake)
        return real(intake=intake, **kwargs)

    monkeypatch.setattr(match_views, "match_programs", spy)
    return seen


# --- contract ------------------------------------------------------------------------


def test_a_fitting_intake_gets_the_iop_level_and_ranked_programmes(api_client, manhattan_program):
    response = post(api_client, {**MINIMAL, "availability": ["evening"], "therapies": ["cbt"]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"level_of_care", "results", "suggestions", "page", "total", "has_next"}
    assert (body["page"], body["total"], body["has_next"]) == (1, 1, False)
    level = body["level_of_care"]
    assert level["level"] == "iop"
    assert level["label"]
    assert "intensive outpatient programme may fit" in level["message"]
    assert level["resources"] == []
    [result] = body["results"]
    assert result["program"]["slug"] == manhattan_program.slug
    assert result["program"]["name"] == "Midtown Evening IOP"
    assert result["program"]["url"] == f"http://testserver/programs/{manhattan_program.slug}/"
    assert 0 < result["score"] <= 100
    assert result["distance_miles"] == pytest.approx(0, abs=0.1)
    criteria = {reason["criterion"]: reason for reason in result["reasons"]}
    assert criteria["conditions"]["met"] is True
    assert criteria["conditions"]["points"] == criteria["conditions"]["max_points"]
    assert "Depression" in criteria["conditions"]["text"]
    assert criteria["schedule"]["text"] == "Offers evening sessions"
    assert set(criteria["therapies"]) == {
        "criterion",
        "met",
        "role",
        "points",
        "max_points",
        "text",
    }


def test_the_answer_is_never_cached(api_client, manhattan_program):
    response = post(api_client, MINIMAL)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    assert "must-revalidate" in response["Cache-Control"]


def test_a_plan_to_self_harm_gets_crisis_lines_and_no_programmes(api_client, manhattan_program):
    answers = {"suicidal_thoughts": True, "suicide_method": True, "suicide_intent": False}
    body = post(api_client, {**MINIMAL, **answers, "suicide_plan": True}).json()
    assert body["level_of_care"]["level"] == "crisis"
    assert body["results"] == []
    contacts = [resource["contact"] for resource in body["level_of_care"]["resources"]]
    assert contacts == ["988", "741741", "911"]
    assert body["level_of_care"]["resources"][0]["href"] == "tel:988"


def test_thoughts_of_self_harm_show_crisis_lines_alongside_programmes(
    api_client, manhattan_program
):
    body = post(api_client, {**MINIMAL, "wish_dead": True}).json()
    assert body["level_of_care"]["level"] == "iop"
    assert "988" in [resource["contact"] for resource in body["level_of_care"]["resources"]]
    assert body["results"]


def test_phq9_item_nine_shows_crisis_lines_and_scores_are_reported(api_client, manhattan_program):
    body = post(
        api_client, {**MINIMAL, "phq9": [2, 2, 2, 2, 2, 2, 2, 2, 1], "gad7": [1] * 7}
    ).json()
    level = body["level_of_care"]
    assert level["phq9"] == {"total": 17, "band": "moderately severe"}
    assert level["gad7"] == {"total": 7, "band": "mild"}
    assert "988" in [resource["contact"] for resource in level["resources"]]


def test_withdrawal_risk_points_to_higher_care_first(api_client, manhattan_program):
    detox = ProgramFactory(name="Harbor Detox", levels=Level.RESIDENTIAL | Level.WITHDRAWAL)
    LocationFactory(program=detox)
    body = post(api_client, {**MINIMAL, "needs_withdrawal_support": True}).json()
    assert body["level_of_care"]["level"] == "higher_care"
    assert body["level_of_care"]["list_levels"] == ["php", "residential", "inpatient", "withdrawal"]
    assert [result["program"]["name"] for result in body["results"]] == ["Harbor Detox"]
    first = body["results"][0]
    assert first["group"] == "withdrawal"
    assert [level["code"] for level in first["program"]["levels"]] == [
        "residential",
        "withdrawal",
    ]


def test_mild_symptoms_point_to_outpatient_therapy(api_client, manhattan_program):
    body = post(api_client, {**MINIMAL, "severity": "mild"}).json()
    assert body["level_of_care"]["level"] == "outpatient"


def test_nothing_nearby_gives_suggestions_instead(api_client, manhattan_program):
    body = post(api_client, {**MINIMAL, "location": "Austin, TX", "format": "in_person"}).json()
    assert body["results"] == []
    assert body["suggestions"]


def test_every_field_reaches_the_intake_the_questionnaire_would_build(
    api_client, manhattan_program, captured_intakes
):
    body = {
        "conditions": ["anxiety", "depression"],
        "substance_use": True,
        "severity": "severe",
        "phq9": [1, 1, 1, 1, 1, 1, 1, 1, 0],
        "gad7": [2, 2, 2, 2, 2, 2, 2],
        **SAFE,
        "recent_hospitalization": True,
        "goals": ["coping-skills", "keep-working"],
        "therapies": ["cbt", "dbt"],
        "format": "in_person",
        "location": "Austin, TX",
        "radius": 40,
        "insurance": "aetna",
        "insurance_required": True,
        "availability": ["evening", "weekend"],
        "age": 34,
        "language": "es",
        "language_required": True,
        "populations": ["veterans"],
        "accept_waitlist": True,
    }
    assert post(api_client, body).status_code == 200
    [intake] = captured_intakes
    assert intake == Intake(
        conditions=("anxiety", "depression"),
        substance_use=True,
        severity="severe",
        phq9=(1, 1, 1, 1, 1, 1, 1, 1, 0),
        gad7=(2, 2, 2, 2, 2, 2, 2),
        recent_hospitalization=True,
        goals=("coping-skills", "keep-working"),
        therapies=("cbt", "dbt"),
        format="in_person",
        location="Austin, TX",
        radius=40,
        insurance="aetna",
        insurance_required=True,
        availability=("evening", "weekend"),
        age=34,
        language="es",
        language_required=True,
        populations=("veterans",),
        accept_waitlist=True,
    )
    assert intake.place.state == "TX"
    assert intake.main_condition == "anxiety"


def test_left_out_answers_take_the_questionnaires_defaults(
    api_client, manhattan_program, captured_intakes
):
    assert post(api_client, MINIMAL).status_code == 200
    [intake] = captured_intakes
    assert intake.severity == "moderate"
    assert intake.format == "either"
    assert intake.radius == 25
    assert intake.phq9 is None
    assert intake.age is None
    assert intake.suicide_method is None and intake.suicide_plan is None
    assert not any(
        [
            intake.wish_dead,
            intake.suicidal_thoughts,
            intake.recent_hospitalization,
            intake.needs_withdrawal_support,
            intake.insurance_required,
            intake.language_required,
            intake.accept_waitlist,
        ]
    )


def test_api_ranks_exactly_as_the_questionnaire_does(api_client, client, manhattan_program):
    for number, city in enumerate(["Hoboken", "Jersey City"]):
        other = ProgramFactory(name=f"Other IOP {number}", conditions=["anxiety"])
        LocationFactory(program=other, city=city, latitude=40.74 - number / 50, longitude=-74.03)
    page = client.post("/match/", QUESTIONNAIRE_ANSWERS)
    html_ranking = [(m.program.slug, m.score) for m in page.context["result"].results]
    same_answers = {
        "conditions": ["anxiety", "depression"],
        "severity": "moderate",
        "format": "either",
        "location": "10001",
        "radius": 25,
        "insurance": "aetna",
        "availability": ["evening"],
        "therapies": ["cbt"],
        "goals": ["keep-working"],
        "age": 34,
        "language": "es",
        "populations": ["veterans"],
        **SAFE,
    }
    body = post(api_client, same_answers).json()
    api_ranking = [(r["program"]["slug"], r["score"]) for r in body["results"]]
    assert api_ranking == html_ranking
    assert len(api_ranking) == 3


def test_nothing_about_the_intake_is_stored_or_logged(api_client, manhattan_program, caplog):
    def row_counts() -> dict[str, int]:
        return {model._meta.label: model.objects.count() for model in apps.get_models()}

    before = row_counts()
    caplog.set_level(logging.DEBUG)
    body = {**MINIMAL, "location": "Brooklyn, NY", "wish_dead": True, "age": 47}
    assert post(api_client, body).status_code == 200
    bad = {**MINIMAL, "location": "Brooklyn, NY", "conditions": ["secret-condition"]}
    assert post(api_client, bad).status_code == 400
    assert row_counts() == before
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Brooklyn" not in logged
    assert "secret-condition" not in logged


def test_unknown_fields_are_a_400_naming_them_not_ignored(api_client, manhattan_program):
    errors = field_errors(api_client, {**MINIMAL, "suicide_attempt": True, "colour": "blue"})
    assert set(errors) == {"suicide_attempt", "colour"}
    assert "Not one of the questions" in errors["suicide_attempt"][0]


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"conditions": None}, "conditions", "null"),
        ({"conditions": []}, "conditions", "Choose at least one"),
        ({"conditions": "depression"}, "conditions", "list"),
        ({"conditions": ["not-a-condition"]}, "conditions", "not-a-condition is not one"),
        ({"conditions": [7]}, "conditions", "Item 1: Must be a string"),
        ({"conditions": ["x" * 61]}, "conditions", "no more than 60"),
        ({"substance_use": "yes"}, "substance_use", "true or false"),
        ({"severity": "extreme"}, "severity", "extreme"),
        ({"phq9": [0] * 8}, "phq9", "at least 9"),
        ({"phq9": [0] * 10}, "phq9", "no more than 9"),
        ({"phq9": [0] * 8 + [4]}, "phq9", "Item 9: Ensure this value is less than or equal to 3"),
        ({"phq9": [0] * 8 + ["1"]}, "phq9", "whole number"),
        ({"gad7": [0] * 6 + [-1]}, "gad7", "greater than or equal to 0"),
        ({"gad7": "0000000"}, "gad7", "list"),
        ({"wish_dead": 1}, "wish_dead", "true or false"),
        ({"suicidal_thoughts": None}, "suicidal_thoughts", "null"),
        ({"suicide_method": "no"}, "suicide_method", "true or false"),
        ({"suicide_intent": 0}, "suicide_intent", "true or false"),
        ({"suicide_plan": "false"}, "suicide_plan", "true or false"),
        ({"suicide_behavior": "yesterday"}, "suicide_behavior", "yesterday"),
        ({"suicide_behavior": None}, "suicide_behavior", "null"),
        ({"harm_others": "no"}, "harm_others", "true or false"),
        ({"psychosis_danger": None}, "psychosis_danger", "null"),
        ({"medical_danger": 0}, "medical_danger", "true or false"),
        ({"recent_hospitalization": "false"}, "recent_hospitalization", "true or false"),
        ({"needs_withdrawal_support": [True]}, "needs_withdrawal_support", "true or false"),
        ({"goals": ["fly"]}, "goals", "fly"),
        ({"therapies": ["group-therapy"]}, "therapies", "group-therapy is not one"),
        ({"therapies": ["nope"]}, "therapies", "nope is not one"),
        ({"format": "teleport"}, "format", "teleport"),
        ({"location": None}, "location", "null"),
        ({"location": ""}, "location", "blank"),
        ({"location": "00000"}, "location", "couldn't find the ZIP code 00000"),
        ({"location": "Atlantis, ZZ"}, "location", "couldn't find Atlantis"),
        ({"location": 10001}, "location", "Must be a string"),
        ({"location": "1" * 101}, "location", "no more than 100"),
        ({"location": "100\x0001"}, "location", "Null characters"),
        ({"radius": 0}, "radius", "greater than or equal to 1"),
        ({"radius": 501}, "radius", "less than or equal to 500"),
        ({"radius": 2.5}, "radius", "whole number"),
        ({"radius": "25"}, "radius", "whole number"),
        ({"radius": True}, "radius", "whole number"),
        ({"insurance": "acme"}, "insurance", "Choose one of the options"),
        ({"insurance_required": True}, "insurance", "Choose your insurance"),
        ({"insurance_required": "true"}, "insurance_required", "true or false"),
        ({"availability": ["midnight"]}, "availability", "midnight"),
        ({"age": 4}, "age", "greater than or equal to 5"),
        ({"age": 121}, "age", "less than or equal to 120"),
        ({"age": "30"}, "age", "whole number"),
        ({"language": "klingon"}, "language", "Choose one of the options"),
        ({"language_required": True}, "language", "Choose a language"),
        ({"populations": ["martians"]}, "populations", "martians is not one"),
        ({"populations": ["x"] * 51}, "populations", "no more than 50"),
        ({"accept_waitlist": "no"}, "accept_waitlist", "true or false"),
    ],
)
def test_each_bad_answer_is_a_400_naming_its_field(
    api_client, manhattan_program, changes, field, fragment
):
    errors = field_errors(api_client, {**MINIMAL, **changes})
    assert list(errors) == [field]
    assert fragment in " ".join(errors[field])


def test_missing_required_answers_use_the_questionnaires_messages(api_client, db):
    errors = field_errors(api_client, {})
    safety = "Please answer this question: it helps us keep you safe."
    assert errors == {
        "conditions": ["Choose at least one thing you would like help with."],
        "location": ["Enter your ZIP code or city and state, like 10001 or Austin, TX."],
        **{name: [safety] for name in SAFE},
    }


def test_type_errors_and_questionnaire_errors_are_reported_together(api_client, db):
    errors = field_errors(
        api_client,
        {"conditions": ["nope"], "location": "00000", "radius": "far", "age": 2, **SAFE},
    )
    assert set(errors) == {"conditions", "location", "radius", "age"}


def test_text_that_is_not_valid_unicode_is_a_400(api_client, db):
    response = api_client.post(
        URL,
        '{"conditions": ["depression"], "location": "\\ud800", ' + json.dumps(SAFE)[1:],
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["location"]


@pytest.mark.parametrize("body", ["[]", '"depression"', "null", "42"])
def test_a_body_that_is_not_an_object_is_a_400(api_client, db, body):
    response = api_client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_malformed_json_is_a_400_parse_error(api_client, db):
    response = api_client.post(URL, '{"conditions": [', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_a_form_encoded_body_is_a_415(api_client, db):
    response = api_client.post(URL, {"conditions": "depression", "location": "10001"})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_get_is_not_allowed_because_answers_never_go_in_a_url(api_client, db):
    response = api_client.get(URL)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_a_signed_in_session_needs_no_csrf_token(db, django_user_model):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_user("staff", password="pw-123456789"))
    response = client.post(URL, json.dumps(MINIMAL), content_type="application/json")
    assert response.status_code == 200


def test_match_queries_do_not_grow_with_the_number_of_results(api_client, manhattan_program):
    with CaptureQueriesContext(connection) as one:
        assert len(post(api_client, MINIMAL).json()["results"]) == 1
    for number in range(5):
        other = ProgramFactory(
            name=f"Nearby IOP {number}", conditions=["depression"], insurance=["aetna"]
        )
        LocationFactory(program=other)
    with CaptureQueriesContext(connection) as six:
        assert len(post(api_client, MINIMAL).json()["results"]) == 6
    assert len(six) == len(one)


@pytest.mark.parametrize("field", ["insurance", "language"])
def test_a_null_character_in_a_slug_is_a_400_not_a_database_error(api_client, db, field):
    errors = field_errors(api_client, {**MINIMAL, field: "aet\x00na"})
    assert list(errors) == [field]
    assert "Null characters" in errors[field][0]
