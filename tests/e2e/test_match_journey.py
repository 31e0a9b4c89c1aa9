"""The whole matching journey in a real browser, and the crisis path."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]


def answer_basics(page: Page, *, plan: str = "No") -> None:
    page.get_by_label("Depression").check()
    page.get_by_label("Moderate: it gets in the way of work, school or relationships").check()
    for question, answer in [
        (
            "In the past two weeks, have you had thoughts of hurting yourself or of suicide?",
            "No" if plan == "No" else "Yes",
        ),
        ("Do you have a plan or intention to act on those thoughts?", plan),
        (
            "Have you been in hospital for your mental health or substance use in the past month?",
            "No",
        ),
        ("Might you need medical help to stop drinking or using drugs safely (withdrawal)?", "No"),
    ]:
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_label("Your ZIP code or City, ST").fill("10001")


def test_questionnaire_to_ranked_results_to_a_programme(page: Page, live_server, manhattan_program):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Get matched").first.click()
    answer_basics(page)
    page.get_by_label("Weekday evenings").check()
    page.get_by_label("How will you pay?").select_option("aetna")
    page.get_by_role("button", name="Show my matches").click()

    expect(page.get_by_role("heading", name="Programmes that may fit you")).to_be_visible()
    card = page.locator("article.match-card").first
    expect(card).to_contain_text("Midtown Evening IOP")
    expect(card).to_contain_text("% match")
    expect(card).to_contain_text("Offers evening sessions")
    expect(card).to_contain_text("Accepts Aetna")
    assert "10001" not in page.url

    page.get_by_role("button", name="Change my answers").click()
    expect(page.get_by_label("Your ZIP code or City, ST")).to_have_value("10001")
    page.get_by_role("button", name="Show my matches").click()
    page.locator("article.match-card").first.get_by_role("link", name="Midtown Evening IOP").click()
    expect(page.get_by_role("heading", level=1, name="Midtown Evening IOP")).to_be_visible()


def test_a_plan_to_self_harm_leads_to_crisis_help_not_a_list(
    page: Page, live_server, manhattan_program
):
    page.goto(f"{live_server.url}/match/")
    answer_basics(page, plan="Yes")
    page.get_by_role("button", name="Show my matches").click()
    expect(page.get_by_role("heading", name="Please reach out for support now")).to_be_visible()
    expect(page.get_by_role("link", name="Call 988")).to_be_visible()
    expect(page.locator("article.match-card")).to_have_count(0)
