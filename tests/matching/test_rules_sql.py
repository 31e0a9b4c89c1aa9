"""Each rule's fast form (SQL over the search table) gives the points its check() gives.

Random catalogues and intakes, on whichever database the tests run on (SQLite and
PostgreSQL in CI): the points per rule, the score, the set of programmes found and the
order the database ranks them in must all equal what the rule objects say in Python.
"""

import datetime

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from matching.intake import Intake
from matching.rules import Context, Role, evaluate, rank_key
from matching.rules_sql import SqlContext, fast_forms
from matching.selectors import match_candidates, match_ranked_page, vocabulary_load
from programs.geo import geocode
from programs.levels import Level
from programs.models import Program
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)

CONDITIONS = ["depression", "anxiety", "ptsd-trauma", "alcohol-use", "opioid-use", "co-occurring"]
THERAPIES = ["cbt", "dbt", "emdr", "act", "family-therapy", "relapse-prevention", "moud"]
INSURERS = ["aetna", "cigna", "medicaid", "self-pay", "private-insurance"]
POPULATIONS = ["veterans", "lgbtq", "young-adults"]
LANGUAGES = ["en", "es", "zh"]
GOALS = ["coping-skills", "keep-working", "stay-sober", "step-down", "trauma-work"]
TIMES = ["morning", "afternoon", "evening", "weekend"]
PLACES = {"10001": geocode("10001"), "07102": geocode("07102"), "78701": geocode("78701")}


def subset(items: list[str], max_size: int = 3):
    return st.lists(st.sampled_from(items), max_size=max_size, unique=True)


programme_specs = st.fixed_dictionaries(
    {
        "conditions": subset(CONDITIONS, 4),
        "modalities": subset(THERAPIES, 4),
        "insurance": subset(INSURERS, 3),
        "populations": subset(POPULATIONS, 2),
        "languages": subset(LANGUAGES, 2),
        "delivery": st.sampled_from(["in_person", "virtual", "hybrid"]),
        "accepting_new_patients": st.sampled_from([True, False, None]),
        "ages": st.sampled_from([(18, None), (13, 17), (0, None), (18, 25), (65, None)]),
        "hours_per_week": st.sampled_from([None, 6, 9, 12, 15, 20]),
        "last_verified_on": st.sampled_from(
            [None, datetime.date(2026, 10, 1), datetime.date(2025, 1, 5), TODAY]
        ),
        "levels": st.sampled_from(
            [
                Level.IOP,
                Level.IOP | Level.PHP,
                Level.IOP | Level.OUTPATIENT,
                Level.PHP,
                Level.OUTPATIENT,
                Level.RESIDENTIAL | Level.WITHDRAWAL,
                Level.INPATIENT,
            ]
        ),
        "sliding_scale": st.booleans(),
        "licensed_states": subset(["NY", "NJ", "TX"], 3),
        # (ZIP, miles north of it): sites near each test place, some beyond a short radius.
        "sites": st.lists(st.tuples(st.sampled_from(sorted(PLACES)), st.floats(0, 40)), max_size=2),
        "sessions": st.lists(
            st.tuples(st.integers(0, 6), st.sampled_from([8, 10, 13, 15, 17, 19])), max_size=4
        ),
    }
)

intakes = st.builds(
    lambda conditions, substance, severity, therapies, goals, fmt, zip_code, radius, insurance, required, times, age, language, language_required, populations, waitlist: (
        Intake(
            conditions=tuple(conditions),
            substance_use=substance,
            severity=severity,
            therapies=tuple(therapies),
            goals=tuple(goals),
            format=fmt,
            location=zip_code,
            radius=radius,
            insurance=insurance,
            insurance_required=required and bool(insurance),
            availability=tuple(times),
            age=age,
            language=language,
            language_required=language_required and bool(language),
            populations=tuple(populations),
            accept_waitlist=waitlist,
            place=PLACES[zip_code],
        )
    ),
    st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=3, unique=True),
    st.booleans(),
    st.sampled_from(["mild", "moderate", "severe"]),
    subset(THERAPIES, 3),
    subset(GOALS, 3),
    st.sampled_from(["in_person", "virtual", "either"]),
    st.sampled_from(sorted(PLACES)),
    st.integers(1, 60),
    st.sampled_from(["", *INSURERS]),
    st.booleans(),
    subset(TIMES, 2),
    st.one_of(st.none(), st.integers(12, 80)),
    st.sampled_from(["", *LANGUAGES]),
    st.booleans(),
    subset(POPULATIONS, 2),
    st.booleans(),
)


