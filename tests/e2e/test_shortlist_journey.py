"""A clinician's whole journey in a real browser, and the patient opening the link."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.questionnaire import answer_questionnaire
from tests.factories import ClinicianFactory, LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]

PROGRAMMES = ["Chelsea Evening IOP", "Hudson Yards IOP", "Penn Station Recovery IOP"]


@pytest.fixture
def three_programmes(vocabularies):
    for name in PROGRAMMES:
        program = ProgramFactory(name=name, conditions=["depression"], insurance=["aetna"])
        LocationFactory(program=program)
        WeeklySessionFactory(program=program, weekday=1)


def test_clinician_builds_shares_and_patient_prints_a_shortlist(
    page: Page, browser: Browser, live_server, three_programmes
):
    page.set_default_timeout(15_000)
    clinician = ClinicianFactory(user__username="dana@riverside.example", name="Dana Rivera")

    # Log in and start a shortlist.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Clinicians").click()
    page.get_by_label("Email").fill(clinician.user.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Your shortlists")).to_be_visible()
    page.get_by_label("Title").fill("Evening options near work")
    page.get_by_role("button", name="Create shortlist").click()
    expect(page.get_by_role("heading", level=1, name="Evening options near work")).to_be_visible()

    # Match, and add three programmes from the results.
    page.get_by_role("link", name="Get matched").click()
    answer_questionnaire(page)
    expect(page.locator("article.match-card")).to_have_count(3)
    for name in PROGRAMMES:
        card = page.locator("article.match-card", has_text=name)
        card.get_by_role("button", name="Add to shortlist").click()
        expect(
            page.get_by_text(f"{name} was added to “Evening options near work”.")
        ).to_be_visible()
    assert "10001" not in page.url

    # Write a note on each and a message, then share.
    page.get_by_role("link", name="My shortlists").click()
    page.get_by_role("link", name="Evening options near work").click()
    for name in PROGRAMMES:
        page.get_by_label(f"Your note about {name}").fill(
            f"Note on {name}: ask about evening groups."
        )
    page.get_by_label("Message to the patient").fill(
        "Call two of these this week. I'm here if you need me."
    )
    # Enter in a text field saves; it must not press the first "Move down" button.
    page.get_by_label("Title").press("Enter")
    expect(page.get_by_text("Shortlist saved.")).to_be_visible()
    expect(page.locator(".shortlist-item h3")).to_have_text(PROGRAMMES)
    page.get_by_role("link", name="Share with the patient").click()
    page.get_by_role("button", name="Make a link").click()
    share_url = page.get_by_label("Patient link").input_value()
    assert "/s/" in share_url

    # The patient opens it in a fresh browser: no account, no cookies.
    patient_context = browser.new_context()
    try:
        patient = patient_context.new_page()
        patient.set_default_timeout(15_000)
        response = patient.goto(share_url)
        assert response is not None and response.status == 200
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(
            patient.get_by_role("heading", level=1, name="Evening options near work")
        ).to_be_visible()
        expect(patient.get_by_text("Call two of these this week.")).to_be_visible()
        for name in PROGRAMMES:
            expect(patient.get_by_role("heading", level=3, name=name)).to_be_visible()
            expect(
                patient.get_by_text(f"Note on {name}: ask about evening groups.")
            ).to_be_visible()
        expect(
            patient.locator(".crisis-resources").get_by_role("link", name="Call 988")
        ).to_be_visible()
        expect(patient.get_by_role("button", name="Print this list")).to_be_visible()
        pdf = patient_context.request.get(f"{share_url}pdf/")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

        # Print view: the list, notes and crisis lines stay; navigation and buttons go.
        patient.emulate_media(media="print")
        expect(patient.locator(".site-header nav")).to_be_hidden()
        expect(patient.get_by_role("button", name="Print this list")).to_be_hidden()
        expect(patient.get_by_role("link", name="Download as PDF")).to_be_hidden()
        expect(
            patient.get_by_text("Note on Hudson Yards IOP: ask about evening groups.")
        ).to_be_visible()
        expect(
            patient.locator(".crisis-resources").get_by_role("link", name="Call 988")
        ).to_be_visible()
        expect(patient.locator(".print-only")).to_be_visible()
    finally:
        patient_context.close()

    # The clinician sees that the link was opened.
    page.reload()
    expect(page.get_by_text("Not opened yet")).to_have_count(0)
