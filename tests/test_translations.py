"""Spanish throughout: a complete catalogue, Spanish pages, Spanish API errors, a cookie switch."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from matching.shortlists.services import share_link_create
from programs.models import Condition
from tests.factories import (
    ClinicianFactory,
    LocationFactory,
    ProgramFactory,
    ShortlistFactory,
    ShortlistItemFactory,
    WeeklySessionFactory,
)
from tests.intake_answers import SAFE_FORM

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%\(\w+\)\.1f|\{\w+\}|%%|<[^>]+>")
# Words that only English prose uses; a Spanish page that shows one has an unmarked string.
ENGLISH = {
    "the", "your", "you", "with", "this", "that", "please", "what", "how", "programme",
    "programmes", "from", "are", "our", "we", "of", "to", "and", "or", "is", "it", "can",
    "any", "find", "here", "yes", "there", "were", "will", "have", "has", "about", "who",
}  # fmt: skip


def entries_needing_work(po: polib.POFile) -> list[str]:
    """Msgids with no Spanish yet, or only a fuzzy guess."""
    return [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]


def test_every_string_in_the_spanish_catalogue_is_translated_and_none_is_fuzzy():
    assert entries_needing_work(polib.pofile(str(CATALOGUE))) == []


def test_every_plural_has_every_form_spanish_counts_with():
    # The header says how many forms (Django's Spanish: one, millions, other); a message with
    # fewer leaves a count without words and fails `msgfmt -c`.
    po = polib.pofile(str(CATALOGUE))
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    short = [e.msgid for e in po if e.msgid_plural and len(e.msgstr_plural) != forms]
    assert short == []


def test_translations_keep_every_placeholder_and_tag_of_the_english():
    broken = []
    for entry in polib.pofile(str(CATALOGUE)):
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            pairs = [(entry.msgid, forms[0])] + [(entry.msgid_plural, forms[n]) for n in forms if n]
        for english, spanish in pairs:
            if sorted(PLACEHOLDER.findall(english)) != sorted(PLACEHOLDER.findall(spanish)):
                broken.append(english)
    assert broken == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="makemessages needs gettext")
def test_makemessages_finds_no_string_missing_from_the_spanish_catalogue(tmp_path):
    # A fresh extraction in a copy of the source: any new or changed string shows up untranslated.
    base = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "staticfiles", "node_modules", "__pycache__", "*.mo", "tests", "benchmarks"
    )
    shutil.copytree(base, copy, ignore=ignore)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--ignore=.venv", "-v", "0"],
        cwd=copy,
        check=True,
        timeout=120,
    )
    fresh = polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    assert entries_needing_work(fresh) == []


class TextOnly(HTMLParser):
    """The words a reader sees or hears: text and aria-labels, not scripts or URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.skip += 1
        attributes = dict(attrs)
        if attributes.get("lang") == "en":  # the switcher's own "English" button
            return
        for name in ("aria-label", "title", "placeholder", "alt"):
            if attributes.get(name):
                self.words += re.findall(r"[A-Za-z]+", attributes[name])

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.words += re.findall(r"[A-Za-z]+", data)


def english_words(html: str) -> set[str]:
    parser = TextOnly()
    parser.feed(html)
    return {word for word in parser.words if word.lower() in ENGLISH}


@pytest.fixture
def spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


@pytest.fixture
def listed_program(db):
    program = ProgramFactory(
        name="Harbor Light IOP",
        description="",
        conditions=["depression"],
        insurance=["medicaid"],
        languages=["es"],
    )
    LocationFactory(program=program)
    WeeklySessionFactory(program=program)
    return program


MATCH = {
    "conditions": ["depression"],
    "main_condition": "depression",
    "severity": "moderate",
    **SAFE_FORM,
    "format": "either",
    "location": "10001",
    "radius": "25",
    "insurance": "medicaid",
    "availability": ["evening"],
}


def public_pages(client, program) -> dict[str, str]:
    """Every page type a seeker or a patient sees, rendered as the client asks."""
    detail = reverse("programs:detail", args=[program.slug])
    shortlist = ShortlistFactory(clinician=ClinicianFactory(), title="Opciones", message="")
    ShortlistItemFactory(shortlist=shortlist, program=program, position=0, note="")
    link = share_link_create(shortlist=shortlist)
    pages = {
        "home": client.get("/"),
        "directory": client.get("/programs/", {"near": "10001"}),
        "directory, none found": client.get("/programs/", {"near": "99950"}),
        "programme": client.get(detail),
        "suggest an edit": client.get(reverse("programs:suggest", args=[program.slug])),
        "questionnaire": client.get("/match/"),
        "questionnaire errors": client.post("/match/", {}),
        "results": client.post("/match/", MATCH),
        "higher care": client.post("/match/", {**MATCH, "recent_hospitalization": "yes",
                                               "severity": "severe"}),
        "crisis": client.post("/match/", {**MATCH, "wish_dead": "yes", "suicidal_thoughts": "yes",
                                          "suicide_intent": "yes"}),
        "share page": client.get(reverse("share:page", args=[link.token])),
        "log in": client.get(reverse("clinicians:login")),
        "sign up": client.get(reverse("clinicians:signup")),
        "password reset": client.get(reverse("clinicians:password_reset")),
        "404": client.get("/no-such-page/"),
    }  # fmt: skip
    return {name: page.content.decode() for name, page in pages.items()}


