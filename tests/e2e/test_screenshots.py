"""Screenshots of every page type at 390 and 1280 px, in English and Spanish, for people to look at.

Not a check (it asserts only that each page loaded): run it when the look of pages changes,
then open the PNGs. Skipped unless SCREENSHOTS names a folder (never commit the PNGs):

    SCREENSHOTS=/tmp/shots .venv/bin/pytest -m e2e tests/e2e/test_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Route

from iopfinder.api_errors import server_error
from matching.shortlists.services import share_link_create
from tests.e2e.conftest import LANGUAGES, VIEWPORTS
from tests.e2e.questionnaire import NEXT, answer_questionnaire
from tests.factories import ClinicianFactory, ShortlistFactory, ShortlistItemFactory

FOLDER = os.environ.get("SCREENSHOTS")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
    pytest.mark.skipif(not FOLDER, reason="set SCREENSHOTS=<folder> to take screenshots"),
]


def _fulfil_with(body: str):
    """The site's 500 page, served where no view can be made to fail on purpose."""

    def handler(route: Route) -> None:
        route.fulfill(status=500, body=body, content_type="text/html")

    return handler


def test_every_page_type_at_two_widths_in_two_languages(
    browser: Browser, live_server, manhattan_program
):
    folder = Path(FOLDER or ".")
    folder.mkdir(parents=True, exist_ok=True)
    clinician = ClinicianFactory()
    shortlist = ShortlistFactory(clinician=clinician, title="Evening options")
    ShortlistItemFactory(shortlist=shortlist, program=manhattan_program, position=0)
    link = share_link_create(shortlist=shortlist)
    client = Client()
    client.force_login(clinician.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    url = live_server.url
    for language in LANGUAGES:
        with translation.override(language):
            error_page = server_error(RequestFactory().get("/")).content.decode()
        for width, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, locale=language)
            page = context.new_page()
            page.route(f"{url}/server-error/", _fulfil_with(error_page))

            def shot(name: str, page=page, width=width, language=language) -> None:
                assert page.locator("main").count() >= 1, name
                page.screenshot(path=folder / f"{name}-{width}-{language}.png", full_page=True)

            for name, path in {
                "home": "/",
                "directory": "/programs/?near=10001",
                "programme": manhattan_program.get_absolute_url(),
                "share-page": reverse("share:page", args=[link.token]),
                "sign-up": reverse("clinicians:signup"),
                "log-in": reverse("clinicians:login"),
                "404": "/no-such-page/",
                "500": "/server-error/",
            }.items():
                page.goto(url + path)
                shot(name)
            for number in (1, 2, 3, 4):
                page.goto(url + "/match/")
                answer_questionnaire(page, stop_at=number)
                shot(f"step-{number}")
            page.goto(url + "/match/")
            page.locator(NEXT).click()
            shot("step-1-errors")
            page.goto(url + "/match/")
            answer_questionnaire(page, stop_at=3, location="00000")
            page.locator(NEXT).click()
            shot("step-3-errors")
            page.goto(url + "/match/")
            answer_questionnaire(page)
            shot("results")
            page.goto(url + "/match/")
            answer_questionnaire(page, recent_hospitalization="yes", severity="severe")
            shot("higher-care")
            page.goto(url + "/match/")
            answer_questionnaire(page, suicidal_thoughts="yes", suicide_plan="yes")
            shot("crisis")
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": url}]
            )
            page.goto(url + reverse("shortlists:detail", args=[shortlist.pk]))
            shot("shortlist")
            page.goto(url + "/match/")
            answer_questionnaire(page)
            shot("results-as-clinician")
            context.close()
