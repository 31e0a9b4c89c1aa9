"""Signs of quality: shown on cards and pages with meaning and source, filtered alike."""

from __future__ import annotations

import re

import pytest

from programs.models import Program
from programs.selectors import program_listing
from programs.signs import DEFINITIONS, Sign, program_signs, sign_q
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/programs/"


@pytest.fixture
def signed(db):
    return ProgramFactory(
        name="Signal Hill IOP",
        modalities=["moud", "moud-accepted", "cbt", "group-therapy"],
        accreditations=["joint-commission", "state-licensed"],
        conditions=["co-occurring", "opioid-use"],
    )


@pytest.fixture
def plain(db):
    return ProgramFactory(name="Plain Street IOP", modalities=["group-therapy"])


def page(client, program: Program) -> str:
    response = client.get(program.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def directory(client, query: str = "") -> str:
    response = client.get(f"/programs/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_programme_page_shows_each_sign_with_its_meaning_and_source(client, signed):
    html = page(client, signed)
    section = html.split('id="signs-title"')[1].split("</section>")[0]
    for sign in Sign:
        assert str(sign.label) in section
        assert str(DEFINITIONS[sign].meaning) in section
    assert "Cognitive behavioural therapy" in section  # which evidence-based therapy
    assert "Group therapy" not in section  # a format, not an evidence-based therapy
    assert "The Joint Commission" in section
    assert section.count("Source: Entered by IOPfinder staff.") == len(Sign)
    assert "not a rating" in section
    assert not re.search(r"\d+\s*(/|out of)\s*\d+", section)  # never a score


def test_page_of_a_programme_with_no_signs_says_so_plainly(client, plain):
    section = page(client, plain).split('id="signs-title"')[1].split("</section>")[0]
    assert "None listed" in section


def test_cards_show_the_signs_too(client, signed, plain):
    html = directory(client)
    card = html.split(f'id="program-{signed.pk}-name"')[1].split("</article>")[0]
    assert "Offers medication for opioid or alcohol use" in card
    assert "Source: Entered by IOPfinder staff." in card
    plain_card = html.split(f'id="program-{plain.pk}-name"')[1].split("</article>")[0]
    assert 'class="signs"' not in plain_card


@pytest.mark.parametrize("sign", list(Sign))
def test_each_sign_filters_the_directory_page_and_the_api(client, api_client, signed, plain, sign):
    html = directory(client, f"sign={sign.value}")
    assert "Signal Hill IOP" in html and "Plain Street IOP" not in html
    body = api_client.get(f"{URL}?sign={sign.value}").json()
    assert [item["name"] for item in body["results"]] == ["Signal Hill IOP"]


def test_filter_and_display_use_the_same_definitions(signed, plain):
    ProgramFactory(name="Only CARF", accreditations=["carf"])
    ProgramFactory(name="Only DBT", modalities=["dbt"])
    programs = list(program_listing())
    for sign in Sign:
        shown = {p.name for p in programs if sign in {s.sign for s in program_signs(p)}}
        selected = set(Program.objects.filter(sign_q(sign)).values_list("name", flat=True))
        assert shown == selected, sign


def test_several_signs_keep_programmes_showing_all_of_them(api_client, signed):
    ProgramFactory(name="Accredited only", accreditations=["carf"])
    body = api_client.get(f"{URL}?sign=accredited&sign=moud").json()
    assert [item["name"] for item in body["results"]] == ["Signal Hill IOP"]


def test_unknown_sign_is_a_400_and_a_form_error_not_a_crash(client, api_client, signed):
    response = api_client.get(f"{URL}?sign=five-stars")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["sign"]
    html = client.get("/programs/?sign=five-stars").content.decode()
    assert "Select a valid choice" in html


def test_api_detail_carries_signs_and_every_directory_edition(api_client, signed):
    body = api_client.get(f"{URL}{signed.slug}/").json()
    assert {item["sign"] for item in body["signs"]} == {s.value for s in Sign}
    assert body["provenance"]["directory_editions"] == []
