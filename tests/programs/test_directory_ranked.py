"""The directory's page, ranked on the search rows alone, lists what the FilterSet lists.

``program_directory_page`` ranks a search with a place on the search table and reads only
the page's programmes (``program_ranked_rows``); the FilterSet's own queryset (what the API
lists) joins every match to its programme. For any search over a varied catalogue both
must give the same programmes in the same order, with the same distances, total, page and
notice; and a card's schedule read from the search rows' mask says what its sessions say.
"""

import datetime
import random

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs import levels as care_levels
from programs.attached import ATTRIBUTE, SCHEDULE_ATTRIBUTE, related
from programs.models import Program, ProgramSearch, WeeklySession
from programs.schedule import TimeOfDay
from programs.search import mask, session_bit
from programs.selectors import (
    program_directory_page,
    program_filterset,
    program_page,
    program_ranked_rows,
)
from programs.signs import Sign
from programs.templatetags.programs_tags import schedule_summary
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db

# Around Manhattan and Newark (within a few miles of each other), and one far away.
SITES = [
    ("New York", "NY", "10001", 40.7484, -73.9967),
    ("New York", "NY", "10013", 40.7209, -74.0007),
    ("Brooklyn", "NY", "11201", 40.6943, -73.9918),
    ("Newark", "NJ", "07102", 40.7357, -74.1724),
    ("Jersey City", "NJ", "07302", 40.7178, -74.0431),
    ("Yonkers", "NY", "10701", 40.9312, -73.8988),
    ("Austin", "TX", "78701", 30.2711, -97.7437),
]
NAMES = ["Harbor IOP", "Bridge IOP", "Harbor IOP", "Evening Path", "Anchor Day Program"]
CONDITIONS = ["depression", "anxiety", "alcohol-use", "co-occurring", "ptsd-trauma"]
INSURANCE = ["aetna", "medicaid", "self-pay"]
MODALITIES = ["cbt", "dbt", "moud", "moud-accepted"]
ACCREDITATIONS = ["joint-commission", "carf", "state-licensed"]
LANGUAGES = ["en", "es"]
POPULATIONS = ["veterans", "young-adults"]
TIMES = [datetime.time(9, 0), datetime.time(13, 30), datetime.time(18, 0)]
LEVELS = [
    care_levels.Level.IOP,
    care_levels.Level.IOP | care_levels.Level.PHP,
    care_levels.Level.PHP,
    care_levels.Level.OUTPATIENT,
]


def _some(rng: random.Random, terms: list[str]) -> list[str]:
    return rng.sample(terms, rng.randint(0, len(terms)))


@pytest.fixture
def catalogue(db):
    """A few dozen programmes that differ in everything the directory filters and sorts on,
    with ties: shared names, shared sites (equal distances), shared verification dates."""
    rng = random.Random(12)
    for index in range(36):
        min_age, max_age = rng.choice([(0, None), (13, 17), (18, None), (18, 64), (0, 64)])
        program = ProgramFactory(
            name=rng.choice(NAMES) if index % 3 else f"Programme {index:02d}",
            slug=f"programme-{index}",
            delivery=rng.choice(list(Program.Delivery.values)),
            accepting_new_patients=rng.choice([True, False, None]),
            min_age=min_age,
            max_age=max_age,
            levels=int(rng.choice(LEVELS)),
            last_verified_on=rng.choice(
                [None, datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)]
            ),
            conditions=_some(rng, CONDITIONS),
            insurance=_some(rng, INSURANCE),
            modalities=_some(rng, MODALITIES),
            accreditations=_some(rng, ACCREDITATIONS),
            languages=_some(rng, LANGUAGES),
            populations=_some(rng, POPULATIONS),
            licensed_states=rng.sample(["NY", "NJ", "TX"], rng.randint(0, 2)),
        )
        for city, state, zip_code, latitude, longitude in rng.sample(SITES, rng.randint(0, 3)):
            LocationFactory(
                program=program,
                city=city,
                state=state,
                zip_code=zip_code,
                latitude=latitude,
                longitude=longitude,
            )
        for _ in range(rng.randint(0, 3)):
            WeeklySessionFactory(
                program=program, weekday=rng.randint(0, 6), start_time=rng.choice(TIMES)
            )
    ProgramFactory(name="Draft IOP", status=Program.Status.DRAFT)
    return Program.objects.filter(status=Program.Status.PUBLISHED).count()


def _listed(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), max_size=2, unique=True)


searches = st.fixed_dictionaries(
    {
        "near": st.sampled_from(["10001", "07102", "11201", "78701", "Austin, TX"]),
        "radius": st.sampled_from(["", "1", "3", "10", "25", "500"]),
        "format": st.sampled_from(["", "in_person", "virtual"]),
        "level": _listed([info.code for info in care_levels.LEVELS]),
        "condition": _listed(CONDITIONS),
        "insurance": _listed(INSURANCE),
        "modality": _listed(MODALITIES),
        "language": _listed(LANGUAGES),
        "population": _listed(POPULATIONS),
        "time": _listed(list(TimeOfDay.values)),
        "sign": _listed(list(Sign.values)),
        "age": st.sampled_from(["", "15", "30", "70"]),
        "accepting": st.sampled_from(["", "on"]),
        "q": st.sampled_from(["", "", "", "Harbor"]),
        "sort": st.sampled_from(["", "distance", "name", "verified"]),
        "page": st.sampled_from(["", "1", "2", "3", "40", "0", "x"]),
    }
)


