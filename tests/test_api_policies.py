"""What every endpoint shares: the error shape, throttling, CORS, settings from the environment."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.throttling import SimpleRateThrottle

from iopfinder import api_errors
from programs.api import views as catalogue_views
from tests.intake_answers import SAFE_JSON
from tests.test_settings import run_settings

pytestmark = pytest.mark.django_db

ORIGIN = "https://referrals.example.org"
MATCH_BODY = {"conditions": ["depression"], "location": "10001", **SAFE_JSON}


# --- one error shape -------------------------------------------------------------------


def test_an_unexpected_failure_is_still_answered_in_the_error_shape(api_client, monkeypatch):
    def broken(*, slug: str):
        raise RuntimeError("database went away")

    monkeypatch.setattr(catalogue_views, "program_get_published", broken)
    response = api_client.get("/api/v1/programs/anything/")
    assert response.status_code == 500
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "message": "Something went wrong on our side. Please try again later.",
        "errors": {},
    }


def test_server_error_page_is_json_under_api_and_html_elsewhere():
    factory = RequestFactory()
    api = api_errors.server_error(factory.get("/api/v1/programs/"))
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
    page = api_errors.server_error(factory.get("/programs/"))
    assert page.status_code == 500
    assert page["Content-Type"].startswith("text/html")


def test_an_unknown_api_address_is_a_json_404(api_client):
    response = api_client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_nested_messages_are_flattened_to_one_list_per_field():
    detail = {"phq9": {0: ["Too big."], 3: ["Too small."]}, "age": ["Too old."]}
    assert api_errors.field_errors(detail) == {
        "phq9": ["Item 1: Too big.", "Item 4: Too small."],
        "age": ["Too old."],
    }
    assert api_errors.field_errors(["Whole request is wrong."]) == {
        "non_field_errors": ["Whole request is wrong."]
    }


# --- throttling ------------------------------------------------------------------------


@pytest.fixture
def low_rates(monkeypatch):
    # DRF copies the rates when it is imported, so the test lowers them on the class.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": None, "match": "2/hour"}
    )


def test_anonymous_clients_are_throttled_with_a_json_429_and_retry_after(api_client, low_rates):
    for _ in range(3):
        assert api_client.get("/api/v1/vocabularies/").status_code == 200
    response = api_client.get("/api/v1/vocabularies/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["status"] == 429
    assert body["code"] == "throttled"
    assert "throttled" in body["message"]


def test_matching_has_its_own_lower_limit(api_client, low_rates, manhattan_program):
    for _ in range(2):
        assert api_client.post("/api/v1/match/", MATCH_BODY, format="json").status_code == 200
    response = api_client.post("/api/v1/match/", MATCH_BODY, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_clients_are_told_apart_by_address_not_by_a_forged_header(api_client, low_rates):
    for number in range(3):
        api_client.get("/api/v1/vocabularies/", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    response = api_client.get("/api/v1/vocabularies/", HTTP_X_FORWARDED_FOR="10.0.0.99")
    assert response.status_code == 429


# --- CORS ------------------------------------------------------------------------------


@pytest.fixture
def allowed_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def test_an_allowed_origin_may_read_the_catalogue(api_client, allowed_origin):
    response = api_client.get("/api/v1/programs/", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Credentials" not in response


def test_an_allowed_origin_may_post_a_match_after_a_preflight(api_client, allowed_origin):
    response = api_client.options(
        "/api/v1/match/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "content-type" in response["Access-Control-Allow-Headers"]


def test_other_origins_get_no_cors_headers(api_client, allowed_origin):
    response = api_client.get("/api/v1/programs/", HTTP_ORIGIN="https://elsewhere.example.com")
    assert "Access-Control-Allow-Origin" not in response


def test_html_pages_are_never_opened_to_other_origins(client, allowed_origin):
    response = client.get("/programs/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_no_origin_is_allowed_unless_configured(api_client):
    response = api_client.get("/api/v1/programs/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


# --- settings from the environment -----------------------------------------------------

PRINT_API_SETTINGS = (
    "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'], s.CORS_ALLOWED_ORIGINS, "
    "s.CORS_ALLOW_ALL_ORIGINS, s.REST_FRAMEWORK['NUM_PROXIES'])"
)


def test_throttle_rates_proxies_and_cors_origins_come_from_the_environment():
    result = run_settings(
        {
            "DJANGO_API_THROTTLE_ANON": "10/second",
            "DJANGO_API_THROTTLE_MATCH": "off",
            "DJANGO_API_NUM_PROXIES": "1",
            "DJANGO_CORS_ALLOWED_ORIGINS": f"{ORIGIN}, https://two.example.org",
        },
        PRINT_API_SETTINGS,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "{'anon': '10/second', 'user': '600/minute', 'match': None, 'share_email': '20/hour'} "
        f"['{ORIGIN}', 'https://two.example.org'] False 1"
    )


def test_defaults_throttle_anonymous_clients_and_allow_no_origin():
    result = run_settings({}, PRINT_API_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "{'anon': '120/minute', 'user': '600/minute', 'match': '30/minute', "
        "'share_email': '20/hour'} [] False 0"
    )


@pytest.mark.parametrize("rate", ["lots", "10/fortnight", "0/minute", "-5/minute"])
def test_a_malformed_throttle_rate_refuses_to_start(rate):
    result = run_settings({"DJANGO_API_THROTTLE_ANON": rate})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_API_THROTTLE_ANON must look like 120/minute" in result.stderr
