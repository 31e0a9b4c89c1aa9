"""Levels of care: what a listing offers, how the directory, API, admin and CSV read it."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse

from programs import levels
from programs.imports.csv_format import read_programs_csv, write_programs_csv
from programs.levels import Level
from programs.models import Program
from tests.factories import LocationFactory, ProgramFactory
from tests.programs.cards import card_names

pytestmark = pytest.mark.django_db

API = "/api/v1/programs/"


@pytest.fixture
def mix(db):
    """One listing of each kind a seeker may meet, all in Manhattan."""
    made = {
        "iop": ProgramFactory(name="Evening IOP", levels=Level.IOP),
        "iop_php": ProgramFactory(name="Step-Up IOP", levels=Level.IOP | Level.PHP),
        "php": ProgramFactory(name="Day Hospital", levels=Level.PHP),
        "residential": ProgramFactory(
            name="Harbor House", levels=Level.RESIDENTIAL | Level.WITHDRAWAL
        ),
        "clinic": ProgramFactory(name="Corner Clinic", levels=Level.OUTPATIENT),
    }
    for program in made.values():
        LocationFactory(program=program)
    return made


def api_names(api_client, query: str = "") -> list[str]:
    response = api_client.get(f"{API}?{query}")
    assert response.status_code == 200, response.json()
    return sorted(item["name"] for item in response.json()["results"])


def test_a_mask_reads_back_as_its_levels_least_intensive_first():
    mask = levels.mask_of(["withdrawal", "iop", "outpatient"])
    assert mask == Level.WITHDRAWAL | Level.IOP | Level.OUTPATIENT
    assert levels.codes_of(mask) == ["outpatient", "iop", "withdrawal"]
    assert levels.plain_words(Level.IOP | Level.PHP) == (
        "Intensive outpatient (IOP), Partial hospitalisation (PHP) or day treatment"
    )
    assert [info.asam for info in levels.levels_of(levels.ALL_LEVELS)] == [
        "1",
        "2.1",
        "2.5",
        "3",
        "4",
        "",
    ]
    with pytest.raises(KeyError):
        levels.mask_of(["detox"])


def test_the_directory_lists_iops_unless_other_levels_are_ticked(client, mix):
    html = client.get("/programs/").content.decode()
    assert sorted(card_names(html)) == ["Evening IOP", "Step-Up IOP"]
    # The IOP box shows ticked, so the page says what it lists.
    assert re.search(r'name="level" value="iop"[^>]*checked', html)

    html = client.get("/programs/?level=php&level=residential").content.decode()
    assert sorted(card_names(html)) == ["Day Hospital", "Harbor House", "Step-Up IOP"]


def test_each_card_and_page_says_which_levels_the_listing_offers(client, mix):
    html = client.get("/programs/?level=residential").content.decode()
    assert "Residential, Withdrawal management (detox)" in html
    page = client.get(mix["iop_php"].get_absolute_url()).content.decode()
    assert "Partial hospitalisation (PHP) or day treatment" in page
    assert "ASAM level 2.5" in page
    assert "Treatment most of the day, five or more days a week" in page


def test_the_api_filters_by_level_and_names_each_listings_levels(api_client, mix):
    assert api_names(api_client) == ["Evening IOP", "Step-Up IOP"]
    assert api_names(api_client, "level=outpatient") == ["Corner Clinic"]
    assert api_names(api_client, "level=php&level=outpatient") == [
        "Corner Clinic",
        "Day Hospital",
        "Step-Up IOP",
    ]
    item = api_client.get(f"{API}?level=residential").json()["results"][0]
    assert [level["code"] for level in item["levels"]] == ["residential", "withdrawal"]
    assert item["levels"][0]["asam"] == "3"
    assert item["levels"][0]["description"]


def test_an_unknown_level_is_a_400_in_the_api(api_client, mix):
    response = api_client.get(f"{API}?level=detox")
    assert response.status_code == 400
    assert "detox" in response.json()["errors"]["level"][0]


def test_an_unknown_level_is_a_message_by_the_field_on_the_page(client, mix):
    response = client.get("/programs/?level=detox")
    assert response.status_code == 200
    html = response.content.decode()
    by_field = re.search(r'<ul class="errorlist" id="id_level_error">(.*?)</ul>', html, re.S)
    assert by_field and "detox is not one of the available choices" in by_field.group(1)
    assert card_names(html) == []


def test_the_admin_edits_levels_as_tick_boxes(admin_client, mix):
    program = mix["iop"]
    url = reverse("admin:programs_program_change", args=[program.pk])
    html = admin_client.get(url).content.decode()
    assert re.search(r'type="checkbox" name="levels" value="iop"[^>]*checked', html)
    assert 'value="withdrawal"' in html
    changelist = admin_client.get(
        reverse("admin:programs_program_changelist"), {"level": "residential"}
    ).content.decode()
    assert "Harbor House" in changelist and "Evening IOP" not in changelist


def test_the_levels_form_field_cleans_ticks_to_a_mask_and_needs_one():
    field = Program._meta.get_field("levels").formfield()
    assert field.clean(["iop", "php"]) == Level.IOP | Level.PHP
    assert field.prepare_value(Level.IOP | Level.WITHDRAWAL) == ["iop", "withdrawal"]
    with pytest.raises(Exception, match="Tick at least one level of care"):
        field.clean([])
    with pytest.raises(Exception, match="not one of the available choices"):
        field.clean(["detox"])


def test_levels_survive_a_csv_round_trip_and_bad_codes_are_named(mix):
    stream = io.StringIO()
    write_programs_csv(queryset=Program.objects.filter(pk=mix["residential"].pk), stream=stream)
    text = stream.getvalue()
    assert "residential|withdrawal" in text
    parsed = read_programs_csv(io.StringIO(text))
    assert parsed.records[0].fields["levels"] == Level.RESIDENTIAL | Level.WITHDRAWAL

    bad = "name,levels\nSomewhere,iop|detox\n"
    with pytest.raises(Exception) as caught:
        read_programs_csv(io.StringIO(bad))
    assert any("unknown level(s) detox" in error for error in caught.value.errors)


def test_an_empty_levels_cell_means_an_iop():
    parsed = read_programs_csv(io.StringIO("name,levels\nSomewhere,\n"))
    assert parsed.records[0].fields["levels"] == Level.IOP
