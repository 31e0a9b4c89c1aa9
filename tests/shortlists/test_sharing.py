"""Share links: unguessable, expiring, revocable, replaceable; the patient page and PDF."""

import datetime
import io
import math
import re
import smtplib
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from matching.clinicians.services import clinician_unapprove
from matching.shortlists.models import ShareLink
from matching.shortlists.services import (
    share_link_create,
    share_link_revoke,
    shortlist_answers_attach,
)
from tests.factories import LocationFactory, ShortlistItemFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db

INACTIVE = "This link is no longer active"


def page_url(link_or_token):
    token = getattr(link_or_token, "token", link_or_token)
    return reverse("share:page", kwargs={"token": token})


def pdf_url(link):
    return reverse("share:pdf", kwargs={"token": link.token})


def share_url(shortlist, name="share"):
    return reverse(f"shortlists:{name}", kwargs={"shortlist_id": shortlist.pk})


# --- Tokens, expiry, revocation -----------------------------------------------------------------


def test_tokens_carry_at_least_128_random_bits_and_never_repeat(shortlist_a):
    tokens = [share_link_create(shortlist=shortlist_a).token for _ in range(200)]
    assert len(set(tokens)) == 200
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    # 43 base64url characters carry 43 * 6 = 258 bits, of which 256 are random.
    assert 43 * math.log2(64) >= 128
    alphabet = set("".join(tokens))
    assert len(alphabet) > 60  # the whole URL-safe alphabet shows up: not a counter or hex


def test_link_lasts_30_days_by_default_and_the_clinician_can_choose(shortlist_a):
    before = timezone.now()
    link = share_link_create(shortlist=shortlist_a)
    assert (
        datetime.timedelta(days=30)
        <= link.expires_at - before
        < datetime.timedelta(days=30, seconds=5)
    )
    week = share_link_create(shortlist=shortlist_a, days=7)
    assert week.expires_at - week.created_at < datetime.timedelta(days=7, seconds=5)


def test_a_new_link_replaces_the_old_one(client, shortlist_a):
    old = share_link_create(shortlist=shortlist_a)
    new = share_link_create(shortlist=shortlist_a)
    assert client.get(page_url(old)).status_code == 404
    assert client.get(page_url(new)).status_code == 200


def test_expired_revoked_and_unknown_links_look_exactly_alike(client, shortlist_a):
    past = timezone.now() - datetime.timedelta(days=31)
    expired = share_link_create(shortlist=shortlist_a, now=past)
    revoked = share_link_revoke(link=share_link_create(shortlist=shortlist_a))
    responses = [
        client.get(page_url(expired)),
        client.get(page_url(revoked)),
        client.get(page_url("x" * 43)),
        client.get(page_url("x" * 500)),
    ]
    assert {response.status_code for response in responses} == {404}
    bodies = {response.text.replace(response.wsgi_request.path, "") for response in responses}
    assert len(bodies) == 1
    assert INACTIVE in responses[0].text
    assert "Evening IOPs" not in responses[0].text
    assert "988" in responses[0].text


def test_pdf_of_a_dead_link_is_the_same_friendly_404(client, shortlist_a):
    link = share_link_revoke(link=share_link_create(shortlist=shortlist_a))
    response = client.get(pdf_url(link))
    assert response.status_code == 404
    assert INACTIVE in response.text


def test_links_stop_when_a_clinicians_approval_is_withdrawn(client, live_link, clinician_a):
    clinician_unapprove(clinician=clinician_a)
    assert client.get(page_url(live_link)).status_code == 404


# --- The patient's page --------------------------------------------------------------------------


@pytest.fixture
def detailed_link(shortlist_a):
    program = shortlist_a.items.get(program__name="Alpha Evening IOP").program
    program.intake_notes = "Call for a free assessment; bring your insurance card."
    program.save()
    program.insurance.set([])
    LocationFactory(program=program, address_line1="12 River Road")
    WeeklySessionFactory(program=program, weekday=1)
    return share_link_create(shortlist=shortlist_a)