def _query(search: dict) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, value in search.items():
        if key != "page":
            params.setlist(key, value if isinstance(value, list) else [value])
    return params


def _shown(result) -> tuple:
    page = result.page
    return (
        [(program.pk, getattr(program, "distance_miles", None)) for program in page],
        page.paginator.count,
        page.number,
        result.notice,
    )


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(search=searches)
def test_the_directory_page_lists_what_the_filterset_lists(catalogue, search):
    filterset = program_filterset(params=_query(search))
    assert filterset.is_valid(), filterset.errors
    expected = program_page(
        queryset=filterset.qs.prefetch_related(None), page=search["page"], per_page=4
    )
    shown = program_directory_page(filterset=filterset, page=search["page"], per_page=4)
    assert _shown(shown) == _shown(expected)


@pytest.mark.parametrize(
    "query",
    [
        "near=10001",
        "near=10001&radius=25&condition=depression&insurance=aetna",
        "near=07102&format=virtual",
        "near=07102&format=in_person&sort=verified&level=iop&level=php",
        "near=11201&sort=name&sign=evidence_based",
    ],
)
def test_a_search_with_a_place_is_ranked_on_the_search_rows(catalogue, query):
    filterset = program_filterset(params=QueryDict(query))
    assert filterset.is_valid()
    rows = program_ranked_rows(filterset=filterset)
    assert rows is not None and rows.model is ProgramSearch
    expected = [program.pk for program in filterset.qs]
    assert expected, "the catalogue should have something to list"
    assert [row["program_id"] for row in rows] == expected


@pytest.mark.parametrize("query", ["", "condition=depression", "near=10001&q=Harbor"])
def test_a_search_without_a_place_or_with_words_is_left_to_the_filterset(catalogue, query):
    filterset = program_filterset(params=QueryDict(query))
    assert filterset.is_valid()
    assert program_ranked_rows(filterset=filterset) is None


def test_a_card_shows_the_same_schedule_from_the_search_rows(catalogue):
    filterset = program_filterset(params=QueryDict("near=10001&radius=500&level=iop&level=php"))
    assert filterset.is_valid()
    page = program_directory_page(filterset=filterset, page=1, per_page=50).page
    assert len(page) > 5
    for program in page:
        from_sessions = Program.objects.get(pk=program.pk)
        assert related(program, "locations") == list(from_sessions.locations.all())
        assert schedule_summary(program) == schedule_summary(from_sessions)


@settings(max_examples=300, deadline=None)
@given(sessions=st.lists(st.tuples(st.integers(0, 6), st.times()), max_size=6))
def test_a_schedule_mask_summarises_as_its_sessions_do(sessions):
    from_sessions = Program(pk=1)
    setattr(
        from_sessions,
        ATTRIBUTE,
        {
            "sessions": [
                WeeklySession(weekday=day, start_time=start, end_time=start)
                for day, start in sessions
            ]
        },
    )
    from_mask = Program(pk=1)
    setattr(from_mask, SCHEDULE_ATTRIBUTE, mask(session_bit(day, start) for day, start in sessions))
    assert schedule_summary(from_mask) == schedule_summary(from_sessions)


def test_a_programme_unpublished_while_its_search_rows_list_it_is_left_out(catalogue):
    filterset = program_filterset(params=QueryDict("near=10001&radius=500&level=iop&level=php"))
    assert filterset.is_valid()
    listed = [program.pk for program in filterset.qs]
    withdrawn = listed[1]
    # Written without its service, as between the rows' read and the programmes' read.
    Program.objects.filter(pk=withdrawn).update(status=Program.Status.ARCHIVED)
    page = program_directory_page(filterset=filterset, page=1, per_page=4).page
    assert [program.pk for program in page] == [pk for pk in listed[:4] if pk != withdrawn]


def test_every_directory_filter_is_applied_on_the_ranked_page_or_left_to_the_filterset():
    """A filter added to the FilterSet must say where it is applied (programs/filters.py), so
    the HTML page (ranked on the search rows) and the API (the FilterSet's queryset) list the
    same programmes."""
    from programs.filters import (
        BOTH_FILTERS,
        FILTER_QUERYSET_ONLY,
        ROW_FILTERS,
        ProgramFilterSet,
    )

    placed = ROW_FILTERS | BOTH_FILTERS | FILTER_QUERYSET_ONLY
    assert set(ProgramFilterSet.base_filters) == placed
    assert len(placed) == len(ROW_FILTERS) + len(BOTH_FILTERS) + len(FILTER_QUERYSET_ONLY)