@pytest.mark.django_db
def test_every_public_page_in_spanish_shows_no_english_prose(spanish, listed_program):
    leftovers = {
        name: words
        for name, html in public_pages(spanish, listed_program).items()
        if (words := english_words(html))
    }
    assert leftovers == {}


@pytest.mark.django_db
def test_every_public_page_says_its_language(spanish, listed_program):
    for name, html in public_pages(spanish, listed_program).items():
        assert '<html lang="es"' in html, name


@pytest.mark.django_db
def test_accept_language_es_gives_spanish_pages(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9")
    assert page["Content-Language"] == "es"
    assert "Encuentre un programa ambulatorio intensivo" in page.content.decode()


@pytest.mark.django_db
def test_the_crisis_help_in_spanish_says_press_2(spanish, listed_program):
    html = spanish.post(
        "/match/",
        {**MATCH, "wish_dead": "yes", "suicidal_thoughts": "yes", "suicide_intent": "yes"},
    ).content.decode()
    assert "oprima 2" in html and "Ayuda en español" in html
    assert 'href="tel:988"' in html


@pytest.mark.django_db
def test_the_language_switch_keeps_the_choice_in_a_cookie_not_the_url(client):
    page = client.get("/match/").content.decode()
    assert f'action="{reverse("set_language")}"' in page and 'value="es"' in page
    response = client.post(reverse("set_language"), {"language": "es", "next": "/match/"})
    assert response.status_code == 302 and response["Location"] == "/match/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "Su seguridad" in client.get("/match/").content.decode()


@pytest.mark.django_db
def test_the_switch_from_the_directory_keeps_its_filters(client):
    page = client.get("/programs/", {"near": "10001"}).content.decode()
    assert 'name="next" value="/programs/?near=10001"' in page


@pytest.mark.django_db
def test_the_switch_from_the_questionnaire_never_puts_answers_in_a_url(client):
    page = client.post("/match/", {**MATCH, "location": "not a place"}).content.decode()
    assert 'name="next" value="/match/"' in page


@pytest.mark.django_db
def test_api_errors_come_in_spanish_for_a_spanish_browser(client):
    response = client.post(
        "/api/v1/match/", data="[]", content_type="application/json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    assert "Envíe las respuestas como un objeto JSON." in response.content.decode()


@pytest.mark.django_db
def test_vocabulary_labels_show_in_the_reader_s_language(client, spanish, listed_program):
    detail = reverse("programs:detail", args=[listed_program.slug])
    assert "Depresión" in spanish.get(detail).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Depression" in client.get(detail).content.decode()


@pytest.mark.django_db
def test_an_admin_edits_a_terms_spanish_label(admin_client):
    depression = Condition.objects.get(slug="depression")
    page = admin_client.get(reverse("admin:programs_condition_change", args=[depression.pk]))
    assert 'name="name_es"' in page.content.decode()
    admin_client.post(
        reverse("admin:programs_condition_change", args=[depression.pk]),
        {"slug": "depression", "name_en": "Depression", "name_es": "Depresión mayor",
         "description": "", "sort_order": depression.sort_order, "category": depression.category},
    )  # fmt: skip
    depression.refresh_from_db()
    assert depression.name_es == "Depresión mayor"


@pytest.mark.django_db
def test_the_patients_pdf_and_email_come_in_spanish(spanish, listed_program, mailoutbox):
    shortlist = ShortlistFactory(clinician=ClinicianFactory(name="Ana Ruiz"), title="Opciones")
    ShortlistItemFactory(shortlist=shortlist, program=listed_program, position=0)
    link = share_link_create(shortlist=shortlist)
    pdf = spanish.get(reverse("share:pdf", args=[link.token]))
    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert "sugeridos por Ana Ruiz" in text and "oprima 2" in text

    spanish.force_login(shortlist.clinician.user)
    spanish.post(
        reverse("shortlists:share_email", args=[shortlist.pk]),
        {"email": "paciente@example.com"},
    )
    assert len(mailoutbox) == 1
    assert "Programas sugeridos por Ana Ruiz" in mailoutbox[0].subject
    assert "Ábrala aquí" in mailoutbox[0].body