def test_patient_page_has_contact_schedule_insurance_notes_message_and_crisis_lines(
    client, detailed_link
):
    response = client.get(page_url(detailed_link))
    html = response.text
    assert response.status_code == 200
    for text in [
        "Evening IOPs",
        "Dana Rivera, LCSW",
        "These fit your evenings. Call the first one this week.",
        "Alpha Evening IOP",
        "Beta Day IOP",
        "Good evening groups; ask about the DBT track.",
        "(555) 010-2001",
        "Call for a free assessment",
        "12 River Road",
        "Tuesday",
        "6:00 PM",
        "Not listed: ask the programme",
        "Call 988",
        "Call 911",
        "Download as PDF",
    ]:
        assert text in html, text
    assert html.index("Alpha Evening IOP") < html.index("Beta Day IOP")
    # The label is the clinician's own reference, never shown to whoever holds the link.
    assert "JD-1" not in html


def test_share_pages_ask_not_to_be_indexed_or_referred_or_cached(client, live_link):
    for response in (client.get(page_url(live_link)), client.get(page_url("nope" * 11))):
        assert response["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response["X-Robots-Tag"]
        assert "no-store" in response["Cache-Control"]
        assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_page_works_without_an_account_and_has_no_script_inline(client, live_link):
    html = client.get(page_url(live_link)).text
    assert "<script>" not in html and " style=" not in html and " onclick=" not in html
    assert 'src="/static/js/print-button.js"' in html
    assert "@media print" in Path("static/css/shortlists.css").read_text()


def test_opening_the_page_records_when_but_the_clinician_looking_does_not(
    client, login, live_link, clinician_a
):
    login(client, clinician_a.user)
    client.get(page_url(live_link))
    live_link.refresh_from_db()
    assert live_link.last_opened_at is None
    client.logout()
    client.get(page_url(live_link))
    live_link.refresh_from_db()
    assert timezone.now() - live_link.last_opened_at < datetime.timedelta(seconds=10)


def test_opening_again_within_a_minute_writes_nothing_and_later_moves_the_time(live_link):
    from matching.shortlists.services import share_link_record_open

    opened = timezone.now()
    share_link_record_open(link=live_link, now=opened)
    with CaptureQueriesContext(connection) as queries:
        share_link_record_open(link=live_link, now=opened + datetime.timedelta(seconds=40))
    assert len(queries) == 0
    later = opened + datetime.timedelta(minutes=3)
    share_link_record_open(link=live_link, now=later)
    live_link.refresh_from_db()
    assert live_link.last_opened_at == later


def test_clinician_sees_when_the_link_was_last_opened(client, client_a, live_link, shortlist_a):
    assert "Not opened yet" in client_a.get(share_url(shortlist_a)).text
    ShareLink.objects.filter(pk=live_link.pk).update(last_opened_at=timezone.now())
    html = client_a.get(share_url(shortlist_a)).text
    assert "Not opened yet" not in html
    assert "Last opened" in html


def test_attached_answers_appear_for_the_patient(client, live_link, shortlist_a):
    shortlist_answers_attach(
        shortlist=shortlist_a, answers=[["When can you attend?", "Weekday evenings"]]
    )
    html = client.get(page_url(live_link)).text
    assert "Your answers used to find these programmes" in html
    assert "Weekday evenings" in html


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_lists_every_programme_with_notes_and_crisis_lines(client, detailed_link):
    response = client.get(pdf_url(detailed_link))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Referrer-Policy"] == "no-referrer"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    for expected in [
        "Alpha Evening IOP",
        "Beta Day IOP",
        "Good evening groups; ask about the DBT track.",
        "These fit your evenings.",
        "(555) 010-2001",
        "988",
        "911",
    ]:
        assert expected in text, expected
    assert "JD-1" not in text


def test_pdf_escapes_markup_typed_by_the_clinician(client, shortlist_a, live_link):
    shortlist_a.message = "<b>bold</b> & <font size=40>x</font> <unclosed"
    shortlist_a.save()
    response = client.get(pdf_url(live_link))
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "<b>bold</b> & <font size=40>x</font> <unclosed" in text


# --- Managing the link ---------------------------------------------------------------------


def test_clinician_makes_a_link_with_a_chosen_expiry(client_a, shortlist_a):
    response = client_a.post(share_url(shortlist_a, "share_create"), {"days": "14"}, follow=True)
    link = ShareLink.objects.get(shortlist=shortlist_a)
    assert link.expires_at - link.created_at < datetime.timedelta(days=14, seconds=5)
    assert link.token in response.text
    assert "The link is ready to share." in response.text


