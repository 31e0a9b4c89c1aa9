"""The whole matching journey in a real browser, and the crisis path."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]


NO_TO_EVERY_SAFETY_QUESTION = [
    "In the past month, have you wished you were dead, or wished you could go to sleep and not wake up?",
    "In the past month, have you had any actual thoughts of killing yourself?",
    "In the past month, have you had thoughts of seriously hurting someone else?",
    "Are you hearing or seeing things other people don't, or feeling that others mean you harm, in a way that frightens you or tells you to do things?",
    "In the past few days, have you fainted, had chest pain, or been unable to eat or drink?",
    "Have you been in hospital for your mental health or substance use in the past month?",
    "Might you need medical help to stop drinking or using drugs safely (withdrawal)?",
]
BEHAVIOUR = "Have you ever done anything, started to do anything, or prepared to do anything to end your life?"


def answer_basics(page: Page) -> None:
    page.get_by_label("Depression").check()
    page.get_by_label("Moderate: it gets in the way of work, school or relationships").check()
    for question in NO_TO_EVERY_SAFETY_QUESTION:
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    page.get_by_role("group", name=BEHAVIOUR).get_by_label("No, never").check()
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


def test_a_plan_leads_to_crisis_help_at_phone_width_by_keyboard(
    page: Page, live_server, manhattan_program
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/match/")
    thoughts = page.get_by_role(
        "group", name="In the past month, have you had any actual thoughts of killing yourself?"
    )
    plan = page.get_by_role(
        "group", name="Have you started to work out, or worked out, the details"
    )
    # With JavaScript, questions 3-5 appear only after a yes to question 2.
    expect(plan).to_be_hidden()
    thoughts.get_by_label("Yes", exact=True).focus()
    page.keyboard.press("Space")
    expect(plan).to_be_visible()
    plan.get_by_label("Yes", exact=True).focus()
    page.keyboard.press("Space")
    # Nothing else answered, and the ZIP code is broken: the crisis answer still wins.
    page.get_by_label("Your ZIP code or City, ST").fill("99999")
    page.get_by_label("Your ZIP code or City, ST").press("Enter")

    expect(page.get_by_role("heading", name="Please reach out for support now")).to_be_visible()
    lines = page.locator(".crisis-resources")
    call = lines.get_by_role("link", name="Call 988")
    expect(call).to_be_visible()
    expect(lines.get_by_role("link", name="Text 988")).to_have_attribute("href", "sms:988")
    expect(lines.get_by_role("link", name="Text HOME to 741741")).to_be_visible()
    expect(page.locator("article.match-card")).to_have_count(0)
    expect(page.locator("a[href^='/programs/']")).to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    call.focus()
    expect(call).to_be_focused()


def test_without_javascript_every_safety_question_shows_with_a_note(
    browser, live_server, vocabularies
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/match/")
    expect(page.get_by_text("Answer the next three questions only if")).to_be_visible()
    expect(
        page.get_by_role("group", name="Have you thought about how you might do this?")
    ).to_be_visible()
    context.close()
