"""Clinicians refer to any level of care: step-down after a hospital stay is common."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from matching.shortlists.services import share_link_create
from programs.levels import Level
from tests.factories import LocationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def residential(db):
    program = ProgramFactory(
        name="Harbor House",
        levels=Level.RESIDENTIAL | Level.WITHDRAWAL,
        accepting_new_patients=None,
    )
    LocationFactory(program=program)
    return program


def test_a_clinician_finds_and_adds_a_residential_programme(client_a, shortlist_a, residential):
    directory = client_a.get(reverse("programs:list"), {"level": "residential"}).text
    assert "Harbor House" in directory and "Add to shortlist" in directory
    client_a.post(
        reverse("shortlists:item_add"), {"program": residential.pk, "shortlist": shortlist_a.pk}
    )
    assert shortlist_a.items.filter(program=residential).exists()


def test_the_share_page_and_pdf_say_each_programmes_level_in_plain_words(
    client, shortlist_a, residential
):
    shortlist_a.items.create(program=residential, position=2)
    link = share_link_create(shortlist=shortlist_a)
    html = client.get(reverse("share:page", kwargs={"token": link.token})).text
    assert "Level of care:" in html
    assert "Intensive outpatient (IOP)" in html  # the two IOPs of the fixture
    assert "Residential" in html and "staff there day and night" in html
    assert "Withdrawal management (detox)" in html
    assert "Call to ask about openings" in html
    pdf = client.get(reverse("share:pdf", kwargs={"token": link.token}))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Residential, Withdrawal management (detox)" in " ".join(text.split())
