"""A seeker searches the directory by ZIP and opens a programme, in a real browser."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]


def test_search_by_zip_and_open_a_programme(page: Page, live_server, manhattan_program):
    page.goto(f"{live_server.url}/programs/")
    page.get_by_label("Near (ZIP code or City, ST)").fill("10001")
    page.get_by_role("button", name="Show programmes").click()

    expect(page.get_by_role("heading", name="1 programme found within 25 miles")).to_be_visible()
    card = page.locator("article.program-card", has_text="Midtown Evening IOP")
    expect(card).to_contain_text("under 0.1 miles")
    card.get_by_role("link", name="Midtown Evening IOP").click()

    expect(page.get_by_role("heading", level=1, name="Midtown Evening IOP")).to_be_visible()
    schedule = page.get_by_role("table", name="Weekly sessions")
    expect(schedule).to_contain_text("Monday")
    expect(schedule).to_contain_text("6:00 PM–9:00 PM")
    expect(page.get_by_role("link", name="988").first).to_be_visible()


def test_directory_is_keyboard_usable_and_works_on_a_phone(
    page: Page, live_server, manhattan_program
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.get_by_label("ZIP code or City, ST").fill("New York, NY")
    page.get_by_label("ZIP code or City, ST").press("Enter")
    expect(page.locator("article.program-card")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_unknown_zip_and_a_condition_filter_in_the_browser(
    page: Page, live_server, manhattan_program
):
    page.goto(f"{live_server.url}/programs/?near=00000")
    expect(page.get_by_role("alert")).to_contain_text("We couldn't find the ZIP code 00000")
    expect(page.locator("article.program-card")).to_have_count(0)

    page.get_by_label("Near (ZIP code or City, ST)").fill("New York, NY")
    page.locator("summary", has_text="Condition").click()  # opens the collapsed group
    page.get_by_label("Eating disorders").check()
    page.get_by_role("button", name="Show programmes").click()
    expect(page.get_by_text("No programmes match all of these choices yet.")).to_be_visible()

    page.get_by_role("link", name="Keep the place, clear the other filters").click()
    expect(page.locator("article.program-card")).to_have_count(1)
    expect(page.locator("article.program-card")).to_contain_text("Midtown Evening IOP")
