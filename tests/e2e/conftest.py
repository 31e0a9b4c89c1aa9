"""Real-browser tests: pytest-playwright driving Debian's Chromium against live_server.

Playwright's own browser download cannot work on our machines, so we launch the
system Chromium (installed by `make browsers`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# the test body (creating fixtures) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction"))
    fixtures = getattr(item, "fixturenames", ())
    return transactional or "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Browser tests run against live_server in transactional tests, which empty every table
    # (the vocabularies from the data migration included) when they finish. pytest groups
    # tests sharing the session-scoped browser parameter and can move them into the middle of
    # the run; put them back at the end so later tests still see the migrated vocabularies.
    items[:] = sorted(items, key=_flushes_the_database)
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: run `make browsers`")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


# --- Journeys at two widths, in two languages, with a screenshot when one fails -----------

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "test-results/e2e"))
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("en", "es")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    # Kept on the test so a fixture's teardown can tell whether the test body failed.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(
    params=[(width, language) for width in VIEWPORTS for language in LANGUAGES],
    ids=lambda param: f"{param[0]}-{param[1]}",
)
def journey(request, browser: Browser) -> Iterator[Journey]:
    """A fresh browser at one width and in one language; a full-page screenshot if it fails."""
    width, language = request.param
    journey = Journey(browser=browser, viewport=VIEWPORTS[width], language=language)
    journey.new_page()
    yield journey
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for number, open_page in enumerate(journey.pages):
            if not open_page.is_closed():
                open_page.screenshot(path=ARTIFACTS / f"{name}-{number}.png", full_page=True)
    journey.close()


class Journey:
    """One person's browser (more can be opened: the admin, the patient), same width and language."""

    def __init__(self, *, browser: Browser, viewport: dict[str, int], language: str) -> None:
        self.browser = browser
        self.viewport = viewport
        self.language = language
        self.contexts: list[BrowserContext] = []
        self.pages: list[Page] = []

    @property
    def page(self) -> Page:
        return self.pages[0]

    @property
    def phone(self) -> bool:
        return self.viewport["width"] < 600

    def new_page(self) -> Page:
        """Another person's browser: no cookies shared, Accept-Language in this language."""
        context = self.browser.new_context(viewport=self.viewport, locale=self.language)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        self.pages.append(page)
        return page

    def text(self, message: str) -> str:
        """A user-facing string as this person reads it (from the Spanish catalogue)."""
        with translation.override(self.language):
            return gettext(message)

    def close(self) -> None:
        for context in self.contexts:
            context.close()
