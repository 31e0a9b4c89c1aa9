"""Four people's journeys in a real browser, each at 1280 and 390 px, in English and Spanish.

Each test takes the ``journey`` fixture (tests/e2e/conftest.py): a fresh browser at one
width and language, which saves full-page screenshots under test-results/e2e/ if it fails.
Locators use field names, links and roles; expected words come from the catalogue.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from programs.models import EditSuggestion
from tests.e2e.conftest import Journey
from tests.e2e.questionnaire import answer_questionnaire
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]

PASSWORD = "correct horse battery"  # noqa: S105 (a test account)


def fits_the_screen(journey: Journey, page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= journey.viewport["width"], f"{page.url} is {width} px wide"


def log_in_as(page: Page, live_server, user) -> None:
    """The admin's session, as if they had logged in (the admin log-in is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_a_seeker_finds_a_programme_and_its_phone_number(
    journey: Journey, live_server, manhattan_program
):
    page = journey.page
    page.goto(f"{live_server.url}/")
    page.locator("main a[href='/match/']").first.click()
    expect(
        page.get_by_text(
            journey.text("Step %(number)s of %(total)s: %(title)s")
            % {"number": 1, "total": 4, "title": journey.text("Your safety")}
        )
    ).to_be_visible()
    expect(page.locator("[aria-current=step]")).to_have_text(journey.text("Your safety"))
    fits_the_screen(journey, page)
    answer_questionnaire(page, stop_at=2)
    # The screeners are asked openly on the second step.
    expect(page.get_by_role("group", name=journey.text("PHQ-9 (mood)"))).to_be_visible()
    page.locator("form.intake-form button[name=nav][value=next]").click()
    page.fill("input[name=location]", "10001")
    page.locator("form.intake-form button[name=nav][value=next]").click()
    page.select_option("select[name=insurance]", "aetna")
    page.locator("form.intake-form button[name=nav][value=next]").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        journey.text("Programmes that may fit you")
    )
    card = page.locator("article.match-card").first
    expect(card).to_contain_text("Midtown Evening IOP")
    assert "10001" not in page.url
    fits_the_screen(journey, page)
    card.get_by_role("link", name="Midtown Evening IOP").click()

    expect(page.get_by_role("heading", level=1, name="Midtown Evening IOP")).to_be_visible()
    call = page.locator("main a[href='tel:(555) 010-2001']").first
    expect(call).to_be_visible()
    fits_the_screen(journey, page)


def test_a_seeker_in_crisis_gets_crisis_help_and_no_list(
    journey: Journey, live_server, manhattan_program
):
    page = journey.page
    page.goto(f"{live_server.url}/match/")
    # Questions 3-5 appear after a yes to question 2; a plan ends the questionnaire at once.
    answer_questionnaire(page, suicidal_thoughts="yes", suicide_plan="yes")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        journey.text("Please reach out for support now")
    )
    lines = page.locator(".crisis-resources")
    expect(lines.locator("a[href='tel:988']")).to_be_visible()
    expect(lines.locator("a[href='sms:988']")).to_be_visible()
    expect(page.locator("article.match-card")).to_have_count(0)
    expect(page.locator("main a[href^='/programs/']")).to_have_count(0)
    fits_the_screen(journey, page)


def test_a_clinician_signs_up_is_approved_shares_a_list_and_the_patient_gets_a_pdf(
    journey: Journey, live_server, manhattan_program
):
    url = live_server.url
    email = f"dana.{journey.language}.{journey.viewport['width']}@riverside.example"
    page = journey.page
    page.goto(f"{url}{reverse('clinicians:signup')}")
    page.fill("input[name=name]", "Dana Rivera")
    page.fill("input[name=credentials]", "LCSW")
    page.fill("input[name=organisation]", "Riverside Counselling")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{url}{reverse('clinicians:signup_done')}")

    # An administrator approves the account from the admin's action menu.
    admin = journey.new_page()
    log_in_as(admin, live_server, UserFactory(is_staff=True, is_superuser=True))
    admin.goto(f"{url}/admin/clinicians/clinician/")
    admin.locator("#result_list tbody tr", has_text="Dana Rivera").locator(
        "input[name=_selected_action]"
    ).check()
    admin.select_option("select[name=action]", "approve")
    admin.locator("button[name=index]").click()
    expect(admin.locator(".messagelist .success")).to_be_visible()

    # The clinician logs in, makes a shortlist and matches for a patient.
    page.goto(f"{url}{reverse('clinicians:login')}")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.fill("input[name=title]", "Evening options")
    page.locator("main form[action='/shortlists/'] button[type=submit]").click()
    page.goto(f"{url}/match/")
    answer_questionnaire(page)
    page.locator("article.match-card", has_text="Midtown Evening IOP").locator(
        "button[name=program]"
    ).click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("Midtown Evening IOP")
    fits_the_screen(journey, page)

    # Share the list, and the patient opens it in a browser of their own.
    page.goto(f"{url}/shortlists/")
    page.locator("main a", has_text="Evening options").first.click()
    page.locator("main a[href$='/share/']").first.click()
    page.locator("main form[action$='/share/new/'] button[type=submit]").click()
    share_url = page.locator("#share-url").input_value()
    fits_the_screen(journey, page)

    patient = journey.new_page()
    response = patient.goto(share_url)
    assert response is not None and response.status == 200
    expect(patient.get_by_role("heading", level=1, name="Evening options")).to_be_visible()
    expect(patient.get_by_role("heading", name="Midtown Evening IOP")).to_be_visible()
    expect(patient.locator(".crisis-resources a[href='tel:988']")).to_be_visible()
    fits_the_screen(journey, patient)
    pdf = patient.context.request.get(f"{share_url}pdf/")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_an_admin_accepts_a_suggestion_and_the_public_page_shows_it(
    journey: Journey, live_server, manhattan_program
):
    url = live_server.url
    page = journey.page
    page.goto(f"{url}{manhattan_program.get_absolute_url()}")
    page.locator("main a[href$='/suggest/']").first.click()
    page.check("input[name=kind][value=correction]")
    page.fill("textarea[name=message]", "The intake line changed last week.")
    page.fill("input[name=intake_phone]", "(555) 010-9999")
    page.locator("form.suggestion-form button[type=submit]").click()
    expect(page).to_have_url(f"{url}{manhattan_program.get_absolute_url()}suggest/thanks/")
    fits_the_screen(journey, page)

    admin = journey.new_page()
    log_in_as(admin, live_server, UserFactory(is_staff=True, is_superuser=True))
    suggestion = EditSuggestion.objects.get(program=manhattan_program)
    admin.goto(f"{url}/admin/programs/editsuggestion/")
    admin.locator(f"#result_list a[href*='/{suggestion.pk}/change/']").click()
    expect(admin.locator("body")).to_contain_text("(555) 010-9999")
    admin.locator("[name=_accept]").click()
    expect(admin.locator(".messagelist .success")).to_be_visible()

    page.goto(f"{url}{manhattan_program.get_absolute_url()}")
    expect(page.locator("main a[href='tel:(555) 010-9999']").first).to_be_visible()
    fits_the_screen(journey, page)
