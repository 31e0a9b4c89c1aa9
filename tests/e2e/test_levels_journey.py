"""Issue 14's "done when": both directory layouts imported, three seekers near Alabaster, AL.

A small substance-use workbook and a small mental-health workbook (built with the import
tests' own generators, tests/programs/imports/conftest.py) go through ``import_samhsa``
into the live server's database. Then a seeker at 35007 with depression is screened, in
Chromium, to an IOP, to higher care and to outpatient care, and each sees real listings of
that level, first things first, each card saying which levels of care it offers.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from programs.models import Program
from tests.e2e.questionnaire import answer_questionnaire
from tests.programs.imports import conftest as workbooks

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]

# The import tests' workbook builder, as a fixture here too.
make_workbook = workbooks.make_workbook

ALABASTER = "35007"
# Substance-use edition: the IOP setting (OIT) is what it imports by default.
IOP_ONLY = "Alabaster Recovery IOP"
IOP_AND_PHP = "Pelham Intensive Outpatient"
# Mental-health edition: every setting (HI, OP, PHDT, RES).
DAY_HOSPITAL = "Helena Day Hospital"
HOSPITAL = "Siluria Behavioral Hospital"
CLINIC = "Alabaster Counseling Center"
FAMILY_CLINIC = "Pelham Family Therapy"
# In both editions: the substance-use IOP and the mental-health outpatient clinic.
BOTH = "Shelby Bridges"

IOP = "Intensive outpatient (IOP)"
PHP = "Partial hospitalisation (PHP) or day treatment"
OUTPATIENT = "Outpatient"
RESIDENTIAL = "Residential"
INPATIENT = "Hospital inpatient"


def _site(name: str, zip_code: str, city: str, street: str) -> dict[str, str]:
    return {"name1": name, "street1": street, "city": city, "state": "AL", "zip": zip_code}


SITES = {
    IOP_ONLY: _site(IOP_ONLY, "35007", "Alabaster", "100 1st Street North"),
    IOP_AND_PHP: _site(IOP_AND_PHP, "35124", "Pelham", "2 Oak Mountain Park Road"),
    DAY_HOSPITAL: _site(DAY_HOSPITAL, "35080", "Helena", "3 Helena Road"),
    HOSPITAL: _site(HOSPITAL, "35114", "Alabaster", "4 Siluria Street"),
    CLINIC: _site(CLINIC, "35007", "Alabaster", "5 Thompson Road"),
    FAMILY_CLINIC: _site(FAMILY_CLINIC, "35124", "Pelham", "6 Pelham Parkway"),
    BOTH: _site(BOTH, "35007", "Alabaster", "7 Fulton Springs Road"),
}


def run_import(path: Path, edition: str) -> None:
    call_command(
        "import_samhsa", str(path), "--edition", edition, stdout=io.StringIO(), stderr=io.StringIO()
    )


@pytest.fixture
def both_directories(make_workbook) -> None:
    """Seven listings near Alabaster from the two 2022 editions, one of them in both."""
    substance_use = make_workbook(
        [
            workbooks.facility(**SITES[IOP_ONLY], service_code_info="SA * OP OIT * CBT * PI MD"),
            workbooks.facility(**SITES[IOP_AND_PHP], service_code_info="SA * OP OIT ODT * CBT"),
            workbooks.facility(**SITES[BOTH], service_code_info="SA * OP OIT * CBT * MD"),
            # Regular outpatient only: not an IOP, so not imported from this edition.
            workbooks.facility(
                **_site("Calera Counseling", "35040", "Calera", "8 Main Street"),
                service_code_info="SA * OP ORT",
            ),
        ]
    )
    mental_health = make_workbook(
        [
            workbooks.mh_facility(**SITES[DAY_HOSPITAL], service_code_info="MH * PHDT * DBT"),
            workbooks.mh_facility(**SITES[HOSPITAL], service_code_info="MH * HI RES * SMI"),
            workbooks.mh_facility(**SITES[CLINIC], service_code_info="MH * OP * CBT * MD"),
            workbooks.mh_facility(**SITES[FAMILY_CLINIC], service_code_info="MH * OP * CBT"),
            workbooks.mh_facility(**SITES[BOTH], service_code_info="MH * OP * DBT * MD"),
        ],
        code_rows=workbooks.MH_CODE_ROWS,
    )
    run_import(substance_use, "su-2022")
    run_import(mental_health, "mh-2022")
    assert set(Program.objects.values_list("name", flat=True)) == set(SITES)
    both = Program.objects.get(name=BOTH)
    assert both.directory_records.count() == 2


def seeker_at_alabaster(page: Page, url: str, **answers: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{url}/match/")
    answer_questionnaire(page, location=ALABASTER, **answers)


def cards(page: Page):
    return page.locator("article.match-card")


def names(page: Page) -> list[str]:
    return [name.strip() for name in cards(page).locator("h3 a").all_inner_texts()]


def card(page: Page, name: str):
    return cards(page).filter(has=page.get_by_role("link", name=name, exact=True))


def care_offered(page: Page, name: str) -> str:
    return card(page, name).locator(".match-levels").inner_text()


def test_screened_to_an_iop_the_seeker_sees_the_iops_near_alabaster(
    page: Page, live_server, both_directories
):
    seeker_at_alabaster(page, live_server.url, severity="moderate")

    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes that may fit you")
    expect(page.locator("#level-title")).to_have_text("An intensive outpatient programme may fit")
    expect(cards(page)).to_have_count(3)
    assert set(names(page)) == {IOP_ONLY, IOP_AND_PHP, BOTH}
    for name in names(page):
        assert IOP in care_offered(page, name)
    assert care_offered(page, IOP_ONLY) == f"Care offered: {IOP}"
    # Providers that can step up or down say so.
    expect(card(page, IOP_AND_PHP)).to_contain_text("can also step you up to day treatment (PHP)")
    expect(card(page, BOTH)).to_contain_text("can also step you down to weekly outpatient therapy")


def test_screened_to_higher_care_the_seeker_sees_php_residential_and_hospital_care_first(
    page: Page, live_server, both_directories
):
    seeker_at_alabaster(page, live_server.url, severity="severe", recent_hospitalization="yes")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "More support than an IOP may help first"
    )
    expect(page.get_by_text("Severe symptoms soon after a hospital stay")).to_be_visible()
    expect(cards(page)).to_have_count(3)
    shown = names(page)
    # Day treatment, residential and hospital care first, then the IOP that offers PHP.
    assert set(shown[:2]) == {DAY_HOSPITAL, HOSPITAL}
    assert shown[2] == IOP_AND_PHP
    higher = "Day treatment (PHP), residential or hospital care near you"
    assert care_offered(page, DAY_HOSPITAL) == f"{higher} · Care offered: {PHP}"
    assert care_offered(page, HOSPITAL) == f"{higher} · Care offered: {RESIDENTIAL}, {INPATIENT}"
    assert care_offered(page, IOP_AND_PHP) == (
        "Intensive outpatient programmes that also offer more intensive care · "
        f"Care offered: {IOP}, {PHP}"
    )
    expect(card(page, IOP_AND_PHP)).to_contain_text(
        "An IOP that can step you up to more care if you need it."
    )


def test_screened_to_outpatient_the_seeker_sees_clinics_first_then_iops(
    page: Page, live_server, both_directories
):
    seeker_at_alabaster(page, live_server.url, severity="mild")

    expect(page.locator("#level-title")).to_have_text("Weekly therapy may be enough")
    expect(cards(page)).to_have_count(5)
    shown = names(page)
    assert set(shown[:3]) == {CLINIC, FAMILY_CLINIC, BOTH}
    assert set(shown[3:]) == {IOP_ONLY, IOP_AND_PHP}
    for name in shown[:3]:
        assert care_offered(page, name).startswith("Outpatient therapy near you · Care offered:")
        assert OUTPATIENT in care_offered(page, name)
    assert care_offered(page, CLINIC) == f"Outpatient therapy near you · Care offered: {OUTPATIENT}"
    for name in shown[3:]:
        assert care_offered(page, name).startswith(
            "Intensive outpatient programmes, if weekly therapy hasn't helped · Care offered: "
        )
        expect(card(page, name)).to_contain_text(
            "An IOP: worth asking about if weekly therapy hasn't helped."
        )
    # Neither the day hospital nor the hospital is offered for weekly therapy.
    expect(card(page, DAY_HOSPITAL)).to_have_count(0)
    expect(card(page, HOSPITAL)).to_have_count(0)