def test_making_another_link_says_the_old_one_stops(client_a, live_link, shortlist_a):
    response = client_a.post(share_url(shortlist_a, "share_create"), {"days": "30"}, follow=True)
    assert "The old link no longer works." in response.text
    live_link.refresh_from_db()
    assert live_link.revoked_at is not None


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("", "Enter how many days the link should work."),
        ("soon", "Enter a whole number of days, like 30."),
        ("0", "The link must work for at least 1 day."),
        ("91", "A link can work for at most 90 days."),
        ("2.5", "Enter a whole number of days, like 30."),
    ],
)
def test_bad_expiry_is_refused_and_no_link_is_made(client_a, shortlist_a, days, message):
    response = client_a.post(share_url(shortlist_a, "share_create"), {"days": days})
    assert response.status_code == 400
    assert message in response.text
    assert not ShareLink.objects.exists()


def test_clinician_turns_the_link_off(client, client_a, live_link, shortlist_a):
    response = client_a.post(share_url(shortlist_a, "share_revoke"), follow=True)
    assert "The link no longer works." in response.text
    client.logout()
    assert client.get(page_url(live_link)).status_code == 404


def test_turning_off_with_no_link_says_so(client_a, shortlist_a):
    response = client_a.post(share_url(shortlist_a, "share_revoke"), follow=True)
    assert "There is no active link to turn off." in response.text


def test_clinician_emails_the_link_and_the_address_is_not_kept(client_a, live_link, shortlist_a):
    response = client_a.post(
        share_url(shortlist_a, "share_email"), {"email": "patient@example.com"}, follow=True
    )
    assert "The link was emailed." in response.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["patient@example.com"]
    assert f"http://testserver{page_url(live_link)}" in message.body
    assert "Dana Rivera" in message.subject
    assert "988" in message.body
    assert "patient@example.com" not in str(list(ShareLink.objects.values()))


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter the email address to send the link to."),
        ("not-an-email", "Enter an email address like"),
    ],
)
def test_bad_email_address_is_refused_and_nothing_is_sent(
    client_a, live_link, shortlist_a, email, message
):
    response = client_a.post(share_url(shortlist_a, "share_email"), {"email": email})
    assert response.status_code == 400
    assert message in response.text
    assert mail.outbox == []


def test_emailing_without_a_live_link_asks_for_one_first(client_a, shortlist_a):
    response = client_a.post(share_url(shortlist_a, "share_email"), {"email": "p@example.com"})
    assert response.status_code == 400
    assert "Make a link first, then send it." in response.text
    assert mail.outbox == []


def test_deleting_a_shortlist_kills_its_link(client, client_a, live_link, shortlist_a):
    client_a.post(share_url(shortlist_a, "delete"))
    client.logout()
    assert client.get(page_url(live_link)).status_code == 404


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_patient_page_pdf_and_clinician_page_cost_the_same_queries_for_longer_lists(
    client, login, clinician_a, live_link, shortlist_a
):
    urls = [
        page_url(live_link),
        pdf_url(live_link),
        reverse("shortlists:detail", kwargs={"shortlist_id": shortlist_a.pk}),
    ]
    login(client, clinician_a.user)
    few = [_queries(client, url) for url in urls]
    for _ in range(5):
        item = ShortlistItemFactory(shortlist=shortlist_a)
        LocationFactory(program=item.program)
        WeeklySessionFactory(program=item.program)
    assert [_queries(client, url) for url in urls] == few


def test_mail_server_failure_says_so_without_a_500_or_the_address_in_logs(
    client_a, live_link, shortlist_a, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"patient@example.com": (550, b"no")})

    monkeypatch.setattr("matching.shortlists.services.send_mail", refuse)
    response = client_a.post(
        share_url(shortlist_a, "share_email"), {"email": "patient@example.com"}
    )
    assert response.status_code == 503
    assert "We couldn&#x27;t send the email just now." in response.text
    assert "patient@example.com" not in caplog.text


def test_the_patient_page_reads_only_what_it_shows(
    client, live_link, django_assert_max_num_queries
):
    # The link, its items, their programmes, and each programme's sites, sessions, insurers
    # and licensed states; the opening recorded. Not the programme's other vocabularies.
    with django_assert_max_num_queries(8):
        assert client.get(page_url(live_link)).status_code == 200
