"""The directory in a real browser: filters that update the list in place, a numbered map,
and a first load that stays light and talks to no other host but the map's tile server."""

from __future__ import annotations

import gzip
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.questionnaire import answer_questionnaire
from tests.factories import LocationFactory, ProgramFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]

TILE_HOST = "tile.openstreetmap.org"
BUDGET = 150 * 1024


def no_tiles(page: Page) -> list[str]:
    """Answer tile requests with nothing (tests stay offline) and remember every host asked."""
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname or ""))

    def empty(route: Route) -> None:
        route.fulfill(status=204)

    page.route(f"https://{TILE_HOST}/**", empty)
    return hosts


@pytest.fixture
def twenty_five_programmes(db):
    for number in range(25):
        program = ProgramFactory(name=f"Programme {number:02d}", conditions=["depression"])
        LocationFactory(program=program, latitude=40.70 + number / 500)


def test_filters_update_the_list_in_place_and_keep_the_url(
    page: Page, live_server, manhattan_program, twenty_five_programmes
):
    hosts = no_tiles(page)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server.url}/programs/")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(20)  # the first page's markers
    expect(page.locator(".leaflet-marker-icon").first).to_have_text("1")
    page.evaluate("window.stillTheSamePage = true")

    page.locator("summary", has_text="Condition").click()
    page.locator(
        "input[name=condition][value=anxiety]"
    ).check()  # no button pressed: the change alone asks

    expect(page.get_by_role("heading", name="1 programme found")).to_be_visible()
    expect(page.locator("#results-status")).to_have_text("1 programme found")
    expect(page.locator("article.program-card")).to_have_count(1)
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert re.search(r"/programs/\?.*condition=anxiety", page.url)
    assert page.evaluate("window.stillTheSamePage") is True  # no reload

    page.go_back()  # the address kept in step: back shows the unfiltered list again
    expect(page.locator("article.program-card")).to_have_count(20)
    assert set(hosts) <= {"localhost", "127.0.0.1", TILE_HOST}
    assert [e for e in errors if "Content Security Policy" in e or "Refused" in e] == []


def test_more_results_come_in_place_and_the_answers_stay_out_of_the_url(
    page: Page, live_server, manhattan_program, twenty_five_programmes
):
    no_tiles(page)
    page.goto(f"{live_server.url}/match/")
    answer_questionnaire(page, location="10001")
    expect(page.locator("article.match-card")).to_have_count(25)
    page.evaluate("window.stillTheSamePage = true")
    address = page.url

    page.get_by_role("button", name="More results").click()

    expect(page.locator("#results-status")).to_contain_text("Showing 26 to 26 of 26.")
    expect(page.locator("article.match-card")).to_have_count(1)
    expect(page.locator("#results-title")).to_be_focused()
    assert page.url == address and "10001" not in page.url
    assert page.evaluate("window.stillTheSamePage") is True


def test_directory_first_load_is_light_and_asks_no_other_host(
    page: Page, live_server, twenty_five_programmes
):
    hosts = no_tiles(page)
    sizes: dict[str, int] = {}

    def weigh(response) -> None:
        url = response.url
        if urlsplit(url).hostname == TILE_HOST:
            return
        body = response.body()
        # Production serves our static files compressed (WhiteNoise's .gz files); pages as they are.
        static = urlsplit(url).path.startswith("/static/")
        sizes[url] = len(gzip.compress(body, 9)) if static else len(body)

    page.on("response", weigh)
    page.goto(f"{live_server.url}/programs/", wait_until="networkidle")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(20)

    total = sum(sizes.values())
    heaviest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
    assert total <= BUDGET, f"{total} bytes: {heaviest}"
    assert set(hosts) <= {urlsplit(live_server.url).hostname, TILE_HOST}, hosts
    print(f"directory first load: {total} bytes in {len(sizes)} responses; {heaviest}")


def test_a_place_typed_and_entered_asks_for_the_results_once(
    page: Page, live_server, manhattan_program, twenty_five_programmes
):
    no_tiles(page)
    asked: list[str] = []
    page.on(
        "request",
        lambda request: urlsplit(request.url).path == "/programs/" and asked.append(request.url),
    )
    page.goto(f"{live_server.url}/programs/")
    asked.clear()
    page.get_by_label("Near (ZIP code or City, ST)").fill("10001")
    page.get_by_label("Near (ZIP code or City, ST)").press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"within 25 miles of"))).to_be_visible()
    page.wait_for_timeout(500)  # a second request, if any, would have gone by now
    assert len(asked) == 1, asked
    assert "near=10001" in page.url
