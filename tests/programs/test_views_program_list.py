"""The directory page /programs/: filter form, result cards, pagination, bad input."""

import datetime
import re

import pytest
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from programs.models import Condition, Insurance, Program
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory
from tests.programs.cards import card_names

pytestmark = pytest.mark.django_db

NEWARK = {"city": "Newark", "state": "NJ", "zip_code": "07102", "latitude": 40.7357}


def get(client, query: str = "", **params) -> str:
    response = client.get("/programs/?" + query if query else "/programs/", params)
    assert response.status_code == 200
    return response.content.decode()


def results(html: str) -> str:
    """The results column only (the filter form also mentions miles, names of filters...)."""
    return html.split('<section id="results" aria-labelledby="results-title" class="results"')[
        1
    ].split("</section>")[0]


@pytest.fixture
def newark_program(db):
    program = ProgramFactory(
        name="Newark Morning IOP",
        organization="Garden State Health",
        delivery=Program.Delivery.HYBRID,
        conditions=["alcohol-use"],
        insurance=["cigna"],
        accepting_new_patients=False,
    )
    LocationFactory(program=program, longitude=-74.1724, **NEWARK)
    WeeklySessionFactory(
        program=program, weekday=5, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    return program


# --- results ---------------------------------------------------------------------


def test_search_by_zip_shows_count_place_and_cards_with_distance(client, manhattan_program):
    html = get(client, near="10001")
    assert "1 programme found" in html
    assert "within 25 miles of New York, NY 10001" in html
    assert card_names(html) == ["Midtown Evening IOP"]
    assert "New York, NY · <strong>under 0.1 miles</strong>" in html


def test_distance_is_shown_to_one_decimal_in_miles(client, manhattan_program, newark_program):
    html = get(client, near="10001")
    assert card_names(html) == ["Midtown Evening IOP", "Newark Morning IOP"]
    assert re.search(r"Newark, NJ · <strong>9\.\d miles</strong>", html)


def test_without_near_no_distance_is_shown(client, manhattan_program):
    html = results(get(client))
    assert "Midtown Evening IOP" in html
    assert "miles" not in html


def test_card_shows_what_a_seeker_compares(client, manhattan_program):
    card = results(get(client, near="10001"))
    for text in [
        "Harbor Light Behavioral Health",
        "New York, NY",
        "<dd>In person</dd>",
        "Evenings · Mon, Wed, Fri",
        "Depression, Anxiety",
        "Aetna, Medicaid",
        "Accepting new patients",
    ]:
        assert text in card, text
    assert "Demo listing" not in card


def test_card_for_a_waitlisted_hybrid_programme(client, newark_program):
    card = results(get(client))
    assert "Hybrid (in person and virtual)" in card
    assert "Weekends · Sat" in card
    assert "Waitlist" in card and "Accepting new patients" not in card


def test_card_lists_only_the_top_four_conditions(client):
    ProgramFactory(
        conditions=["depression", "anxiety", "ocd", "ptsd-trauma", "bipolar"], insurance=["aetna"]
    )
    assert "and more" in results(get(client))


def test_card_names_every_time_of_day_in_order_and_the_other_sites(client, manhattan_program):
    for weekday, hour in [(5, 10), (0, 9), (2, 18)]:  # Saturday, Monday morning, Wednesday
        WeeklySessionFactory(
            program=manhattan_program,
            weekday=weekday,
            start_time=datetime.time(hour),
            end_time=datetime.time(hour + 2),
        )
    LocationFactory(program=manhattan_program, longitude=-74.1724, **NEWARK)
    manhattan_program.insurance.add(
        *Insurance.objects.filter(slug__in=["cigna", "humana", "tricare"])
    )
    card = results(get(client, near="10001"))
    assert "Mornings / Evenings / Weekends · Mon, Wed, Fri, Sat" in card
    assert "New York, NY" in card and "(and 1 more site)" in card
    assert "<dd>Aetna, Cigna / Evernorth, Humana, Medicaid and more</dd>" in card


def test_demo_programmes_are_tagged_in_the_list(client):
    ProgramFactory(name="Demo IOP", source=Program.Source.DEMO)
    ProgramFactory(name="Real IOP")
    html = results(get(client))
    demo, real = html.split('<article class="card program-card"')[1:]
    assert "Demo listing: not a real programme" in demo
    assert "Demo listing" not in real


def test_only_published_programmes_are_listed(client, manhattan_program):
    ProgramFactory(name="Draft IOP", status=Program.Status.DRAFT)
    ProgramFactory(name="Archived IOP", status=Program.Status.ARCHIVED)
    assert card_names(get(client)) == ["Midtown Evening IOP"]


def test_sort_by_last_verified_puts_the_freshest_first(client):
    ProgramFactory(name="Old", last_verified_on=datetime.date(2020, 1, 1))
    ProgramFactory(name="Never", last_verified_on=None)
    ProgramFactory(name="New", last_verified_on=datetime.date(2026, 1, 1))
    assert card_names(get(client, sort="verified")) == ["New", "Old", "Never"]
    assert card_names(get(client, sort="name")) == ["Never", "New", "Old"]


def test_sort_by_distance_puts_the_nearest_first(client, manhattan_program, newark_program):
    html = get(client, near="07102", radius="30", sort="distance")
    assert card_names(html) == ["Newark Morning IOP", "Midtown Evening IOP"]


# --- the filter form ---------------------------------------------------------------


def test_filter_form_is_a_get_form_in_fieldsets_with_legends(client):
    html = get(client)
    form = html.split('<form method="get" action="/programs/"')[1].split("</form>")[0]
    for legend in ["Where", "What you need", "About you", "Search and sort"]:
        assert f"<legend>{legend}</legend>" in form
    for legend in ["Condition", "Therapy or service", "Insurance", "When you can attend"]:
        assert f'<legend class="visually-hidden">{legend}</legend>' in form
    for name in ["near", "radius", "format", "age", "accepting", "q", "sort"]:
        assert f'name="{name}"' in form
    assert '<select name="format"' in form and '<select name="sort"' in form
    assert 'type="checkbox" name="condition" value="depression"' in form
    assert 'type="checkbox" name="time" value="evening"' in form


def test_every_form_control_has_a_label(client):
    html = get(client)
    ids = re.findall(r'<(?:input|select)[^>]+id="([^"]+)"', html)
    assert len(ids) > 20
    for control_id in ids:
        assert f'for="{control_id}"' in html, control_id


def test_the_form_remembers_the_search(client, manhattan_program):
    html = get(client, "near=10001&radius=10&condition=depression&time=evening&accepting=on")
    assert 'name="near" value="10001"' in html
    assert 'name="radius" value="10"' in html
    assert re.search(r'name="condition" value="depression"[^>]*checked', html)
    assert re.search(r'name="time" value="evening"[^>]*checked', html)
    assert re.search(r'name="accepting"[^>]*checked', html)
    assert "(1 chosen)" in html


CHECKBOX_FIELDS = [
    "level",
    "condition",
    "modality",
    "insurance",
    "time",
    "sign",
    "population",
    "language",
]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "condition=depression&condition=anxiety&time=evening&insurance=aetna&language=es",
        "condition=not-a-slug&time=midnight&population=adults",
    ],
    ids=["blank", "ticked", "errors"],
)
def test_checkboxes_are_the_markup_djangos_widget_renders(client, query):
    response = client.get("/programs/?" + query)
    html = response.content.decode()
    form = response.context["form"]
    lists = re.findall(r'<div class="checkbox-list">(.*?)</div></div>\s*</fieldset>', html, re.S)
    assert len(lists) == len(CHECKBOX_FIELDS)
    rendered = {re.search(r'<div id="id_(\w+)">', block).group(1): block for block in lists}
    for name in CHECKBOX_FIELDS:
        if name == "level" and "level=" not in query:
            continue  # shown with IOP ticked, the default (test_levels.py)
        # The same labels, values, ids, checked state and aria-invalid, option by option.
        assert parse_html(rendered[name] + "</div>") == parse_html(str(form[name])), name
    assert (
        'aria-invalid="true"' in rendered["condition"]
        if "not-a-slug" in query
        else 'aria-invalid="true"' not in html
    )


