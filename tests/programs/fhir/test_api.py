"""The FHIR R4 API: valid R4B resources and bundles, searches, paging and OperationOutcome errors."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import SimpleRateThrottle

from programs.models import Program
from programs.selectors import program_filterset
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db

# Fixed, so that parallel test workers collect the same parametrised tests.
UNKNOWN_ID = uuid.UUID("00000000-0000-4000-8000-000000000000")


def _ids(bundle: dict) -> set[str]:
    return {entry["resource"]["id"] for entry in bundle.get("entry", [])}


def test_search_returns_a_searchset_bundle_of_published_services_as_fhir_json(
    api_client, catalogue, parse_fhir
):
    response = api_client.get("/fhir/HealthcareService", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    parse_fhir(bundle)
    assert bundle["type"] == "searchset" and bundle["total"] == 4
    published = {str(u) for u in Program.objects.published().values_list("uuid", flat=True)}
    assert _ids(bundle) == published
    for entry in bundle["entry"]:
        parse_fhir(entry["resource"])


def test_count_pages_with_next_links_until_every_service_is_seen(api_client, catalogue):
    seen: set[str] = set()
    url = "/fhir/HealthcareService?_count=3"
    while url:
        bundle = api_client.get(url).json()
        assert bundle["total"] == 4
        seen |= _ids(bundle)
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), "")
    assert len(seen) == 4


def test_a_service_carries_times_specialties_extensions_and_coverage(
    api_client, catalogue, parse_fhir
):
    nyc = api_client.get(f"/fhir/HealthcareService/{catalogue['nyc'].uuid}").json()
    parse_fhir(nyc)
    assert nyc["availableTime"] == [
        {"daysOfWeek": ["mon"], "availableStartTime": "18:00:00", "availableEndTime": "21:00:00"}
    ]
    assert {c["coding"][0]["code"] for c in nyc["specialty"]} == {"depression", "anxiety"}
    urls = {extension["url"] for extension in nyc["extension"]}
    assert any(url.endswith("base-ext-newpatients") for url in urls)
    assert any(url.endswith("base-ext-delivery-method") for url in urls)
    assert nyc["program"][0]["coding"][0]["code"] == "iop"
    virtual = api_client.get(f"/fhir/HealthcareService/{catalogue['virtual'].uuid}").json()
    parse_fhir(virtual)
    assert {area["identifier"]["value"] for area in virtual["coverageArea"]} == {"NY", "TX"}


def test_locations_and_organizations_read_and_search_as_r4b_resources(
    api_client, catalogue, parse_fhir
):
    site = catalogue["newark"].locations.get()
    location = api_client.get(f"/fhir/Location/{site.uuid}").json()
    parse_fhir(location)
    assert location["address"]["postalCode"] == "07102"
    organization_id = location["managingOrganization"]["reference"].split("/")[1]
    organization = api_client.get(f"/fhir/Organization/{organization_id}").json()
    parse_fhir(organization)
    assert organization["name"] == "Garden State Health"
    parse_fhir(api_client.get("/fhir/Organization", {"name": "garden"}).json())
    by_state = api_client.get("/fhir/Location", {"address-state": "NJ"}).json()
    assert _ids(by_state) == {str(site.uuid)}


def test_the_capability_statement_parses_and_lists_the_three_resources(api_client, parse_fhir):
    statement = api_client.get("/fhir/metadata").json()
    parse_fhir(statement)
    types = {resource["type"] for resource in statement["rest"][0]["resource"]}
    assert types == {"HealthcareService", "Location", "Organization"}


def test_near_finds_what_the_directorys_radius_search_finds(api_client, catalogue):
    directory = program_filterset(params=QueryDict("near=10001&radius=25")).qs
    expected = {str(program.uuid) for program in directory}
    assert len(expected) == 2
    bundle = api_client.get("/fhir/HealthcareService", {"near": "40.7506|-73.9972|25|mi"}).json()
    assert _ids(bundle) == expected


def test_searches_by_postcode_state_specialty_category_and_id(api_client, catalogue):
    newark = str(catalogue["newark"].uuid)

    def found(params: dict) -> set[str]:
        return _ids(api_client.get("/fhir/HealthcareService", params).json())

    assert found({"location.address-postalcode": "07102"}) == {newark}
    assert found({"location.address-state": "NJ"}) == {newark}
    assert found({"specialty": "alcohol-use"}) == {newark}
    assert found({"service-category": "13"}) == {newark}
    assert found({"_id": newark}) == {newark}
    assert found({"name": "newark"}) == {newark}


@pytest.mark.parametrize(
    "path",
    [
        f"/fhir/HealthcareService/{UNKNOWN_ID}",
        "/fhir/HealthcareService/not-an-id",
        f"/fhir/Location/{UNKNOWN_ID}",
        f"/fhir/Organization/{UNKNOWN_ID}",
        "/fhir/Patient/123",
    ],
)
def test_unknown_ids_are_404_operation_outcomes(api_client, path, parse_fhir):
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = response.json()
    parse_fhir(outcome)
    assert outcome["issue"][0]["code"] == "not-found"


def test_an_unpublished_programme_is_not_served(api_client):
    draft = ProgramFactory(status=Program.Status.DRAFT)
    assert api_client.get(f"/fhir/HealthcareService/{draft.uuid}").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"colour": "blue"},
        {"_count": "many"},
        {"_count": "0"},
        {"near": "40.7|north|10|mi"},
        {"near": "40.7|-73.9|10|furlongs"},
        {"_id": "not-a-uuid"},
        {"location.address-postalcode": "ABCDE"},
    ],
)
def test_unknown_or_malformed_parameters_are_400_operation_outcomes(api_client, params, parse_fhir):
    response = api_client.get("/fhir/HealthcareService", params)
    assert response.status_code == 400
    outcome = response.json()
    parse_fhir(outcome)
    assert outcome["issue"][0]["code"] == "invalid"
    assert next(iter(params)) in outcome["issue"][0]["diagnostics"]


def test_the_fhir_api_is_throttled_like_the_public_api(api_client, monkeypatch, parse_fhir):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None})
    for _ in range(2):
        assert api_client.get("/fhir/metadata").status_code == 200
    response = api_client.get("/fhir/metadata")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    parse_fhir(response.json())


def _add_programmes(count: int) -> None:
    for _ in range(count):
        program = ProgramFactory(conditions=["depression"], languages=["en"], modalities=["cbt"])
        LocationFactory(program=program)
        WeeklySessionFactory(program=program)


@pytest.mark.parametrize(
    "path", ["/fhir/HealthcareService", "/fhir/Location", "/fhir/Organization"]
)
def test_the_search_makes_the_same_number_of_queries_whatever_the_page_size(api_client, path):
    _add_programmes(3)
    with CaptureQueriesContext(connection) as small:
        api_client.get(path, {"_count": 2})
    _add_programmes(12)
    with CaptureQueriesContext(connection) as large:
        api_client.get(path, {"_count": 15})
    assert len(small) == len(large)
