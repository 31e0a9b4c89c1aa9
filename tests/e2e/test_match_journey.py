"""The whole matching journey in a real browser, and the crisis path."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.questionnaire import answer_questionnaire

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]


def test_change_my_answers_walks_the_steps_again_with_every_answer_kept(
    page: Page, live_server, manhattan_program
):
    page.goto(f"{live_server.url}/match/")
    answer_questionnaire(page, insurance="aetna")
    expect(page.get_by_role("heading", name="Programmes that may fit you")).to_be_visible()
    page.get_by_role("button", name="Change my answers").click()
    expect(page.get_by_text("Step 1 of 4")).to_be_visible()
    for _ in range(2):
        page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Your ZIP code or City, ST")).to_have_value("10001")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("Step 2 of 4")).to_be_visible()
    expect(page.get_by_label("Depression")).to_be_checked()
    for _ in range(2):
        page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("How will you pay?")).to_have_value("aetna")
    page.get_by_role("button", name="Show my matches").click()
    expect(page.locator("article.match-card").first).to_contain_text("Midtown Evening IOP")


def test_a_missing_answer_is_summarised_and_linked_to_its_field(
    page: Page, live_server, vocabularies
):
    page.goto(f"{live_server.url}/match/")
    page.get_by_role("button", name="Next").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please check your answers")
    expect(page.get_by_text("Step 1 of 4")).to_be_visible()
    summary.get_by_role("link").first.click()
    assert page.url.endswith("#id_wish_dead_0") or "#id_wish_dead" in page.url


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
    # Nothing else answered: the crisis answer wins at once, on the first step.
    page.keyboard.press("Enter")

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
