"""The public pages a seeker sees: home, directory, programme page."""

import datetime

import pytest
from django.urls import reverse

from programs.models import Program
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db


def test_home_explains_iops_offers_both_ways_in_and_crisis_help(client):
    html = client.get("/").content.decode()
    assert "Browse programmes" in html
    assert "Get matched" in html
    assert 'href="tel:988"' in html and 'href="tel:911"' in html
    assert "3 to 5 days a week" in html


def test_every_page_shows_crisis_help(client, manhattan_program):
    for url in [
        "/",
        "/programs/",
        manhattan_program.get_absolute_url(),
        "/match/",
        "/programs/missing/",
    ]:
        html = client.get(url).content.decode()
        assert "Call or text" in html and 'href="tel:988"' in html, url


def test_directory_search_by_zip_shows_cards_with_distance(client, manhattan_program):
    html = client.get("/programs/", {"near": "10001"}).content.decode()
    assert "1 programme found" in html
    assert "Midtown Evening IOP" in html
    assert "within 25 miles of New York, NY 10001" in html
    assert "under 0.1 miles" in html
    assert "Evenings · Mon, Wed, Fri" in html


def test_directory_without_near_shows_no_distance(client, manhattan_program):
    html = client.get("/programs/").content.decode()
    assert "Midtown Evening IOP" in html
    assert "miles" not in html.split("results-title")[1].split("</section>")[0].replace(
        "Search within", ""
    )


def test_unknown_zip_shows_a_clear_message_and_no_results(client, manhattan_program):
    response = client.get("/programs/", {"near": "00000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "We couldn&#x27;t find the ZIP code 00000" in html
    assert "Midtown Evening IOP" not in html
    assert 'role="alert"' in html


@pytest.mark.parametrize(
    "query",
    [
        "radius=abc",
        "age=300",
        "condition=nope",
        "page=abc&near=99999",
        "sort=price",
        "time=midnight",
        "format=car",
    ],
)
def test_bad_parameters_never_break_the_page(client, manhattan_program, query):
    response = client.get("/programs/?" + query)
    assert response.status_code == 200
    assert "Please check your search" in response.content.decode()


def test_page_out_of_range_shows_the_last_page_with_a_notice(client, manhattan_program):
    response = client.get("/programs/", {"page": "9999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "here is the last one" in html
    assert "Midtown Evening IOP" in html


def test_page_that_is_not_a_number_shows_the_first_page(client, manhattan_program):
    html = client.get("/programs/", {"page": "abc"}).content.decode()
    assert "here is the first page" in html and "Midtown Evening IOP" in html


def test_pagination_links_keep_the_search(client, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    for index in range(5):
        LocationFactory(program=ProgramFactory(name=f"IOP {index}", conditions=["depression"]))
    html = client.get("/programs/", {"near": "10001", "condition": "depression"}).content.decode()
    assert "Page 1 of 3" in html
    assert "near=10001&amp;condition=depression&amp;page=2" in html


def test_empty_search_suggests_what_to_relax(client, manhattan_program):
    html = client.get("/programs/", {"near": "78701", "condition": "depression"}).content.decode()
    assert "No programmes match" in html
    assert "Search within 50 miles" in html
    assert "format=virtual" in html
    assert "Keep the place, clear the other filters" in html


def test_directory_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    for index in range(12):
        program = ProgramFactory(
            name=f"IOP {index}", conditions=["depression", "anxiety"], insurance=["aetna"]
        )
        LocationFactory(program=program)
        WeeklySessionFactory(program=program)
    with django_assert_max_num_queries(12):
        response = client.get("/programs/", {"near": "10001"})
    assert response.content.decode().count('class="card program-card"') == 12


def test_programme_page_shows_what_a_seeker_needs_to_decide_and_call(client, manhattan_program):
    manhattan_program.intake_notes = "Call for a free assessment."
    manhattan_program.self_pay_cost_usd = 6500
    manhattan_program.sliding_scale = True
    manhattan_program.save()
    manhattan_program.accreditations.set([])
    html = client.get(manhattan_program.get_absolute_url()).content.decode()
    for text in [
        "Midtown Evening IOP",
        "Weekly sessions",
        "Monday",
        "Wednesday",
        "Friday",
        "6:00 PM–9:00 PM",
        "Depression",
        "Cognitive behavioural therapy",
        "Group therapy",
        "Aetna",
        "Medicaid",
        "Spanish",
        "18 and over",
        "About $6,500 for the whole programme",
        "Sliding-scale fees",
        'href="tel:(555) 010-2001"',
        "Call for a free assessment.",
        "Last verified",
        "1 October 2026",
        "Entered by IOPfinder staff",
        "8 to 12 weeks",
        "Accepting new patients",
        "350 Fifth Avenue",
    ]:
        assert text in html, text


def test_programme_page_for_imported_listing_says_it_is_unconfirmed(client):
    program = ProgramFactory(
        source=Program.Source.SAMHSA_2022, source_id="x1", last_verified_on=None
    )
    html = client.get(program.get_absolute_url()).content.decode()
    assert "SAMHSA National Directory 2022" in html
    assert "have not yet been confirmed by the programme" in html
    assert "Not yet verified" in html


def test_demo_programmes_are_clearly_labelled(client):
    program = ProgramFactory(source=Program.Source.DEMO)
    LocationFactory(program=program)
    assert "Demo listing" in client.get(program.get_absolute_url()).content.decode()
    assert "Demo listing" in client.get("/programs/").content.decode()


def test_virtual_programme_page_lists_states_it_may_treat_in(client):
    program = ProgramFactory(delivery=Program.Delivery.VIRTUAL, licensed_states=["NY", "TX"])
    html = client.get(program.get_absolute_url()).content.decode()
    assert "New York" in html and "Texas" in html


@pytest.mark.parametrize("status", [Program.Status.DRAFT, Program.Status.ARCHIVED])
def test_unpublished_programmes_are_not_found(client, status):
    program = ProgramFactory(status=status)
    response = client.get(reverse("programs:detail", kwargs={"slug": program.slug}))
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_pages_have_no_inline_scripts_styles_or_event_handlers(client, manhattan_program):
    import re

    for url in ["/", "/programs/?near=10001", manhattan_program.get_absolute_url(), "/match/"]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_form_controls_are_labelled(client):
    import re

    html = client.get("/programs/").content.decode()
    ids = re.findall(r'<input[^>]+id="([^"]+)"', html) + re.findall(
        r'<select[^>]+id="([^"]+)"', html
    )
    assert ids
    for control_id in ids:
        assert f'for="{control_id}"' in html, control_id


def test_last_verified_sort_is_offered(client):
    ProgramFactory(name="Old", last_verified_on=datetime.date(2020, 1, 1))
    ProgramFactory(name="New", last_verified_on=datetime.date(2026, 1, 1))
    html = client.get("/programs/", {"sort": "verified"}).content.decode()
    assert html.index(">New<") < html.index(">Old<")