def test_the_filters_list_a_term_as_soon_as_it_is_added_renamed_or_removed(client):
    assert "Gambling" not in get(client)
    term = Condition.objects.create(slug="gambling", name="Gambling")
    assert 'name="condition" value="gambling"' in get(client)
    term.name = "Gambling disorder"
    term.save()
    assert "Gambling disorder" in get(client)
    term.delete()
    assert "Gambling" not in get(client)


PLAIN_FIELDS = ["near", "radius", "format", "age", "q", "sort"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "near=10001&radius=5&format=virtual&age=30&q=%22Caf%C3%A9%22+%3Cb%3E&sort=name&accepting=on",
        "near=zzz&radius=0&format=x&age=abc&sort=bad",
        "near=%3Cscript%3E&radius=9999&accepting=maybe",
    ],
    ids=["blank", "filled", "errors", "more-errors"],
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_plain_fields_are_the_markup_djangos_field_group_renders(client, query, language):
    response = client.get("/programs/?" + query, HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    form = response.context["form"]
    with translation.override(language):
        for name in PLAIN_FIELDS:
            # Label, help text, errors, value, aria-invalid and aria-describedby, as Django
            # writes them, character for character.
            field = form[name]
            group = f'<div class="field{" field--error" if field.errors else ""}">'
            assert group + str(field.as_field_group()) + "</div>" in html, name
        accepting = form["accepting"]
        assert str(accepting.errors) + str(accepting) in html


def test_sort_select_offers_distance_name_and_verified(client):
    html = get(client)
    for value in ["distance", "name", "verified"]:
        assert f'<option value="{value}"' in html


# --- bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("near=00000", "near", "We couldn&#x27;t find the ZIP code 00000"),
        # A real military ZIP the package places at 0,0: said so, not "0.0 miles from you".
        ("near=09001", "near", "We can&#x27;t place the ZIP code 09001 on a map"),
        ("near=Nowhere%2C+ZZ", "near", "Nowhere, ZZ"),
        ("radius=abc", "radius", "Enter a number."),
        ("radius=0", "radius", "greater than or equal to 1"),
        ("radius=10000", "radius", "less than or equal to 500"),
        ("age=x", "age", "Enter a number."),
        ("age=-1", "age", "greater than or equal to 0"),
        ("age=300", "age", "less than or equal to 120"),
        ("condition=not-a-slug", "condition", "not-a-slug"),
        ("modality=telepathy", "modality", "telepathy"),
        ("insurance=acme", "insurance", "acme"),
        ("language=klingon", "language", "klingon"),
        ("population=martians", "population", "martians"),
        ("format=car", "format", "Select a valid choice"),
        ("time=midnight", "time", "Select a valid choice"),
        ("sort=price", "sort", "Select a valid choice"),
        ("accepting=maybe", "accepting", "Use “true” or “false”."),
    ],
)
def test_bad_parameter_gives_a_message_by_the_field_and_no_results(
    client, manhattan_program, query, field, message
):
    html = get(client, query + "&near=10001" if field != "near" else query)
    summary = html.split('id="form-errors"')[1].split("</div>")[0]
    assert 'role="alert"' in html
    assert "Please check your search" in summary
    assert f'href="#id_{field}"' in summary and message in summary
    by_field = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert by_field and message in by_field.group(1)
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error"', html)
    assert "Fix the search to see programmes" in html
    assert card_names(html) == []
    assert "result-list" not in html


