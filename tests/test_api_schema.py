"""The OpenAPI description, its interactive docs, and schemathesis checking the API against it."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from iopfinder.wsgi import application
from matching.intake import SAFETY_QUESTIONS
from tests.intake_answers import SAFE_JSON

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(api_client) -> dict:
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


PUBLIC_OPERATIONS = {
    "/api/v1/programs/": ["get"],
    "/api/v1/programs/{slug}/": ["get"],
    "/api/v1/vocabularies/": ["get"],
    "/api/v1/match/": ["post"],
}


def test_schema_lists_every_public_endpoint_and_method(openapi):
    assert openapi["openapi"].startswith("3.")
    documented = {path: sorted(methods) for path, methods in openapi["paths"].items()}
    assert {path: documented.get(path) for path in PUBLIC_OPERATIONS} == PUBLIC_OPERATIONS


def test_public_endpoints_need_no_credentials(openapi):
    for path, methods in PUBLIC_OPERATIONS.items():
        for method in methods:
            assert openapi["paths"][path][method]["security"] == [{}]


def test_schema_documents_every_directory_parameter(openapi):
    parameters = {p["name"]: p for p in openapi["paths"]["/api/v1/programs/"]["get"]["parameters"]}
    assert set(parameters) == {
        "near",
        "radius",
        "condition",
        "modality",
        "insurance",
        "format",
        "time",
        "sign",
        "level",
        "age",
        "language",
        "population",
        "accepting",
        "q",
        "sort",
        "page",
        "page_size",
    }
    assert all(parameter["description"] for parameter in parameters.values())
    assert parameters["time"]["schema"]["items"]["enum"] == [
        "morning",
        "afternoon",
        "evening",
        "weekend",
    ]
    assert parameters["radius"]["schema"]["maximum"] == 500


def test_schema_documents_the_intake_body(openapi):
    body = openapi["paths"]["/api/v1/match/"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/json"]
    intake = openapi["components"]["schemas"]["IntakeRequest"]
    # Every safety question is required; C-SSRS 3-5 only after a yes to 2 (said in the text).
    assert set(intake["required"]) == {"conditions", "location", *SAFE_JSON}
    assert set(intake["properties"]) >= {
        "conditions",
        "substance_use",
        "severity",
        "phq9",
        "gad7",
        *SAFETY_QUESTIONS,
        "goals",
        "therapies",
        "format",
        "location",
        "radius",
        "insurance",
        "insurance_required",
        "availability",
        "age",
        "language",
        "language_required",
        "populations",
        "accept_waitlist",
    }
    assert intake["properties"]["phq9"]["minItems"] == 9
    assert intake["properties"]["age"]["minimum"] == 5


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/programs/", "get", {"200", "400", "404", "429"}),
        ("/api/v1/programs/{slug}/", "get", {"200", "404", "429"}),
        ("/api/v1/vocabularies/", "get", {"200", "429"}),
        ("/api/v1/match/", "post", {"200", "400", "415", "429"}),
    ],
)
def test_schema_documents_each_error_response_in_the_shared_shape(openapi, path, method, statuses):
    responses = openapi["paths"][path][method]["responses"]
    assert set(responses) == statuses
    for status in statuses - {"200"}:
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}
        assert responses[status]["description"]
    error = openapi["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "code", "message", "errors"}


def test_session_times_are_documented_as_they_are_sent(openapi, api_client, manhattan_program):
    session = openapi["components"]["schemas"]["WeeklySession"]["properties"]
    for name in ("start_time", "end_time"):
        assert "format" not in session[name]  # OpenAPI's `time` would promise HH:MM:SS
        pattern = session[name]["pattern"]
    body = api_client.get(f"/api/v1/programs/{manhattan_program.slug}/").json()
    sent = [
        session[name]
        for session in body["schedule"]["sessions"]
        for name in ("start_time", "end_time")
    ]
    assert sent and all(re.fullmatch(pattern, value) for value in sent), sent


def test_interactive_docs_are_served_from_the_package_not_a_cdn(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the page script is a separate file (strict CSP)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


# --- schemathesis: generated requests against the schema, in process --------------------


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: a request must not close the connection holding the test's
    transaction (on PostgreSQL that would lose the test data)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def no_throttling(monkeypatch):
    # Throttling is tested on its own; here every generated request must reach the view.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None, "match": None}
    )


# Loaded in process from the running app, as a client would find it. Only the public
# endpoints: signed-in clinicians' endpoints are tested with their own fixtures.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).include(
    path_regex=r"^/api/v1/(programs|vocabularies|match)/"
)


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_never_fails_and_always_answers_as_documented(
    case, catalogue, manhattan_program, no_throttling, keep_test_connection
):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )


# Every other operation (a signed-in clinician's shortlists), with a session and a CSRF token.
clinician_schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).exclude(
    path_regex=r"^/api/v1/(programs|vocabularies|match)/"
)
CSRF = "f" * 32  # a well-formed CSRF secret, sent as both the cookie and the header


@pytest.fixture
def clinician_session(client, clinician_a, manhattan_program, no_throttling):
    from matching.shortlists.services import shortlist_create

    client.force_login(clinician_a.user)
    shortlist_create(clinician=clinician_a, title="Fuzzed")
    return {
        "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
    }


@clinician_schema.parametrize()
@settings(
    max_examples=75,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_clinician_api_never_fails_whatever_it_is_sent(
    case, clinician_session, keep_test_connection
):
    case.call_and_validate(headers=clinician_session, checks=[not_a_server_error])
