"""axe-core in Chromium finds no serious or critical violation on any page type, in both languages;
and at 390 px no page scrolls sideways, every tap target is 44 px and the crisis banner is one line."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from matching.shortlists.services import share_link_create
from tests.e2e.phone import phone_problems
from tests.e2e.questionnaire import NEXT, answer_questionnaire
from tests.factories import ClinicianFactory, ShortlistFactory, ShortlistItemFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]

AXE = Axe()
SERIOUS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}


def problems(page: Page) -> list[str]:
    """The serious and critical violations on the page, with where they are."""
    results = AXE.run(page)
    return [
        f"{violation['id']}: {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def log_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_serious_axe_violation_on_any_page_type(
    page: Page, live_server, manhattan_program, language
):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    clinician = ClinicianFactory()
    shortlist = ShortlistFactory(clinician=clinician)
    ShortlistItemFactory(shortlist=shortlist, program=manhattan_program, position=0)
    link = share_link_create(shortlist=shortlist)
    url = live_server.url
    found: dict[str, list[str]] = {}

    def check(name: str, shows: str = "main") -> None:
        # A click that submits returns once the next page starts loading: wait for all of it.
        page.wait_for_load_state()
        assert page.locator(shows).count() >= 1, name
        assert page.locator(f'html[lang="{language}"]').count() == 1, name
        found[name] = problems(page)
        page.set_viewport_size(PHONE)
        found[name] += phone_problems(page, PHONE["width"])
        page.set_viewport_size({"width": 1280, "height": 900})

    gets = {
        "home": "/",
        "directory": "/programs/",
        "directory with results": "/programs/?near=10001",
        "directory without results": "/programs/?near=99950",
        "programme": manhattan_program.get_absolute_url(),
        "questionnaire": "/match/",
        "share page": reverse("share:page", args=[link.token]),
        "sign-up": reverse("clinicians:signup"),
        "log-in": reverse("clinicians:login"),
        "404": "/no-such-page/",
    }
    for name, path in gets.items():
        page.goto(url + path)
        check(name)

    for number in (1, 2, 3, 4):
        page.goto(url + "/match/")
        answer_questionnaire(page, stop_at=number)
        check(f"questionnaire step {number}", NEXT)
    page.goto(url + "/match/")
    page.locator(NEXT).click()
    check("questionnaire errors", "[role=alert] a[href^='#']")
    page.goto(url + "/match/")
    answer_questionnaire(page)
    check("results", "article.match-card")
    page.goto(url + "/match/")
    answer_questionnaire(page, recent_hospitalization="yes", severity="severe")
    check("higher care", "a[href='tel:911']")
    page.goto(url + "/match/")
    answer_questionnaire(page, suicidal_thoughts="yes", suicide_intent="yes")
    check("crisis", ".crisis-resources")

    log_in(page, live_server, clinician.user)
    page.goto(url + reverse("shortlists:detail", args=[shortlist.pk]))
    check("shortlist", "form[action$='/delete/'], a[href$='/share/']")
    page.goto(url + reverse("shortlists:share", args=[shortlist.pk]))
    check("shortlist sharing", "#share-url")

    assert {name: issues for name, issues in found.items() if issues} == {}
