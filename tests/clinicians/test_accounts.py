"""Clinician accounts: sign-up pending approval, throttled login, logout, password reset."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core import mail
from django.urls import reverse

from matching.clinicians import throttle
from matching.clinicians.models import Clinician
from tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "name": "Dana Rivera",
    "credentials": "LCSW",
    "organisation": "Riverside Family Practice",
    "email": "Dana@Riverside.example",
    "password1": "quiet-harbor-lantern-42",
    "password2": "quiet-harbor-lantern-42",
}


def login_post(client, username, password, **extra):
    return client.post(
        reverse("clinicians:login"), {"username": username, "password": password}, **extra
    )


def test_sign_up_creates_a_pending_clinician_who_cannot_use_shortlists_yet(client):
    response = client.post(reverse("clinicians:signup"), SIGNUP, follow=True)
    assert "waiting for approval" in response.text
    clinician = Clinician.objects.get()
    assert (clinician.name, clinician.credentials, clinician.organisation) == (
        "Dana Rivera",
        "LCSW",
        "Riverside Family Practice",
    )
    assert clinician.user.email == "dana@riverside.example"
    assert not clinician.is_approved and clinician.approved_at is None
    login_post(client, "dana@riverside.example", SIGNUP["password1"])
    response = client.get(reverse("shortlists:list"))
    assert response.status_code == 403
    assert "waiting for an administrator" in response.text


def test_passwords_are_hashed_with_argon2(client, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    client.post(reverse("clinicians:signup"), SIGNUP)
    assert get_user_model().objects.get().password.startswith("argon2$")


def test_argon2_is_the_configured_first_hasher():
    from iopfinder import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    # argon2-cffi is installed, so the hasher works rather than failing at first login.
    assert Argon2PasswordHasher().encode("pw", "saltsaltsalt").startswith("argon2$")


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"name": ""}, "Enter your full name."),
        ({"name": "   "}, "Enter your full name."),
        ({"credentials": ""}, "Enter your professional credentials"),
        ({"organisation": ""}, "Enter the practice, clinic or hospital you work for."),
        ({"name": "x" * 151}, "at most 150 characters"),
        ({"credentials": "x" * 101}, "at most 100 characters"),
        ({"organisation": "x" * 201}, "at most 200 characters"),
        ({"email": ""}, "Enter your work email."),
        ({"email": "dana-at-riverside"}, "Enter an email address like name@clinic.org."),
        ({"email": "a" * 60 + "@" + "b" * 45 + "." + "c" * 45 + ".org"}, "at most 150 characters"),
        ({"password1": "", "password2": ""}, "Choose a password."),
        ({"password2": "something-else-entirely"}, "The two passwords are different."),
        ({"password1": "12345678", "password2": "12345678"}, "This password is too common."),
        ({"password1": "short", "password2": "short"}, "This password is too short."),
    ],
)
def test_bad_sign_up_input_is_refused_and_no_account_is_made(client, changes, field_message):
    response = client.post(reverse("clinicians:signup"), {**SIGNUP, **changes})
    assert response.status_code == 400
    assert field_message in response.text
    assert not get_user_model().objects.exists()
    assert not Clinician.objects.exists()


def test_sign_up_answers_the_same_whether_the_email_has_an_account_or_not(client, clinician_a):
    fresh = client.post(reverse("clinicians:signup"), {**SIGNUP, "email": "new@clinic.example"})
    taken = client.post(
        reverse("clinicians:signup"), {**SIGNUP, "email": clinician_a.user.email.upper()}
    )
    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    # The pages are the same but for the per-response CSRF token of the language switch.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", client.get(taken["Location"]).text) == token.sub(
        "", client.get(fresh["Location"]).text
    )
    # No second account; the owner of the address is told by e-mail instead.
    assert Clinician.objects.count() == 2
    assert get_user_model().objects.get(username=clinician_a.user.email).clinician == clinician_a
    assert [message.to for message in mail.outbox] == [[clinician_a.user.email]]
    assert "already has one" in mail.outbox[0].body


def test_login_takes_an_approved_clinician_to_their_shortlists(client, clinician_a):
    response = login_post(client, clinician_a.user.email.upper(), "correct horse battery")
    assert response.status_code == 302
    assert response["Location"] == reverse("shortlists:list")
    assert client.get(reverse("shortlists:list")).status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("nobody@clinic.example", "correct horse battery"),
        ("CLINICIAN", "wrong"),
        ("", ""),
        ("CLINICIAN", ""),
    ],
)
def test_bad_login_is_refused_with_a_message(client, clinician_a, username, password):
    username = clinician_a.user.email if username == "CLINICIAN" else username
    response = login_post(client, username, password)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert "match an account" in response.text or "This field is required." in response.text


def move_clock(monkeypatch, seconds):
    now = throttle.clock()
    monkeypatch.setattr(throttle, "clock", lambda: now + seconds)


def test_each_failed_login_makes_the_next_try_wait_longer(client, clinician_a, monkeypatch):
    email = clinician_a.user.email
    assert login_post(client, email, "wrong").status_code == 400
    slowed = login_post(client, email, "correct horse battery")
    assert slowed.status_code == 429
    assert "Too many failed attempts. Wait 1 second and try again" in slowed.text
    assert "_auth_user_id" not in client.session
    move_clock(monkeypatch, 1.5)
    assert login_post(client, email, "wrong").status_code == 400
    assert "Wait 2 seconds" in login_post(client, email, "wrong").text
    move_clock(monkeypatch, 4)
    assert login_post(client, email, "correct horse battery").status_code == 302


def test_after_several_failures_one_client_cools_down_but_the_account_still_works_elsewhere(
    client, clinician_a, monkeypatch, settings
):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    settings.LOGIN_THROTTLE_COOLDOWN_SECONDS = 300
    email = clinician_a.user.email
    for step in range(3):
        move_clock(monkeypatch, 10 * step)
        assert login_post(client, email, "wrong").status_code == 400
    move_clock(monkeypatch, 60)
    cooling = login_post(client, email, "correct horse battery")
    assert cooling.status_code == 429
    assert "Wait 4 minutes and try again, or reset your password" in cooling.text
    # The clinician, from their own computer, is not locked out by someone else's guesses.
    elsewhere = login_post(client, email, "correct horse battery", REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 302
    move_clock(monkeypatch, 20 + 301)
    client.post(reverse("clinicians:logout"))
    assert login_post(client, email, "correct horse battery").status_code == 302


def test_guesses_at_many_accounts_do_not_hold_back_another_account(client):
    for number in range(20):
        login_post(client, f"guess{number}@clinic.example", "wrong")
    fresh = ClinicianFactory()
    assert login_post(client, fresh.user.email, "correct horse battery").status_code == 302


def test_behind_a_trusted_proxy_clients_are_told_apart_by_the_forwarded_address(
    client, clinician_a, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    email = clinician_a.user.email
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    login_post(client, email, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    held = login_post(client, email, "correct horse battery", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert held.status_code == 429
    # A forged left-most hop does not make a new client: the proxy's hop is the one read.
    forged = login_post(
        client, email, "correct horse battery", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert forged.status_code == 429
    other = login_post(
        client, email, "correct horse battery", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy
    )
    assert other.status_code == 302


def test_admin_login_is_slowed_after_a_failure_too(client, admin_user, monkeypatch):
    url = reverse("admin:login")
    data = {"username": admin_user.username, "password": "wrong", "next": "/admin/"}
    assert client.post(url, data).status_code == 200  # Django's admin answers 200 to a typo
    slowed = client.post(url, {**data, "password": "correct horse battery"})
    assert slowed.status_code == 429
    assert "Too many failed attempts. Wait 1 second and try again" in slowed.text
    move_clock(monkeypatch, 2)
    assert client.post(url, {**data, "password": "correct horse battery"}).status_code == 302


def test_successful_login_forgets_earlier_failures(client, clinician_a, monkeypatch):
    email = clinician_a.user.email
    login_post(client, email, "wrong")
    move_clock(monkeypatch, 2)
    assert login_post(client, email, "correct horse battery").status_code == 302
    client.post(reverse("clinicians:logout"))
    login_post(client, email, "wrong")
    move_clock(monkeypatch, 4)
    assert login_post(client, email, "correct horse battery").status_code == 302


def test_logout_is_a_post_and_ends_the_session(client_a):
    assert "Log out" in client_a.get(reverse("programs:home")).text
    response = client_a.post(reverse("clinicians:logout"))
    assert response.status_code == 302
    assert client_a.get(reverse("shortlists:list")).status_code == 302


def test_password_reset_by_email_end_to_end(client, clinician_a):
    response = client.post(
        reverse("clinicians:password_reset"), {"email": clinician_a.user.email}, follow=True
    )
    assert "Check your email" in response.text
    assert len(mail.outbox) == 1
    link = re.search(
        r"http://testserver(/clinicians/password-reset/\S+/\S+/)", mail.outbox[0].body
    ).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.text
    set_url = form_page.redirect_chain[-1][0]
    bad = client.post(set_url, {"new_password1": "a", "new_password2": "b"})
    assert bad.status_code == 400
    done = client.post(
        set_url,
        {"new_password1": "lantern-harbor-quiet-7", "new_password2": "lantern-harbor-quiet-7"},
        follow=True,
    )
    assert "Your password was changed" in done.text
    assert login_post(client, clinician_a.user.email, "lantern-harbor-quiet-7").status_code == 302


def test_password_reset_for_an_unknown_email_reveals_nothing(client):
    response = client.post(
        reverse("clinicians:password_reset"), {"email": "nobody@example.com"}, follow=True
    )
    assert "Check your email" in response.text
    assert mail.outbox == []


def test_password_reset_with_a_bad_email_is_a_400(client):
    response = client.post(reverse("clinicians:password_reset"), {"email": "nope"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text


def test_used_or_forged_reset_link_says_it_no_longer_works(client, clinician_a):
    response = client.get("/clinicians/password-reset/MQ/forged-token/")
    assert "This link no longer works" in response.text


def test_admin_approves_clinicians_with_an_action(admin_client, pending_clinician):
    response = admin_client.post(
        reverse("admin:clinicians_clinician_changelist"),
        {"action": "approve", "_selected_action": [pending_clinician.pk]},
        follow=True,
    )
    assert "1 clinician approved." in response.text
    pending_clinician.refresh_from_db()
    assert pending_clinician.is_approved and pending_clinician.approved_at is not None


def test_admin_can_withdraw_approval(admin_client, clinician_a):
    admin_client.post(
        reverse("admin:clinicians_clinician_changelist"),
        {"action": "unapprove", "_selected_action": [clinician_a.pk]},
    )
    clinician_a.refresh_from_db()
    assert not clinician_a.is_approved and clinician_a.approved_at is None


def test_admin_lists_pending_clinicians_first_filterable(
    admin_client, pending_clinician, clinician_a
):
    response = admin_client.get(
        reverse("admin:clinicians_clinician_changelist") + "?is_approved__exact=0"
    )
    assert "Pat Pending" in response.text
    assert "Dana Rivera" not in response.text


def test_account_page_says_whether_approved(client, login, clinician_a, pending_clinician):
    login(client, pending_clinician.user)
    assert "waiting for an administrator" in client.get(reverse("clinicians:account")).text
    login(client, clinician_a.user)
    assert "Your shortlists" in client.get(reverse("clinicians:account")).text


@pytest.mark.parametrize(
    "path",
    [
        "/clinicians/login/",
        "/clinicians/signup/",
        "/clinicians/password-reset/",
        "/s/no-such-link/",
    ],
)
def test_account_pages_are_a_readable_column_not_the_full_page_width(client, path):
    html = client.get(path).text
    assert '<div class="narrow">' in html
    # .narrow is defined only in shortlists.css: without it the fields span the whole page.
    assert 'href="/static/css/shortlists.css"' in html
    assert ".narrow {" in Path("static/css/shortlists.css").read_text()
