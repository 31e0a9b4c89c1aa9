"""Production safety nets: headers on every page type, health checks, outages and bad bodies."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from tests.factories import LocationFactory, ProgramFactory
from tests.intake_answers import SAFE_JSON

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/programs/",
    "/programs/?near=10001&condition=depression",
    "/match/",
    "/clinicians/login/",
    "/clinicians/signup/",
    "/api/v1/programs/",
    "/api/v1/vocabularies/",
    "/api/docs/",
    "/no-such-page/",
    "/healthz",
]


@pytest.fixture
def program(db):
    program = ProgramFactory(name="Header Test IOP", conditions=["depression"])
    LocationFactory(program=program)
    return program


@pytest.mark.parametrize("path", PAGES)
def test_every_page_type_sends_a_strict_csp_and_a_permissions_policy(client, program, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "geolocation=()" in response["Permissions-Policy"]
    assert len(response["X-Request-ID"]) >= 8


def test_the_programme_page_and_the_crisis_page_send_the_same_headers(client, program):
    crisis = client.post("/match/", {"suicide_plan": "yes"})
    for response in (client.get(program.get_absolute_url()), crisis):
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["Permissions-Policy"]


def test_the_api_docs_inline_style_carries_the_nonce_of_its_policy(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    nonce = html.split('<style nonce="', 1)[1].split('"', 1)[0]
    assert nonce and f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "<script>" not in html


def test_health_checks_say_the_process_and_its_services_are_up(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "cache": True}
    assert "no-store" in ready["Cache-Control"]


@pytest.fixture
def database_down(monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(CursorWrapper, "execute", fail)
    monkeypatch.setattr(CursorWrapper, "executemany", fail)


def test_readyz_is_503_when_the_database_is_away(client, database_down):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] is False
    assert response["Retry-After"]


@pytest.mark.parametrize("path", ["/programs/", "/programs/some-programme/", "/"])
def test_a_lost_database_is_a_503_page_with_retry_after_not_a_traceback(
    client, database_down, path
):
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "We'll be back in a moment" in html and 'href="tel:988"' in html
    assert response["X-Request-ID"] in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_a_lost_database_is_a_503_in_the_api_error_shape(client, database_down):
    response = client.get("/api/v1/programs/?near=10001")
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert response["Retry-After"] == "30"


def test_a_body_over_the_limit_is_a_413_before_it_is_read(client):
    body = json.dumps({"conditions": ["depression"], "padding": "x" * (2 * 1024 * 1024)})
    response = client.post("/api/v1/match/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    page = client.post("/match/", {"padding": "x" * (2 * 1024 * 1024)})
    assert page.status_code == 413


@pytest.mark.parametrize("depth", [25, 1000, 100_000])
def test_deeply_nested_json_is_a_400_not_a_crash(client, depth):
    body = "[" * depth + "]" * depth
    response = client.post("/api/v1/match/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_json_within_the_depth_limit_is_still_read(client, program):
    body = {"conditions": ["depression"], "location": "10001", **SAFE_JSON}
    response = client.post("/api/v1/match/", body, content_type="application/json")
    assert response.status_code == 200


def test_each_request_is_logged_as_one_json_line_without_its_query(client, caplog):
    caplog.set_level(logging.INFO, logger="iopfinder.requests")
    response = client.get("/programs/?near=10001&condition=depression")
    [record] = [r for r in caplog.records if r.name == "iopfinder.requests"]
    line = json.loads(record.getMessage())
    assert line["route"] == "programs:list" and line["status"] == 200
    assert line["request_id"] == response["X-Request-ID"] and line["ms"] >= 0
    assert "10001" not in record.getMessage() and "depression" not in record.getMessage()


def test_a_proxys_request_id_is_kept_only_when_it_looks_like_one(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abcdef123456")["X-Request-ID"] == (
        "abcdef123456"
    )
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


@pytest.mark.parametrize("path", ["/", "/programs/", "/shortlists/", "/clinicians/"])
def test_pages_seen_signed_in_are_never_cached(client, django_user_model, path):
    client.force_login(django_user_model.objects.create_user("clin", password="pw-123456789"))
    response = client.get(path)
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_public_pages_seen_signed_out_may_be_cached(client):
    assert "no-store" not in client.get("/programs/").get("Cache-Control", "")


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/shortlists/"), ("get", "/programs/"), ("post", "/api/v1/shortlists/")],
)
def test_a_lost_database_is_a_503_for_a_signed_in_clinician_too(
    client_a, database_down, method, path
):
    # The session and the user are read by middleware outside the view: a signed-in
    # clinician's request must get the same 503 as anyone's, never a 500. (The test client
    # would re-raise the exception Django handled; a real client only sees the answer.)
    client_a.raise_request_exception = False
    response = getattr(client_a, method)(path, {"title": "x"} if method == "post" else None)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
