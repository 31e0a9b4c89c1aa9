"""Share-link e-mails go to people outside the site: each clinician may send only so many."""

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


def test_share_emails_from_the_page_are_limited_per_clinician(
    client_a, live_link, shortlist_a, settings
):
    settings.SHARE_EMAIL_RATE_LIMIT = "2/hour"
    url = reverse("shortlists:share_email", kwargs={"shortlist_id": shortlist_a.pk})
    codes = [client_a.post(url, {"email": "p@example.com"}).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2
    assert "You have e-mailed several links already." in client_a.post(url, {}).text


def test_share_emails_through_the_api_are_limited_per_clinician(
    client_a, live_link, shortlist_a, monkeypatch
):
    rates = {**SimpleRateThrottle.THROTTLE_RATES, "share_email": "2/hour"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    url = f"/api/v1/shortlists/{shortlist_a.pk}/share/email/"
    codes = [
        client_a.post(url, {"email": "p@example.com"}, content_type="application/json")
        for _ in range(3)
    ]
    assert [response.status_code for response in codes] == [204, 204, 429]
    assert codes[2].json()["code"] == "throttled"
    assert len(mail.outbox) == 2
