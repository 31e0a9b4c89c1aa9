"""GET /api/v1/programs/: the directory's own filters, as JSON."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import LocationFactory, ProgramFactory
from tests.programs.filter_cases import EACH_FILTER_ALONE

pytestmark = pytest.mark.django_db

URL = "/api/v1/programs/"


def names(api_client, query: str = "") -> list[str]:
    response = api_client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.json()
    return [item["name"] for item in response.json()["results"]]


def errors(api_client, query: str) -> dict[str, list[str]]:
    response = api_client.get(f"{URL}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "invalid"
    assert body["message"]
    return body["errors"]


# --- contract ------------------------------------------------------------------------


def test_list_is_paginated_with_count_next_previous_and_results(api_client, catalogue):
    body = api_client.get(URL).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 4
    assert body["next"] is None
    assert body["previous"] is None


def test_each_result_carries_slug_name_absolute_page_url_and_card_facts(api_client, catalogue):
    item = api_client.get(f"{URL}?q=Manhattan").json()["results"][0]
    assert item["slug"] == catalogue["nyc"].slug
    assert item["name"] == "Manhattan Evening IOP"
    assert item["url"] == f"http://testserver/programs/{catalogue['nyc'].slug}/"
    assert item["delivery"] == "in_person"
    assert item["accepting_new_patients"] is True
    assert item["locations"] == [{"city": "New York", "state": "NY", "zip_code": "10001"}]
    assert {"slug": "depression", "label": "Depression"} in item["conditions"]
    assert {term["slug"] for term in item["insurance"]} == {"aetna", "medicaid"}
    assert item["last_verified_on"] == "2026-09-01"
    assert item["is_demo"] is False


def test_distance_miles_is_given_with_near_and_null_without(api_client, catalogue):
    without = api_client.get(URL).json()["results"]
    assert all(item["distance_miles"] is None for item in without)
    near = {
        item["name"]: item["distance_miles"]
        for item in api_client.get(f"{URL}?near=10001").json()["results"]
    }
    assert near["Manhattan Evening IOP"] == pytest.approx(0, abs=0.1)
    assert near["Newark Morning IOP"] == pytest.approx(9.3, abs=0.5)


def test_drafts_and_archived_programmes_are_never_listed(api_client, catalogue):
    ProgramFactory(name="Archived IOP", status="archived")
    listed = names(api_client)
    assert "Draft IOP" not in listed
    assert "Archived IOP" not in listed


def test_pages_link_to_each_other_and_page_size_is_capped_at_100(api_client, catalogue):
    first = api_client.get(f"{URL}?page_size=3").json()
    assert len(first["results"]) == 3
    assert first["next"] == "http://testserver/api/v1/programs/?page=2&page_size=3"
    second = api_client.get(first["next"]).json()
    assert [item["name"] for item in second["results"]] == ["Telehealth IOP"]
    assert second["previous"] == "http://testserver/api/v1/programs/?page_size=3"
    assert len(api_client.get(f"{URL}?page_size=1000").json()["results"]) == 4


def test_default_page_size_is_the_directory_page_size(api_client, settings, db):
    for number in range(settings.DIRECTORY_PAGE_SIZE + 1):
        ProgramFactory(name=f"Programme {number:02d}")
    body = api_client.get(URL).json()
    assert body["count"] == settings.DIRECTORY_PAGE_SIZE + 1
    assert len(body["results"]) == settings.DIRECTORY_PAGE_SIZE


@pytest.mark.parametrize("page", ["9", "0", "-1", "two"])
def test_a_page_that_does_not_exist_is_a_json_404(api_client, catalogue, page):
    response = api_client.get(f"{URL}?page={page}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_list_queries_stay_constant_as_the_catalogue_grows(api_client, catalogue):
    with CaptureQueriesContext(connection) as few:
        api_client.get(f"{URL}?near=10001&radius=500")
    for number in range(6):
        program = ProgramFactory(
            name=f"More {number}", conditions=["depression"], insurance=["aetna"]
        )
        LocationFactory(program=program)
    with CaptureQueriesContext(connection) as more:
        body = api_client.get(f"{URL}?near=10001&radius=500").json()
    assert body["count"] == 8
    assert len(more) == len(few)


def test_only_get_is_allowed(api_client, catalogue):
    response = api_client.post(URL, {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --- each filter ---------------------------------------------------------------------


def test_near_a_zip_keeps_programmes_within_25_miles_nearest_first(api_client, catalogue):
    assert names(api_client, "near=10001") == ["Manhattan Evening IOP", "Newark Morning IOP"]


def test_near_a_city_and_state_is_geocoded(api_client, catalogue):
    assert names(api_client, "near=Austin, TX") == ["Austin Afternoon IOP"]


def test_radius_narrows_and_widens_the_search(api_client, catalogue):
    assert names(api_client, "near=10001&radius=5") == ["Manhattan Evening IOP"]
    assert names(api_client, "near=10001&radius=500") == [
        "Manhattan Evening IOP",
        "Newark Morning IOP",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        *EACH_FILTER_ALONE,
        ("insurance=cigna", ["Newark Morning IOP"]),
        ("format=in_person&near=10001", ["Manhattan Evening IOP", "Newark Morning IOP"]),
        ("format=virtual&near=10001", ["Telehealth IOP"]),
        ("format=virtual&near=07102", []),
        ("condition=depression&insurance=aetna&near=10001", ["Manhattan Evening IOP"]),
    ],
)
def test_each_filter_keeps_the_programmes_it_should(api_client, catalogue, query, expected):
    assert sorted(names(api_client, query)) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sort=name", ["Austin Afternoon IOP", "Manhattan Evening IOP", "Newark Morning IOP"]),
        ("sort=verified", ["Newark Morning IOP", "Manhattan Evening IOP", "Austin Afternoon IOP"]),
        ("", ["Austin Afternoon IOP", "Manhattan Evening IOP", "Newark Morning IOP"]),
    ],
)
def test_sort_orders_the_results(api_client, catalogue, query, expected):
    catalogue["austin"].last_verified_on = None
    catalogue["austin"].save()
    in_person = names(api_client, f"format=in_person&{query}")
    assert in_person == expected


def test_sort_by_distance_is_the_default_with_near(api_client, catalogue):
    assert names(api_client, "near=07102&radius=50") == [
        "Newark Morning IOP",
        "Manhattan Evening IOP",
    ]
    assert names(api_client, "near=07102&radius=50&sort=name") == [
        "Manhattan Evening IOP",
        "Newark Morning IOP",
    ]


def test_empty_parameters_mean_no_filter(api_client, catalogue):
    assert len(names(api_client, "near=&condition=&format=&sort=&q=")) == 4


# --- bad input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ("near=00000", "near", "00000"),
        ("near=Atlantis, ZZ", "near", "Atlantis"),
        ("near=somewhere", "near", "ZIP code"),
        ("radius=0", "radius", "greater than or equal to 1"),
        ("radius=501", "radius", "less than or equal to 500"),
        ("radius=far", "radius", "number"),
        ("condition=not-a-condition", "condition", "not-a-condition"),
        ("modality=yoga", "modality", "yoga"),
        ("insurance=acme", "insurance", "acme"),
        ("language=klingon", "language", "klingon"),
        ("population=martians", "population", "martians"),
        ("format=hovercraft", "format", "hovercraft"),
        ("time=midnight", "time", "midnight"),
        ("age=-1", "age", "greater than or equal to 0"),
        ("age=121", "age", "less than or equal to 120"),
        ("age=old", "age", "number"),
        ("q=" + "x" * 201, "q", "at most 200"),
        ("sort=random", "sort", "random"),
        ("accepting=maybe", "accepting", "true"),
    ],
)
def test_each_bad_filter_value_is_a_400_naming_the_field(
    api_client, catalogue, query, field, fragment
):
    field_errors = errors(api_client, query)
    assert list(field_errors) == [field]
    assert fragment in " ".join(field_errors[field])


def test_every_bad_field_is_reported_at_once(api_client, catalogue):
    assert set(errors(api_client, "radius=0&age=200&condition=nope")) == {
        "radius",
        "age",
        "condition",
    }


@pytest.mark.parametrize("parameter", ["q", "near", "condition", "insurance", "sort"])
def test_a_null_character_is_a_400_not_a_database_error(api_client, catalogue, parameter):
    field_errors = errors(api_client, f"{parameter}=abc%00def")
    assert field_errors == {parameter: ["Null characters are not allowed."]}


# --- the same programmes as the HTML directory ----------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "near=10001",
        "near=10001&radius=5",
        "near=Austin, TX&radius=100",
        "condition=depression",
        "condition=anxiety&condition=alcohol-use&sort=verified",
        "format=virtual&near=10001",
        "format=in_person",
        "time=evening&time=weekend",
        "age=15",
        "accepting=on",
        "q=IOP&sort=name",
        "insurance=aetna&language=en&population=lgbtq&modality=cbt",
    ],
)
def test_api_and_html_directory_return_the_same_programmes_in_the_same_order(
    api_client, client, catalogue, query
):
    page = client.get(f"/programs/?{query}")
    assert page.status_code == 200
    html_slugs = [program.slug for program in page.context["programs"]]
    api_slugs = [item["slug"] for item in api_client.get(f"{URL}?{query}").json()["results"]]
    assert api_slugs == html_slugs
