"""Save my results, privately: a PDF made on the spot from the re-posted answers, kept nowhere."""

import io

import pytest
from django.db import connection
from django.utils import translation
from pypdf import PdfReader

from tests.matching.test_intake_views import VALID

pytestmark = pytest.mark.django_db


def pdf_text(response):
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join("\n".join(page.extract_text() for page in pages).split())


def row_counts():
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts


def test_results_page_offers_the_pdf_and_print_without_putting_answers_in_a_url(
    client, evening_cbt_program
):
    html = client.post("/match/", VALID).content.decode()
    assert 'formaction="/match/pdf/"' in html
    assert "Download these results (PDF)" in html and "Print these results" in html
    assert "/match/pdf/?" not in html


def test_the_pdf_lists_the_matches_with_reasons_and_crisis_lines(client, evening_cbt_program):
    before = row_counts()
    response = client.post("/match/pdf/", {**VALID, "page": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="iop-matches.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response)
    for expected in [
        "Programmes that may fit you",
        "Evening CBT IOP",
        "% match",
        "Accepts Aetna",
        "988",
        "911",
    ]:
        assert expected in text, expected
    # Nothing about the seeker was written anywhere, and none of their answers is in the PDF.
    assert row_counts() == before and not client.session.items()
    assert "10001" not in text.replace(evening_cbt_program.locations.get().zip_code, "")


def test_the_pdf_in_spanish_keeps_its_accents(client, evening_cbt_program):
    with translation.override("es"):
        response = client.post("/match/pdf/", VALID, HTTP_ACCEPT_LANGUAGE="es")
    text = pdf_text(response)
    assert "Programas que pueden ajustarse a usted" in text
    # Reportlab's Helvetica covers Western European letters: the accents come through.
    assert "Línea de Prevención del Suicidio" in text and "Teléfono" in text


def test_a_crisis_answer_gets_the_crisis_page_not_a_pdf(client, evening_cbt_program):
    response = client.post("/match/pdf/", {**VALID, "suicide_plan": "yes", "location": "99999"})
    assert response["Content-Type"].startswith("text/html")
    assert "Please reach out for support now" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"location": "00000"}, "couldn't find the ZIP code 00000"),
        ({"radius": "far"}, "whole number"),
    ],
)
def test_bad_answers_for_the_pdf_are_a_400_on_the_questionnaire(client, changes, message):
    response = client.post("/match/pdf/", {**VALID, **changes})
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    assert message in html and "Step 3 of 4" in html


def test_the_pdf_cannot_be_fetched_by_a_link(client):
    assert client.get("/match/pdf/").status_code == 405
