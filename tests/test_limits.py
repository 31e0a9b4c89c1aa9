"""Limits on the site's forms: a clear 429 page with Retry-After, never for a crisis answer."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.intake_answers import SAFE_FORM, SAFE_JSON

pytestmark = pytest.mark.django_db

MATCH = {
    **SAFE_FORM,
    "conditions": ["depression"],
    "main_condition": "depression",
    "severity": "moderate",
    "format": "either",
    "location": "10001",
    "radius": "25",
}


@pytest.fixture
def match_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            # Per hour, so the test never straddles the end of a window.
            "match": "2/hour",
        },
    }


def test_the_questionnaire_is_limited_at_the_match_api_rate(client, match_rate):
    answers = [client.post(reverse("matching:intake"), MATCH) for _ in range(3)]
    assert [page.status_code for page in answers[:2]] == [200, 200]
    limited = answers[2]
    assert limited.status_code == 429
    assert limited["Retry-After"] == "3600"
    assert "You have asked for several matches in a short time." in limited.text
    assert "Try again in 60 minutes." in limited.text
    # Every page keeps the crisis lines, limited or not.
    assert 'href="tel:988"' in limited.text


def test_a_crisis_answer_to_the_questionnaire_is_never_limited(client, match_rate):
    for _ in range(3):
        client.post(reverse("matching:intake"), MATCH)
    crisis = client.post(reverse("matching:intake"), {**MATCH, "suicide_plan": "yes"})
    assert crisis.status_code == 200
    assert "Please reach out for support now" in crisis.text
    assert client.post(reverse("matching:intake"), MATCH).status_code == 429


def test_another_client_is_not_held_back_by_ones_limit(client, match_rate):
    for _ in range(3):
        client.post(reverse("matching:intake"), MATCH)
    other = client.post(reverse("matching:intake"), MATCH, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_password_reset_emails_are_limited_per_client(client, clinician_a, settings):
    settings.PASSWORD_RESET_RATE_LIMIT = "2/hour"
    url = reverse("clinicians:password_reset")
    codes = [client.post(url, {"email": clinician_a.user.email}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2
    limited = client.post(url, {"email": clinician_a.user.email})
    assert limited["Retry-After"] == "3600"
    assert "Several password reset e-mails have been asked for" in limited.text


def test_sign_ups_are_limited_per_client(client, settings):
    settings.SIGNUP_RATE_LIMIT = "1/hour"
    form = {
        "name": "Dana Rivera",
        "credentials": "LCSW",
        "organisation": "Riverside",
        "password1": "quiet-harbor-lantern-42",
        "password2": "quiet-harbor-lantern-42",
    }
    url = reverse("clinicians:signup")
    assert client.post(url, {**form, "email": "one@clinic.example"}).status_code == 302
    limited = client.post(url, {**form, "email": "two@clinic.example"})
    assert limited.status_code == 429
    assert "Several sign-ups have come from here already." in limited.text
    # Looking at the form is never limited.
    assert client.get(url).status_code == 200


@pytest.fixture
def redis_away(settings):
    """The production cache backend pointed at a port where nothing listens."""
    away = {
        "BACKEND": "iopfinder.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    settings.CACHES = {"default": away, "pages": away}


def test_with_redis_away_the_site_keeps_serving_and_limits_fail_open(
    client, api_client, clinician_a, match_rate, redis_away
):
    pages = [client.post(reverse("matching:intake"), MATCH).status_code for _ in range(3)]
    assert pages == [200, 200, 200]
    body = {**SAFE_JSON, "conditions": ["depression"], "location": "10001"}
    assert api_client.post("/api/v1/match/", body, format="json").status_code == 200
    login = reverse("clinicians:login")
    client.post(login, {"username": clinician_a.user.email, "password": "wrong"})
    right = client.post(
        login, {"username": clinician_a.user.email, "password": "correct horse battery"}
    )
    assert right.status_code == 302
    # Monitoring still hears about it.
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["cache"] is False
