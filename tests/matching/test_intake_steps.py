"""The questionnaire as steps: one page each, answers carried in the POST and checked again."""

import re

import pytest
from django.core.cache import cache

from matching.forms import STEPS, IntakeForm
from matching.screening import CRISIS_ROWS
from tests.factories import LocationFactory, ProgramFactory
from tests.intake_answers import SAFE_FORM

pytestmark = pytest.mark.django_db

ANSWERS = {
    **SAFE_FORM,
    "conditions": ["depression"],
    "severity": "moderate",
    "format": "either",
    "location": "10001",
    "radius": "25",
}


@pytest.fixture
def nearby_program(db):
    program = ProgramFactory(name="Nearby IOP", conditions=["depression"])
    LocationFactory(program=program)
    return program


def step(client, number, answers, nav="next"):
    return client.post("/match/", {**answers, "step": number, "nav": nav})


def hidden_names(html):
    return set(re.findall(r'<input type="hidden" name="([a-z0-9_]+)"', html))


def test_every_question_is_on_exactly_one_step():
    names = [name for step_ in STEPS for name in step_.names]
    assert sorted(names) == sorted(IntakeForm().fields)
    assert STEPS[0].names[0] == "wish_dead"  # safety first


def test_the_first_step_asks_about_safety_and_shows_progress(client):
    response = client.get("/match/")
    html = response.content.decode()
    assert "Step 1 of 4" in html and "Your safety" in html
    assert '<li class="intake-steps__step intake-steps__step--current" aria-current="step">' in html
    assert "thoughts of killing yourself" in html
    assert "What would you like help with?" not in html
    assert "no-store" in response["Cache-Control"]


def test_walking_the_steps_carries_every_answer_and_ends_in_results(client, nearby_program):
    second = step(client, 1, ANSWERS).content.decode()
    assert "Step 2 of 4" in second and "What would you like help with?" in second
    # The screeners are asked openly, not hidden in a closed <details>.
    assert "PHQ-9 (mood)" in second and "<details" not in second
    assert {"wish_dead", "suicide_behavior", "location"} <= hidden_names(second)
    assert "conditions" not in hidden_names(second)
    third = step(client, 2, ANSWERS).content.decode()
    assert "Step 3 of 4" in third and "Your ZIP code or City, ST" in third
    fourth = step(client, 3, ANSWERS).content.decode()
    assert "Step 4 of 4" in fourth and "Show my matches" in fourth
    results = step(client, 4, ANSWERS)
    assert results.status_code == 200
    assert "Nearby IOP" in results.content.decode()
    assert not results.request.get("QUERY_STRING") and not client.session.items()


def test_a_skipped_safety_question_keeps_the_seeker_on_that_step(client):
    response = step(client, 1, {**ANSWERS, "harm_others": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Step 1 of 4" in html and "Please check your answers" in html
    assert 'href="#id_harm_others' in html
    # The message is tied to its question for screen readers.
    assert 'aria-describedby="id_harm_others_error"' in html and 'id="id_harm_others_error"' in html
    assert "it helps us keep you safe" in html
    # Later steps' unanswered questions are not errors yet.
    assert "Enter your ZIP code" not in html


def test_next_on_an_early_step_does_not_complain_about_later_questions(client):
    response = step(client, 1, SAFE_FORM)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Step 2 of 4" in html and "Please check your answers" not in html


def test_back_keeps_the_answers_without_checking_them(client):
    response = step(client, 3, {**ANSWERS, "location": "00000"}, nav="back")
    html = response.content.decode()
    assert response.status_code == 200 and "Step 2 of 4" in html
    assert "Please check your answers" not in html
    assert 'name="location" value="00000"' in html


def test_a_tampered_hidden_answer_is_caught_on_its_own_step(client):
    response = step(client, 4, {**ANSWERS, "severity": "bogus"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Step 2 of 4" in html and "Select a valid choice" in html


def test_a_missing_safety_answer_sent_from_a_later_step_goes_back_to_safety(client):
    answers = {**ANSWERS}
    del answers["psychosis_danger"]
    html = step(client, 3, answers).content.decode()
    assert "Step 1 of 4" in html and "it helps us keep you safe" in html


@pytest.mark.parametrize("number", ["1", "2", "3", "4", "abc", "-7", "99"])
@pytest.mark.parametrize("row", CRISIS_ROWS, ids=lambda row: row.answer)
def test_a_crisis_answer_at_any_step_wins_over_tampered_answers(
    client, nearby_program, number, row
):
    cache.clear()
    answers = {
        "severity": "bogus",
        "location": "99999",
        "conditions": ["nope"],
        "radius": "far",
        row.answer: "yes" if row.value is True else row.value,
    }
    for nav in ("next", "back"):
        html = client.post("/match/", {**answers, "step": number, "nav": nav}).content.decode()
        assert "Please reach out for support now" in html
        assert "Nearby IOP" not in html and "Step " not in html


def test_a_tampered_step_number_starts_again_from_safety(client):
    html = client.post("/match/", {"step": "abc", "nav": "next"}).content.decode()
    assert "Step 1 of 4" in html


def test_moving_between_steps_is_not_counted_as_a_match(client, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "match": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    cache.clear()
    for _ in range(4):
        assert step(client, 1, ANSWERS).status_code == 200
        assert step(client, 3, ANSWERS, nav="back").status_code == 200
