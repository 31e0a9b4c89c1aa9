"""Every directory filter, alone and combined, through the shared FilterSet."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict

from programs.models import Program
from programs.selectors import program_filterset
from tests.factories import LocationFactory, ProgramFactory
from tests.programs.filter_cases import EACH_FILTER_ALONE

pytestmark = pytest.mark.django_db


def names(query: str) -> list[str]:
    filterset = program_filterset(params=QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    return [program.name for program in filterset.qs]


def errors(query: str) -> dict:
    filterset = program_filterset(params=QueryDict(query))
    assert not filterset.is_valid()
    return filterset.errors


def test_directory_lists_only_published_programmes_by_name(catalogue):
    assert names("") == [
        "Austin Afternoon IOP",
        "Manhattan Evening IOP",
        "Newark Morning IOP",
        "Telehealth IOP",
    ]


def test_near_zip_keeps_programmes_within_the_default_25_miles_nearest_first(catalogue):
    assert names("near=10001") == ["Manhattan Evening IOP", "Newark Morning IOP"]


def test_near_city_and_state_is_geocoded(catalogue):
    assert names("near=Austin, TX") == ["Austin Afternoon IOP"]


def test_radius_narrows_and_widens_the_search(catalogue):
    assert names("near=10001&radius=5") == ["Manhattan Evening IOP"]
    assert names("near=10001&radius=500") == ["Manhattan Evening IOP", "Newark Morning IOP"]
    assert names("near=78701&radius=1") == ["Austin Afternoon IOP"]


def test_results_near_a_place_carry_their_distance_in_miles(catalogue):
    filterset = program_filterset(params=QueryDict("near=10001"))
    distances = {p.name: p.distance_miles for p in filterset.qs}
    assert distances["Manhattan Evening IOP"] == pytest.approx(0, abs=0.1)
    assert distances["Newark Morning IOP"] == pytest.approx(9.3, abs=0.5)


@pytest.mark.parametrize(
    ("query", "expected"),
    EACH_FILTER_ALONE,
)
def test_each_filter_alone(catalogue, query, expected):
    assert names(query) == expected


def test_filters_combine(catalogue):
    assert names("near=10001&condition=depression&insurance=aetna&time=evening") == [
        "Manhattan Evening IOP"
    ]
    assert names("near=10001&condition=depression&insurance=cigna") == []


def test_virtual_near_a_place_keeps_programmes_licensed_in_that_state(catalogue):
    assert names("format=virtual&near=Austin, TX") == ["Telehealth IOP"]
    assert names("format=virtual&near=Boston, MA") == []


def test_text_search_matches_words_in_the_description(catalogue):
    assert names("q=skills") == ["Manhattan Evening IOP"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "sort=name",
            [
                "Austin Afternoon IOP",
                "Manhattan Evening IOP",
                "Newark Morning IOP",
                "Telehealth IOP",
            ],
        ),
        (
            "sort=verified",
            [
                "Newark Morning IOP",
                "Manhattan Evening IOP",
                "Telehealth IOP",
                "Austin Afternoon IOP",
            ],
        ),
        ("near=10001&sort=distance", ["Manhattan Evening IOP", "Newark Morning IOP"]),
        ("near=10001&sort=name", ["Manhattan Evening IOP", "Newark Morning IOP"]),
        (
            "sort=distance",
            [
                "Austin Afternoon IOP",
                "Manhattan Evening IOP",
                "Newark Morning IOP",
                "Telehealth IOP",
            ],
        ),
    ],
)
def test_sort_orders(catalogue, query, expected):
    assert names(query) == expected


def test_sort_by_distance_puts_the_nearest_first(catalogue):
    assert names("near=07102&radius=30") == ["Newark Morning IOP", "Manhattan Evening IOP"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("near=00000", "near", "couldn't find the ZIP code 00000"),
        ("near=Nowhere, ZZ", "near", "couldn't find Nowhere, ZZ"),
        ("near=!!!", "near", "five-digit ZIP code"),
        ("radius=abc", "radius", "Enter a number"),
        ("radius=0", "radius", "greater than or equal to 1"),
        ("radius=10000", "radius", "less than or equal to 500"),
        ("age=x", "age", "Enter a number"),
        ("age=-1", "age", "greater than or equal to 0"),
        ("age=300", "age", "less than or equal to 120"),
        ("condition=not-a-slug", "condition", "not-a-slug"),
        ("insurance=acme", "insurance", "acme"),
        ("format=car", "format", "Select a valid choice"),
        ("time=midnight", "time", "Select a valid choice"),
        ("sort=price", "sort", "Select a valid choice"),
        ("accepting=maybe", "accepting", "Use “true” or “false”."),
    ],
)
def test_bad_parameters_are_reported_on_their_field(catalogue, query, field, message):
    assert message in " ".join(errors(query)[field])


def test_empty_values_from_any_options_mean_no_filter(catalogue):
    assert names("near=&radius=&condition=&time=&sort=&age=&format=&q=") == names("")
    assert names("near=10001&condition=") == ["Manhattan Evening IOP", "Newark Morning IOP"]


@pytest.mark.parametrize("near", ["10001-1234", " 10001 ", "new york, ny", "New York,NY"])
def test_near_accepts_zip_plus_four_spaces_and_any_case(catalogue, near):
    assert names(urlencode({"near": near})) == [
        "Manhattan Evening IOP",
        "Newark Morning IOP",
    ]


def test_virtual_results_near_a_place_have_no_distance_when_they_have_no_site(catalogue):
    filterset = program_filterset(params=QueryDict("format=virtual&near=10001"))
    assert [(p.name, p.distance_miles) for p in filterset.qs] == [("Telehealth IOP", None)]


@pytest.fixture
def hybrid(catalogue):
    program = ProgramFactory(
        name="Brooklyn Hybrid IOP",
        delivery=Program.Delivery.HYBRID,
        licensed_states=["NY"],
        conditions=["ptsd-trauma"],
    )
    LocationFactory(
        program=program, city="Brooklyn", zip_code="11201", latitude=40.6943, longitude=-73.9903
    )
    return program


def test_hybrid_programmes_count_as_in_person_and_as_virtual(hybrid):
    assert "Brooklyn Hybrid IOP" in names("format=in_person")
    assert "Brooklyn Hybrid IOP" in names("format=virtual")
    assert names("format=virtual&near=10001") == ["Brooklyn Hybrid IOP", "Telehealth IOP"]
    assert names("format=in_person&near=10001&condition=ptsd-trauma") == ["Brooklyn Hybrid IOP"]


def test_virtual_search_ignores_the_radius_but_not_the_state(hybrid):
    # Telehealth IOP is licensed in NY and TX: a Texan sees it, a New Jersey resident does not.
    assert names("format=virtual&near=78701&radius=1") == ["Telehealth IOP"]
    assert names("format=virtual&near=07102") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "condition=depression&accepting=on&age=40",
            ["Austin Afternoon IOP", "Manhattan Evening IOP", "Telehealth IOP"],
        ),
        ("condition=depression&language=es&population=lgbtq", ["Manhattan Evening IOP"]),
        ("modality=dbt&time=weekend&age=15", ["Newark Morning IOP"]),
        ("modality=dbt&time=weekend&age=30", []),
        ("insurance=aetna&time=afternoon&near=Austin, TX", ["Austin Afternoon IOP"]),
        ("insurance=aetna&format=virtual", []),
        ("q=IOP&near=10001&radius=5", ["Manhattan Evening IOP"]),
        (
            "q=IOP&sort=verified",
            [
                "Newark Morning IOP",
                "Manhattan Evening IOP",
                "Telehealth IOP",
                "Austin Afternoon IOP",
            ],
        ),
        (
            "condition=depression&near=10001&accepting=on&sort=verified&time=evening&insurance=medicaid&language=en&modality=cbt&population=lgbtq&age=30&format=in_person&radius=10&q=Manhattan",
            ["Manhattan Evening IOP"],
        ),
    ],
)
def test_filters_combine_as_and_across_parameters(catalogue, query, expected):
    assert names(query) == expected


@pytest.mark.parametrize(
    "text", ["'; DROP TABLE programs_program; --", "a & b | !c", '"unbalanced', "%_%", "ünïcödé"]
)
def test_text_search_survives_punctuation_and_odd_characters(catalogue, text):
    assert names(urlencode({"q": text})) == []


def test_text_search_that_is_too_long_is_refused(catalogue):
    assert "at most 200 characters" in " ".join(errors("q=" + "x" * 201)["q"])


def test_text_search_needs_every_word(catalogue):
    assert names("q=Manhattan evening") == ["Manhattan Evening IOP"]
    assert names("q=Manhattan morning") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search")
def test_postgresql_search_understands_word_forms_and_ranks_name_matches_first(catalogue):
    # "depressed" and "depression" share a stem: PostgreSQL's english search finds it.
    assert names("q=depressed") == ["Manhattan Evening IOP"]
    ProgramFactory(name="Depression Recovery IOP")
    assert names("q=depression") == ["Depression Recovery IOP", "Manhattan Evening IOP"]
    assert names("q=depression&sort=name") == ["Depression Recovery IOP", "Manhattan Evening IOP"]


@pytest.mark.skipif(connection.vendor == "postgresql", reason="word matching off PostgreSQL")
def test_search_without_postgresql_matches_whole_and_partial_words(catalogue):
    assert names("q=depress") == ["Manhattan Evening IOP"]
    assert names("q=depressed") == []
    assert names("q=MANHATTAN") == ["Manhattan Evening IOP"]
