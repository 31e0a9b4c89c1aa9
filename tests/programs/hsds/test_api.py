"""The HSDS 3.0 API: only published programmes, valid services, the standard's paging and search."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

from programs.interop import organization_uuid
from programs.levels import Level
from programs.models import Program
from programs.selectors import program_filterset
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db


def _ids(response) -> set[str]:
    return {service["id"] for service in response.json()["contents"]}


def test_the_root_names_the_hsds_version_and_profile(api_client):
    body = api_client.get("/api/hsds/").json()
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")


def test_services_list_only_published_programmes_with_the_standards_paging(api_client, catalogue):
    response = api_client.get("/api/hsds/services", {"per_page": 2})
    body = response.json()
    assert response.status_code == 200
    assert body["total_items"] == 4  # the draft is not published
    assert body["total_pages"] == 2
    assert body["page_number"] == 1 and body["first_page"] and not body["last_page"]
    second = api_client.get("/api/hsds/services", {"per_page": 2, "page": 2}).json()
    assert second["last_page"] and second["size"] == 2
    everything = _ids(response) | {service["id"] for service in second["contents"]}
    published = Program.objects.published().values_list("uuid", flat=True)
    assert everything == {str(pk) for pk in published}


def test_every_served_service_validates_against_the_hsds_schema(
    api_client, catalogue, validate_service
):
    catalogue["nyc"].self_pay_cost_usd = 4200
    catalogue["nyc"].sliding_scale = True
    catalogue["nyc"].levels = Level.IOP | Level.PHP
    catalogue["nyc"].save()
    body = api_client.get("/api/hsds/services", {"full": "true", "per_page": 50}).json()
    assert body["total_items"] == 4
    for service in body["contents"]:
        validate_service(service)
    for program in catalogue.values():
        validate_service(api_client.get(f"/api/hsds/services/{program.uuid}").json())


def test_a_full_service_carries_schedules_sites_fees_and_our_taxonomies(api_client, catalogue):
    nyc = catalogue["nyc"]
    service = api_client.get(f"/api/hsds/services/{nyc.uuid}").json()
    assert (
        service["schedules"][0].items()
        >= {
            "freq": "WEEKLY",
            "byday": "MO",
            "opens_at": "18:00",
            "closes_at": "21:00",
            "valid_from": "2026-09-01",
        }.items()
    )
    location = service["service_at_locations"][0]["location"]
    assert location["id"] == str(nyc.locations.get().uuid)
    assert location["addresses"][0]["postal_code"] == "10001"
    assert service["organization"]["id"] == service["organization_id"]
    assert "Aetna" in service["fees_description"]
    assert {lang["code"] for lang in service["languages"]} == {"en", "es"}
    taxonomies = {a["link_type"] for a in service["attributes"]}
    assert {"conditions", "therapies", "insurance", "populations", "levels-of-care"} <= taxonomies
    assert service["assured_date"] == "2026-09-01"


def test_a_virtual_service_lists_its_licensed_states_as_service_areas(api_client, catalogue):
    service = api_client.get(f"/api/hsds/services/{catalogue['virtual'].uuid}").json()
    assert {area["extent"] for area in service["service_areas"]} == {"NY", "TX"}


def test_unpublished_unknown_and_malformed_ids_are_404_in_the_api_error_shape(api_client):
    draft = ProgramFactory(status=Program.Status.DRAFT)
    for path in (
        f"/api/hsds/services/{draft.uuid}",
        f"/api/hsds/services/{uuid.uuid4()}",
        "/api/hsds/services/not-a-uuid",
        f"/api/hsds/organizations/{uuid.uuid4()}",
        f"/api/hsds/taxonomy_terms/{uuid.uuid4()}",
        f"/api/hsds/service_at_locations/{uuid.uuid4()}",
    ):
        response = api_client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "params, field",
    [
        ({"per_page": "0"}, "per_page"),
        ({"page": "two"}, "page"),
        ({"taxonomy_term_id": "depression"}, "taxonomy_term_id"),
        ({"proximity": "40.7,-74"}, "proximity"),
        ({"proximity": "north,-74,10"}, "proximity"),
        ({"proximity": "40.7,-74,900"}, "proximity"),
        ({"postcode": "10001", "proximity": "40.7,-74,10"}, "proximity"),
        ({"postcode": "00000"}, "postcode"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"format": "ndjson"}, "format"),
    ],
)
def test_bad_parameters_get_a_400_naming_the_parameter(api_client, params, field):
    response = api_client.get("/api/hsds/services", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_proximity_and_postcode_find_what_the_directorys_radius_search_finds(api_client, catalogue):
    directory = program_filterset(params=QueryDict("near=10001&radius=25")).qs
    expected = {str(program.uuid) for program in directory}
    assert expected == {str(catalogue["nyc"].uuid), str(catalogue["newark"].uuid)}
    by_postcode = api_client.get("/api/hsds/services", {"postcode": "10001", "proximity": "25"})
    by_point = api_client.get("/api/hsds/services", {"proximity": "40.7506,-73.9972,25"})
    assert _ids(by_postcode) == expected
    assert _ids(by_point) == expected
    links = api_client.get(
        "/api/hsds/service_at_locations", {"postcode": "10001", "proximity": "25"}
    )
    assert {link["service_id"] for link in links.json()["contents"]} == expected


def test_taxonomy_term_and_organization_filters(api_client, catalogue):
    terms = api_client.get("/api/hsds/taxonomy_terms", {"search": "Alcohol", "per_page": 100})
    alcohol = next(t for t in terms.json()["contents"] if t["code"] == "alcohol-use")
    found = api_client.get("/api/hsds/services", {"taxonomy_term_id": alcohol["id"]})
    assert _ids(found) == {str(catalogue["newark"].uuid)}
    organization = organization_uuid("Garden State Health")
    by_provider = api_client.get("/api/hsds/services", {"organization_id": organization})
    assert _ids(by_provider) == {str(catalogue["newark"].uuid)}
    provider = api_client.get(f"/api/hsds/organizations/{organization}").json()
    assert provider["name"] == "Garden State Health"
    assert [s["id"] for s in provider["services"]] == [str(catalogue["newark"].uuid)]


def test_organisations_are_one_per_provider_name_whatever_its_case(api_client):
    ProgramFactory(organization="Harbor Light")
    ProgramFactory(organization="harbor  LIGHT")
    body = api_client.get("/api/hsds/organizations").json()
    assert body["total_items"] == 1
    services = api_client.get("/api/hsds/services", {"organization_id": body["contents"][0]["id"]})
    assert services.json()["total_items"] == 2


def test_taxonomies_publish_our_vocabularies_and_levels_of_care(api_client):
    names = {t["name"] for t in api_client.get("/api/hsds/taxonomies").json()["contents"]}
    assert {"Conditions treated", "Insurance accepted", "Levels of care"} <= names


def _add_programmes(count: int) -> None:
    for _ in range(count):
        program = ProgramFactory(conditions=["depression"], insurance=["aetna"], languages=["en"])
        LocationFactory(program=program)
        WeeklySessionFactory(program=program)


@pytest.mark.parametrize(
    "path",
    [
        "/api/hsds/services?full=true",
        "/api/hsds/services",
        "/api/hsds/service_at_locations",
        "/api/hsds/organizations",
        "/api/hsds/taxonomy_terms",
    ],
)
def test_the_list_makes_the_same_number_of_queries_whatever_the_page_size(api_client, path):
    _add_programmes(3)
    with CaptureQueriesContext(connection) as small:
        api_client.get(path, {"per_page": 2})
    _add_programmes(12)
    with CaptureQueriesContext(connection) as large:
        api_client.get(path, {"per_page": 15})
    assert len(small) == len(large)


def test_the_hsds_api_is_throttled_like_the_public_api(api_client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": None})
    for _ in range(2):
        assert api_client.get("/api/hsds/services").status_code == 200
    response = api_client.get("/api/hsds/services")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_the_hsds_api_is_in_the_openapi_description(api_client):
    schema = api_client.get(reverse("api-schema"), {"format": "json"}).json()
    assert "/api/hsds/services" in schema["paths"]
    assert "/fhir/HealthcareService" in schema["paths"]
