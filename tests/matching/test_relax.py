"""Loosening a match that found nothing: each relaxation applies only where it makes sense."""

import pytest
from django.http import QueryDict

from matching.relax import RELAXATIONS_BY_KEY, relax_suggestions
from matching.services import match_programs
from tests.factories import LocationFactory, ProgramFactory
from tests.matching.conftest import make_intake
from tests.matching.test_intake_views import VALID

pytestmark = pytest.mark.django_db


def keys(intake) -> list[str]:
    return [suggestion.key for suggestion in relax_suggestions(intake)]


def test_a_virtual_only_seeker_is_never_told_to_travel_further():
    assert "wider" not in keys(make_intake(format="virtual"))
    assert "virtual" not in keys(make_intake(format="virtual"))


def test_an_in_person_seeker_is_offered_distance_and_virtual_care():
    assert keys(make_intake(format="in_person", radius=10))[:2] == ["wider", "virtual"]


def test_travel_further_is_not_offered_at_the_longest_distance():
    assert "wider" not in keys(make_intake(format="in_person", radius=500))


def test_insurance_language_and_waitlist_are_offered_only_when_they_narrowed_the_search():
    assert keys(make_intake(accept_waitlist=True)) == ["wider"]
    narrowed = make_intake(
        insurance="aetna", insurance_required=True, language="es", language_required=True
    )
    assert {"any_insurance", "any_language", "waitlist"} <= set(keys(narrowed))


def test_include_virtual_keeps_the_travel_distance():
    intake = make_intake(format="in_person", radius=10)
    data = QueryDict(mutable=True)
    data.update({"format": "in_person", "radius": "10", "relax": "virtual"})
    relaxed = RELAXATIONS_BY_KEY["virtual"].apply(data, intake)
    assert relaxed["format"] == "either" and relaxed["radius"] == "10"
    assert "relax" not in relaxed


def test_the_page_offers_one_button_per_applicable_relaxation(client):
    html = client.post(
        "/match/", {**VALID, "format": "virtual", "insurance": "", "language": ""}
    ).content.decode()
    assert "No programmes fit every answer yet" in html
    assert 'value="waitlist"' in html
    assert 'value="wider"' not in html and "Travel further" not in html


def test_include_virtual_on_the_page_adds_virtual_programmes_and_keeps_nearby_ones(client):
    nearby = ProgramFactory(name="Nearby In-person IOP", conditions=["depression"])
    LocationFactory(program=nearby)
    virtual = ProgramFactory(
        name="Statewide Virtual IOP",
        conditions=["depression"],
        delivery="virtual",
        licensed_states=["NY"],
    )
    answers = {**VALID, "format": "in_person", "insurance": "", "language": "", "radius": "5"}
    before = client.post("/match/", answers).content.decode()
    assert "Nearby In-person IOP" in before and virtual.name not in before
    after = client.post("/match/", {**answers, "relax": "virtual"}).content.decode()
    assert "Nearby In-person IOP" in after and virtual.name in after


def test_the_api_gives_the_same_suggestions_as_sentences(client):
    result = match_programs(intake=make_intake(format="virtual"))
    assert all(isinstance(s.text, str) and s.text for s in result.suggestions)
