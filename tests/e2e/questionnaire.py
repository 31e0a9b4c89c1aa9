"""Walking the questionnaire's steps in a browser, by field names so either language works."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.intake_answers import SAFE_FORM

NEXT = "form.intake-form button[name=nav][value=next]"


def on_a_step(page: Page) -> bool:
    return page.locator(NEXT).count() == 1


def answer_questionnaire(
    page: Page,
    *,
    stop_at: int | None = None,
    severity: str = "moderate",
    insurance: str | None = None,
    location: str = "10001",
    **safety: str,
) -> None:
    """From step 1, answer each step and press Next; stop before leaving ``stop_at``.

    A crisis answer on the safety step leaves the questionnaire at once: later steps are
    then not there to answer.
    """

    def done(step: int) -> bool:
        if stop_at == step:
            return True
        page.locator(NEXT).click()
        return not on_a_step(page)

    for name, value in {**SAFE_FORM, **safety}.items():
        field = page.locator(f"input[name={name}][value={value}]")
        if field.is_visible():
            field.check()
    if done(1):
        return
    page.check("input[name=conditions][value=depression]")
    page.check(f"input[name=severity][value={severity}]")
    if done(2):
        return
    page.fill("input[name=location]", location)
    if done(3):
        return
    if insurance:
        page.select_option("select[name=insurance]", insurance)
    done(4)
