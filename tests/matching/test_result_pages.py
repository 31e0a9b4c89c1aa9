"""Results page through: every programme that fits can be reached, 25 at a time."""

import pytest
from rest_framework.test import APIClient

from tests.factories import LocationFactory, ProgramFactory
from tests.intake_answers import SAFE_JSON
from tests.matching.test_intake_views import VALID

pytestmark = pytest.mark.django_db


@pytest.fixture
def thirty_programmes(db):
    programmes = []
    for number in range(30):
        program = ProgramFactory(name=f"Programme {number:02d}", conditions=["depression"])
        LocationFactory(program=program)
        programmes.append(program)
    return programmes


def answers(**changes):
    return {**VALID, "insurance": "", "language": "", "populations": [], **changes}


def test_more_results_shows_the_next_page_in_the_same_order(client, thirty_programmes):
    first = client.post("/match/", answers())
    assert first.context["result"].total == 30 and len(first.context["result"].results) == 25
    html = first.content.decode()
    assert "30 programmes, best fit first" in html and "Showing 1 to 25 of 30." in html
    assert 'name="page" value="2"' in html and "More results" in html
    second = client.post("/match/", answers(page="2"))
    assert len(second.context["result"].results) == 5
    shown = [m.program.pk for m in first.context["result"].results] + [
        m.program.pk for m in second.context["result"].results
    ]
    assert sorted(shown) == sorted(p.pk for p in thirty_programmes)
    html = second.content.decode()
    assert "Showing 26 to 30 of 30." in html and 'start="26"' in html
    assert "More results</button>" not in html and "Previous results</button>" in html


@pytest.mark.parametrize("page", ["0", "-3", "two", "99999999999"])
def test_an_odd_page_number_shows_a_sensible_page(client, thirty_programmes, page):
    response = client.post("/match/", answers(page=page))
    assert response.status_code == 200
    assert response.context["result"].page in (1, 1000)


def test_the_api_pages_through_with_page(thirty_programmes):
    body = {"conditions": ["depression"], "location": "10001", **SAFE_JSON}
    client = APIClient()
    first = client.post("/api/v1/match/", body, format="json").json()
    assert (first["page"], first["total"], first["has_next"]) == (1, 30, True)
    second = client.post("/api/v1/match/", {**body, "page": 2}, format="json").json()
    assert (second["page"], len(second["results"]), second["has_next"]) == (2, 5, False)
    slugs = {r["program"]["slug"] for r in first["results"] + second["results"]}
    assert len(slugs) == 30


@pytest.mark.parametrize("page", [0, -1, "2", 2.5, 1001])
def test_a_bad_page_in_the_api_is_a_400_naming_it(thirty_programmes, page):
    body = {"conditions": ["depression"], "location": "10001", "page": page, **SAFE_JSON}
    response = APIClient().post("/api/v1/match/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


def test_a_page_past_the_last_still_says_how_many_fit(thirty_programmes):
    body = {"conditions": ["depression"], "location": "10001", "format": "either", **SAFE_JSON}
    past = APIClient().post("/api/v1/match/", {**body, "page": 3}, format="json").json()
    assert (past["page"], past["total"], past["results"], past["has_next"]) == (3, 30, [], False)