def test_several_bad_parameters_are_all_reported(client):
    html = get(client, "near=00000&radius=abc&age=300")
    summary = html.split('id="form-errors"')[1].split("</div>")[0]
    assert summary.count("<li>") == 3


@pytest.mark.parametrize("page", ["9999", "2"])
def test_page_past_the_end_shows_the_last_page_with_a_notice(client, manhattan_program, page):
    html = get(client, page=page)
    assert "There is only 1 page of results, so here it is." in html
    assert card_names(html) == ["Midtown Evening IOP"]


def test_page_past_the_end_of_several_pages_says_how_many(client, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    for index in range(5):
        ProgramFactory(name=f"IOP {index}")
    html = get(client, page="9999")
    assert "There are only 3 pages of results, so here is the last one." in html
    assert card_names(html) == ["IOP 4"]


@pytest.mark.parametrize("page", ["abc", "0", "-3", "1.5"])
def test_page_that_is_not_a_page_number_shows_the_first_page(client, manhattan_program, page):
    html = get(client, page=page)
    assert "That page number wasn&#x27;t valid, so here is the first page." in html
    assert card_names(html) == ["Midtown Evening IOP"]


def test_pagination_links_keep_the_other_parameters(client, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    for index in range(5):
        program = ProgramFactory(name=f"IOP {index}", conditions=["depression"])
        LocationFactory(program=program)
    html = get(client, "near=10001&condition=depression&page=2")
    assert "Page 2 of 3" in html
    assert 'href="?near=10001&amp;condition=depression&amp;page=1"' in html
    assert 'href="?near=10001&amp;condition=depression&amp;page=3"' in html
    assert '<ol class="result-list" start="3">' in html
    assert card_names(html) == ["IOP 2", "IOP 3"]


# --- nothing found ------------------------------------------------------------------


def follow(client, html: str, label: str) -> str:
    query = re.search(rf'<a href="\?([^"]*)">{label}</a>', html)
    assert query, f"no link {label!r}"
    return get(client, query.group(1).replace("&amp;", "&"))


def test_empty_result_offers_a_wider_radius_that_finds_programmes(client, newark_program):
    html = get(client, near="10001", radius="5")
    assert "No programmes match all of these choices yet." in html
    assert card_names(follow(client, html, "Search within 50 miles")) == ["Newark Morning IOP"]


def test_empty_result_offers_virtual_programmes_for_the_state(client):
    ProgramFactory(name="Telehealth IOP", delivery="virtual", licensed_states=["NY"])
    html = get(client, near="10001")
    assert card_names(follow(client, html, "Show virtual programmes for your state")) == [
        "Telehealth IOP"
    ]


def test_empty_result_offers_to_drop_the_other_filters(client, manhattan_program):
    html = get(client, "near=10001&condition=eating-disorders&time=weekend")
    found = follow(client, html, "Keep the place, clear the other filters")
    assert card_names(found) == ["Midtown Evening IOP"]
    assert 'name="near" value="10001"' in found


def test_empty_virtual_search_offers_in_person_programmes(client, manhattan_program):
    html = get(client, "near=10001&format=virtual")
    assert "Search within" not in html
    found = follow(client, html, "Include in-person programmes nearby")
    assert card_names(found) == ["Midtown Evening IOP"]


def test_empty_result_without_a_place_offers_to_clear_filters(client, manhattan_program):
    html = get(client, "condition=eating-disorders")
    assert card_names(follow(client, html, "Clear the filters")) == ["Midtown Evening IOP"]


def test_empty_result_at_the_widest_radius_does_not_offer_the_same_radius(client):
    html = get(client, near="10001", radius="500")
    assert "Search within" not in html
    assert "Show virtual programmes for your state" in html


# --- queries ------------------------------------------------------------------------


def make_programmes(count: int) -> None:
    for _ in range(count):
        program = ProgramFactory(conditions=["depression", "anxiety"], insurance=["aetna"])
        LocationFactory(program=program)
        WeeklySessionFactory(program=program)


@pytest.mark.parametrize("query", ["", "near=10001", "near=10001&condition=depression&sort=name"])
def test_directory_query_count_does_not_grow_with_results(client, query):
    make_programmes(2)
    with CaptureQueriesContext(connection) as few:
        get(client, query)
    make_programmes(10)
    with CaptureQueriesContext(connection) as many:
        html = get(client, query)
    assert len(card_names(html)) == 12
    assert len(many) == len(few)


def test_directory_page_needs_a_handful_of_queries(client, django_assert_max_num_queries):
    make_programmes(12)
    # The first page a process shows also reads its copy of the vocabularies (six queries).
    with django_assert_max_num_queries(12):
        get(client, near="10001")
    # Then: the page and its total, the cards' sites, sessions and directory records, every
    # card's terms of every vocabulary in one query, and the filters' choices in one more,
    # whatever the number of results.
    with django_assert_max_num_queries(6):
        get(client, near="10002")


def test_card_names_the_site_nearest_the_seeker(client, manhattan_program):
    LocationFactory(program=manhattan_program, longitude=-74.1724, **NEWARK)
    html = results(get(client, near="07102"))
    assert re.search(r"Newark, NJ · <strong>0\.\d miles</strong>", html)
    assert "(and 1 more site)" in html
    assert "New York, NY · <strong>" in results(get(client, near="10001"))


def test_default_sort_is_best_match_nearest_first_with_a_place(
    client, manhattan_program, newark_program
):
    html = get(client, near="07102")
    assert '<option value="" selected>Best match</option>' in html
    assert card_names(html) == ["Newark Morning IOP", "Midtown Evening IOP"]
    assert card_names(get(client)) == ["Midtown Evening IOP", "Newark Morning IOP"]


def test_page_title_says_when_the_search_needs_fixing(client):
    assert "<title>Please check your search: " in get(client, near="00000")
    assert "<title>Programmes near New York, NY 10001 · IOPfinder</title>" in get(
        client, near="10001"
    )