def build(index: int, spec: dict) -> Program:
    min_age, max_age = spec["ages"]
    program = ProgramFactory(
        name=f"Random IOP {index % 3}",  # repeated names: ties fall to the id
        slug=f"random-iop-{index}",
        conditions=spec["conditions"],
        modalities=spec["modalities"],
        insurance=spec["insurance"],
        populations=spec["populations"],
        languages=spec["languages"],
        licensed_states=spec["licensed_states"],
        delivery=spec["delivery"],
        accepting_new_patients=spec["accepting_new_patients"],
        min_age=min_age,
        max_age=max_age,
        hours_per_week=spec["hours_per_week"],
        last_verified_on=spec["last_verified_on"],
        levels=spec["levels"],
        sliding_scale=spec["sliding_scale"],
    )
    for zip_code, north in spec["sites"]:
        place = PLACES[zip_code]
        LocationFactory(
            program=program,
            state=place.state,
            zip_code=zip_code,
            latitude=place.latitude + north / 69.0,
            longitude=place.longitude,
        )
    for weekday, hour in spec["sessions"]:
        WeeklySessionFactory(
            program=program,
            weekday=weekday,
            start_time=datetime.time(hour),
            end_time=datetime.time(hour + 2),
        )
    return program


def fast_form_rows(candidates, forms) -> list[dict]:
    """Each candidate's points and misses by rule, as the fast forms compute them in SQL."""
    columns = ["program_id", "distance"]
    for name, form in forms.items():
        columns.append(f"{form.points} AS points_{name}")
        if form.missed is not None:
            columns.append(f"{form.missed} AS missed_{name}")
    with connection.cursor() as cursor:
        sql = f"SELECT {', '.join(columns)} FROM ({candidates.sql}) AS candidate"  # noqa: S608
        cursor.execute(sql, candidates.params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def python_ranking(intake: Intake, found: dict[int, float | None]) -> list[tuple]:
    """Every programme found, with its reasons, sorted by ``rules.rank_key`` in Python."""
    vocabulary = vocabulary_load()
    programs = Program.objects.filter(pk__in=found).prefetch_related(
        "conditions", "modalities", "insurance", "populations", "languages", "sessions"
    )
    ranked = []
    for program in programs:
        distance = found[program.pk]
        context = Context(distance_miles=distance, today=TODAY, vocabulary=vocabulary)
        reasons = evaluate(intake, program, context)
        key = (*rank_key(reasons, distance), program.name, program.pk)
        ranked.append((key, reasons))
    ranked.sort(key=lambda item: item[0])
    return ranked


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # Each example writes a catalogue: shrinking one takes minutes, and the examples are
    # small enough to read as they are.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(catalogue=st.lists(programme_specs, min_size=1, max_size=6), intake=intakes)
def test_fast_forms_give_the_points_and_the_order_of_the_rules(db, catalogue, intake):
    with transaction.atomic():
        for index, spec in enumerate(catalogue):
            build(index, spec)
        vocabulary = vocabulary_load()
        context = SqlContext.load(vocabulary, TODAY)
        forms = fast_forms(intake, context)
        rows = fast_form_rows(match_candidates(intake=intake, context=context), forms)
        found = {row["program_id"]: row["distance"] for row in rows}
        expected = python_ranking(intake, found)
        reasons_by_id = {key[-1]: reasons for key, reasons in expected}
        for row in rows:
            reasons = reasons_by_id[row["program_id"]]
            for name, form in forms.items():
                mine = [reason for reason in reasons if reason.criterion == name]
                assert all(reason.role is form.role for reason in mine), name
                assert row[f"points_{name}"] == pytest.approx(
                    sum(reason.points for reason in mine)
                ), name
                if form.role is Role.STATED:  # only a stated preference can be missed
                    missed = any(reason.met is False for reason in mine)
                    assert bool(row.get(f"missed_{name}", False)) == missed, name
        page = match_ranked_page(
            intake=intake, vocabulary=vocabulary, today=TODAY, offset=0, limit=50
        )
        assert [row.program_id for row in page.rows] == [key[-1] for key, _ in expected]
        assert page.total == len(expected)
        transaction.set_rollback(True)
