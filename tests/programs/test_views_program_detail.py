"""The programme page: everything a seeker needs to decide and to call."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import escape

from programs.levels import Level
from programs.models import Condition, Program
from programs.states import STATES
from tests.factories import (
    LocationFactory,
    ProgramFactory,
    WeeklySessionFactory,
    program_listing_everything,
)

pytestmark = pytest.mark.django_db

# Relative to today, so the listing stays "recently verified" whenever the suite runs.
RECENTLY = datetime.date.today() - datetime.timedelta(days=20)
RECENTLY_TEXT = dateformat.format(RECENTLY, "j F Y")


@pytest.fixture
def full_program(manhattan_program):
    program = manhattan_program
    program.email = "intake@example.org"
    program.intake_notes = "Call for a free assessment. Bring your insurance card."
    program.typical_wait_days = 5
    program.self_pay_cost_usd = 6500
    program.sliding_scale = True
    program.payment_plans = True
    program.levels = Level.IOP | Level.PHP
    program.max_age = 64
    program.last_verified_on = RECENTLY
    program.save()
    program.modalities.add(*program.modalities.model.objects.filter(slug="medication-management"))
    program.populations.add(*program.populations.model.objects.filter(slug="veterans"))
    program.accreditations.add(*program.accreditations.model.objects.filter(slug="carf"))
    WeeklySessionFactory(
        program=program,
        weekday=0,
        start_time=datetime.time(9, 30),
        end_time=datetime.time(12, 30),
        label="Morning track",
    )
    return program


def detail(client, program) -> str:
    response = client.get(program.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_programme_page_shows_how_to_call_and_start(client, full_program):
    html = detail(client, full_program)
    assert '<a href="tel:(555) 010-2001">(555) 010-2001</a>' in html
    assert '<a href="tel:(555) 010-2000">(555) 010-2000</a>' in html
    assert '<a href="mailto:intake@example.org">intake@example.org</a>' in html
    assert 'href="https://example.org/iop"' in html
    assert "Call for a free assessment. Bring your insurance card." in html
    assert "Accepting new patients" in html
    assert "5 days" in html


def test_programme_page_has_a_weekly_schedule_table(client, full_program):
    html = detail(client, full_program)
    table = html.split('<table class="schedule">')[1].split("</table>")[0]
    assert "<caption>Weekly sessions</caption>" in table
    rows = [row for row in table.split("<tr>")[2:]]
    assert [row.split('scope="row">')[1].split("<")[0] for row in rows] == [
        "Monday",
        "Wednesday",
        "Friday",
    ]
    # Two sessions on Monday, earliest first, with the label.
    assert rows[0].index("9:30 AM–12:30 PM (Morning track)") < rows[0].index("6:00 PM–9:00 PM")
    assert "3</dd>" in html and "9</dd>" in html  # days a week, hours a week
    assert "8 to 12 weeks" in html


def test_programme_page_without_sessions_says_to_ask(client):
    program = ProgramFactory()
    assert "Session times are not listed yet" in detail(client, program)


def test_programme_page_lists_care_who_it_serves_and_cost(client, full_program):
    html = detail(client, full_program)
    therapies = html.split("<dt>Therapies</dt>")[1].split("</dd>")[0]
    services = html.split("<dt>Services</dt>")[1].split("</dd>")[0]
    assert "Cognitive behavioural therapy (CBT)" in therapies
    assert "Group therapy" in services and "Medication management" in services
    assert "Group therapy" not in therapies
    for text in [
        "Depression",
        "Anxiety",
        "Partial hospitalisation (PHP)",
        "18 to 64",
        "Veterans",
        "English, Spanish",
        "Aetna",
        "Medicaid",
        "About $6,500 for the whole programme",
        "CARF",
        "350 Fifth Avenue",
        "New York, NY 10001",
    ]:
        assert text in html, text
    assert html.count("<dd>Yes</dd>") == 2  # sliding scale and payment plans


def test_programme_page_says_when_last_verified_and_where_the_data_came_from(client, full_program):
    html = detail(client, full_program)
    assert f"<dt>Last verified</dt><dd>{RECENTLY_TEXT}</dd>" in html
    assert "Entered by IOPfinder staff" in html


def test_unverified_programme_says_not_yet_verified(client):
    program = ProgramFactory(last_verified_on=None)
    assert "<dt>Last verified</dt><dd>Not yet verified</dd>" in detail(client, program)


def test_imported_unconfirmed_programme_warns_to_call_first(client):
    program = ProgramFactory(
        source=Program.Source.SAMHSA_2022, source_id="samhsa-1", last_verified_on=None
    )
    html = detail(client, program)
    assert (
        "These details come from the SAMHSA National Directory 2022 and have not yet been "
        "confirmed by the programme. Call to check before you go."
    ) in html


def test_imported_programme_once_verified_drops_the_warning(client):
    program = ProgramFactory(source=Program.Source.SAMHSA_2022, source_id="samhsa-2")
    html = detail(client, program)
    assert "have not yet been confirmed" not in html
    assert "SAMHSA National Directory 2022" in html  # still says where it came from


def test_demo_programme_page_says_it_is_not_real(client):
    program = ProgramFactory(source=Program.Source.DEMO)
    assert "Demo listing: this is not a real programme." in detail(client, program)
    assert "not a real programme" not in detail(client, ProgramFactory())


@pytest.mark.parametrize("delivery", [Program.Delivery.VIRTUAL, Program.Delivery.HYBRID])
def test_virtual_and_hybrid_pages_list_the_states_they_may_treat_in(client, delivery):
    program = ProgramFactory(delivery=delivery, licensed_states=["NY", "TX"])
    html = detail(client, program)
    assert "The programme may treat people living in: New York, Texas." in html


def test_in_person_page_does_not_talk_about_virtual_sessions(client, manhattan_program):
    assert "Virtual sessions are offered" not in detail(client, manhattan_program)


def test_programme_page_query_count_is_fixed(client, django_assert_max_num_queries, full_program):
    for _ in range(3):
        LocationFactory(program=full_program)
    with django_assert_max_num_queries(14):
        detail(client, full_program)


def test_programme_page_costs_five_queries_whatever_it_lists(
    client, django_assert_num_queries, full_program, settings
):
    settings.CATALOGUE_HTML_SECONDS = 0  # rendered each time, not shared (programs.html_cache)
    everything = program_listing_everything(delivery=Program.Delivery.HYBRID)
    for day in range(7):
        LocationFactory(program=everything, name=f"Site {day}")
        WeeklySessionFactory(program=everything, weekday=day)
    bare = ProgramFactory(name="Bare IOP")
    detail(client, bare)  # the process's copy of the vocabularies
    # The programme; its terms and states; its sites; its sessions; its directory records.
    for program in (bare, full_program, everything):
        with django_assert_num_queries(5):
            html = detail(client, program)
    assert "Site 6" in html and STATES["WY"] in html
    assert all(escape(condition.name) in html for condition in Condition.objects.all())


def test_unknown_slug_gives_a_friendly_404(client):
    response = client.get(reverse("programs:detail", kwargs={"slug": "no-such-programme"}))
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn't find that page" in html
    assert 'href="/programs/"' in html and 'href="tel:988"' in html


@pytest.mark.parametrize("status", [Program.Status.DRAFT, Program.Status.ARCHIVED])
def test_unpublished_programmes_are_not_found(client, status):
    program = ProgramFactory(status=status)
    response = client.get(reverse("programs:detail", kwargs={"slug": program.slug}))
    assert response.status_code == 404
    assert program.name not in response.content.decode()


def test_500_page_stands_alone_and_still_gives_crisis_help(rf):
    from django.views.defaults import server_error

    source = (Path(settings.BASE_DIR) / "templates" / "500.html").read_text()
    # No base template, no static files, no request context: nothing that can fail again.
    assert "{% extends" not in source and "static" not in source
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="tel:988"' in html and 'href="tel:911"' in html
    assert "reference" not in html


def test_500_page_gives_the_request_id_to_quote(rf):
    from iopfinder.api_errors import server_error

    request = rf.get("/")
    request.request_id = "abc123def456"
    html = server_error(request).content.decode()
    assert "mention reference abc123def456" in html and 'href="tel:988"' in html


def test_programme_page_says_when_it_was_last_verified_near_the_top(client, full_program):
    html = detail(client, full_program)
    assert html.index(f"on {RECENTLY_TEXT} our team confirmed") < html.index(
        "Contact and how to start"
    )
