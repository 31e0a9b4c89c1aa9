"""match_programs: hard constraints, ranking, explanations, and property tests."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.intake import Intake
from matching.screening import screen
from matching.services import match_programs
from programs.geo import geocode
from programs.levels import Level
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory
from tests.matching.conftest import make_intake

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)


def slugs(result) -> list[str]:
    return [match.program.slug for match in result.results]


def test_match_ranks_the_best_fit_first_and_explains_why(evening_cbt_program):
    weaker = ProgramFactory(
        name="Morning DBT IOP", conditions=["anxiety"], modalities=["dbt"], insurance=["cigna"]
    )
    LocationFactory(program=weaker)
    WeeklySessionFactory(program=weaker, start_time=datetime.time(9), end_time=datetime.time(12))
    result = match_programs(
        intake=make_intake(therapies=("cbt",), insurance="aetna", availability=("evening",)),
        today=TODAY,
    )
    assert result.level_of_care.level == "iop"
    assert [m.program.name for m in result.results] == ["Evening CBT IOP", "Morning DBT IOP"]
    best = result.results[0]
    assert best.score == 100
    texts = [reason.text for reason in best.reasons]
    assert "Offers evening sessions" in texts and "Accepts Aetna" in texts and "Offers CBT" in texts
    assert "No CBT" in [r.text for r in result.results[1].unmatched]


def test_match_excludes_programmes_outside_the_radius(evening_cbt_program):
    austin = ProgramFactory(conditions=["depression"])
    LocationFactory(
        program=austin,
        city="Austin",
        state="TX",
        zip_code="78701",
        latitude=30.27,
        longitude=-97.74,
    )
    assert slugs(match_programs(intake=make_intake(format="in_person"))) == [
        evening_cbt_program.slug
    ]


def test_virtual_programmes_must_be_licensed_in_the_seekers_state(db):
    ny = ProgramFactory(
        name="NY Virtual", delivery="virtual", licensed_states=["NY"], conditions=["depression"]
    )
    ProgramFactory(
        name="CA Virtual", delivery="virtual", licensed_states=["CA"], conditions=["depression"]
    )
    result = match_programs(intake=make_intake(format="virtual"))
    assert slugs(result) == [ny.slug]
    assert result.results[0].distance_miles is None


@pytest.mark.parametrize(
    ("program_kwargs", "intake_kwargs"),
    [
        ({"status": "draft"}, {}),
        ({"status": "archived"}, {}),
        ({"accepting_new_patients": False}, {}),
        ({"min_age": 13, "max_age": 17}, {"age": 30}),
        ({"min_age": 18}, {"age": 16}),
        ({"insurance": ["cigna"]}, {"insurance": "aetna", "insurance_required": True}),
        ({"languages": ["en"]}, {"language": "es", "language_required": True}),
        ({"delivery": "virtual", "licensed_states": ["NY"]}, {"format": "in_person"}),
    ],
)
def test_hard_constraints_exclude_programmes(program_kwargs, intake_kwargs):
    program = ProgramFactory(conditions=["depression"], **program_kwargs)
    LocationFactory(program=program)
    assert slugs(match_programs(intake=make_intake(**intake_kwargs))) == []


def test_waitlisted_programmes_appear_when_the_seeker_accepts_a_waitlist(db):
    program = ProgramFactory(accepting_new_patients=False)
    LocationFactory(program=program)
    result = match_programs(intake=make_intake(accept_waitlist=True))
    assert slugs(result) == [program.slug]
    assert "Has a waitlist" in [r.text for r in result.results[0].unmatched]


def test_required_private_carrier_is_met_by_a_generic_private_insurance_listing(db):
    program = ProgramFactory(insurance=["private-insurance"])
    LocationFactory(program=program)
    result = match_programs(intake=make_intake(insurance="aetna", insurance_required=True))
    assert slugs(result) == [program.slug]


def test_crisis_returns_no_programmes(evening_cbt_program):
    result = match_programs(intake=make_intake(suicidal_thoughts=True, suicide_plan=True))
    assert result.level_of_care.level == "crisis" and result.results == ()


def test_higher_care_lists_programmes_that_give_more_care_not_iops_alone(evening_cbt_program):
    step_up = ProgramFactory(
        name="Step-Up IOP", conditions=["depression"], levels=Level.IOP | Level.PHP
    )
    LocationFactory(program=step_up)
    result = match_programs(intake=make_intake(needs_withdrawal_support=True))
    assert result.level_of_care.level == "higher_care"
    assert [match.program.name for match in result.results] == ["Step-Up IOP"]


def test_empty_result_suggests_what_to_relax(db):
    result = match_programs(
        intake=make_intake(format="in_person", insurance="aetna", insurance_required=True)
    )
    assert result.results == ()
    text = " ".join(suggestion.text for suggestion in result.suggestions)
    assert "Travel further" in text and "virtual" in text and "insurance" in text


def test_ties_are_broken_by_distance_then_name(db):
    for name, lat in (("B twin", 40.7484), ("A twin", 40.7484), ("Nearer", 40.7490)):
        program = ProgramFactory(name=name, conditions=["depression", "anxiety"])
        LocationFactory(program=program, latitude=lat)
    first = [m.program.name for m in match_programs(intake=make_intake(), today=TODAY).results]
    again = [m.program.name for m in match_programs(intake=make_intake(), today=TODAY).results]
    assert first == again
    assert first.index("A twin") < first.index("B twin")


def test_query_count_does_not_grow_with_candidates(django_assert_max_num_queries):
    for index in range(15):
        program = ProgramFactory(name=f"P{index}", conditions=["depression"], modalities=["cbt"])
        LocationFactory(program=program)
        WeeklySessionFactory(program=program)
    with django_assert_max_num_queries(20):
        result = match_programs(intake=make_intake(therapies=("cbt",), availability=("evening",)))
    assert len(result.results) == 15


# --- properties ---------------------------------------------------------------

CONDITIONS = ["depression", "anxiety", "ptsd-trauma", "alcohol-use", "co-occurring"]
THERAPIES = ["cbt", "dbt", "emdr", "act"]
INSURERS = ["aetna", "cigna", "medicaid", "self-pay", "private-insurance"]
PLACES = {"10001": geocode("10001"), "07102": geocode("07102"), "78701": geocode("78701")}

intakes = st.builds(
    lambda conditions, substance, severity, therapies, fmt, zip_code, radius, insurance, required, times, age, language, language_required, waitlist: (
        Intake(
            conditions=tuple(conditions),
            substance_use=substance,
            severity=severity,
            therapies=tuple(therapies),
            format=fmt,
            location=zip_code,
            radius=radius,
            insurance=insurance,
            insurance_required=required and bool(insurance),
            availability=tuple(times),
            age=age,
            language=language,
            language_required=language_required and bool(language),
            accept_waitlist=waitlist,
            place=PLACES[zip_code],
        )
    ),
    st.lists(st.sampled_from(CONDITIONS), min_size=1, max_size=3, unique=True),
    st.booleans(),
    st.sampled_from(["mild", "moderate", "severe"]),
    st.lists(st.sampled_from(THERAPIES), max_size=2, unique=True),
    st.sampled_from(["in_person", "virtual", "either"]),
    st.sampled_from(sorted(PLACES)),
    st.integers(1, 60),
    st.sampled_from(["", *INSURERS]),
    st.booleans(),
    st.lists(
        st.sampled_from(["morning", "afternoon", "evening", "weekend"]), max_size=2, unique=True
    ),
    st.one_of(st.none(), st.integers(12, 80)),
    st.sampled_from(["", "en", "es"]),
    st.booleans(),
    st.booleans(),
)


@pytest.fixture
def varied_catalogue(db):
    from django.core.management import call_command

    call_command("seed_demo", "--programs", "60", "--seed", "5")
    programs = []
    for index, (zip_code, delivery) in enumerate(
        [("10001", "in_person"), ("07102", "hybrid"), ("78701", "virtual")]
    ):
        place = PLACES[zip_code]
        program = ProgramFactory(
            name=f"Property IOP {index}",
            delivery=delivery,
            licensed_states=[place.state],
            conditions=CONDITIONS[index : index + 3],
            modalities=THERAPIES[index : index + 2],
            insurance=INSURERS[index : index + 2],
            languages=["en", "es"][: index + 1],
            min_age=13 if index == 1 else 18,
            max_age=40 if index == 1 else None,
            accepting_new_patients=index != 2,
        )
        LocationFactory(
            program=program,
            city=place.city,
            state=place.state,
            zip_code=zip_code,
            latitude=place.latitude,
            longitude=place.longitude,
        )
        WeeklySessionFactory(
            program=program, weekday=index * 2, start_time=datetime.time(9 + 4 * index)
        )
        programs.append(program)
    return programs


def assert_hard_constraints(intake: Intake, match) -> None:
    from programs.geo import distance_miles

    program = match.program
    assert program.status == "published"
    assert program.accepting_new_patients is not False or intake.accept_waitlist
    # The level of care screened to decides which levels are candidates (IOPs by default).
    assert program.levels & screen(intake).plan.levels
    if intake.age is not None:
        assert program.min_age <= intake.age and (
            program.max_age is None or intake.age <= program.max_age
        )
    if intake.insurance_required:
        accepted = {i.slug for i in program.insurance.all()}
        assert (
            intake.insurance in accepted
            or ("private-insurance" in accepted and intake.insurance in {"aetna", "cigna"})
            or (
                intake.insurance == "private-insurance"
                and accepted
                & {
                    "aetna",
                    "cigna",
                    "anthem",
                    "blue-cross-blue-shield",
                    "humana",
                    "kaiser-permanente",
                    "unitedhealthcare",
                    "magellan",
                    "carelon",
                }
            )
        )
    if intake.language_required:
        assert intake.language in {language.slug for language in program.languages.all()}
    in_person_ok = program.delivery in ("in_person", "hybrid") and any(
        distance_miles(intake.place.latitude, intake.place.longitude, loc.latitude, loc.longitude)
        <= intake.radius + 0.01
        for loc in program.locations.all()
    )
    virtual_ok = program.delivery in ("virtual", "hybrid") and intake.place.state in {
        s.code for s in program.licensed_states.all()
    }
    allowed = {
        "in_person": in_person_ok,
        "virtual": virtual_ok,
        "either": in_person_ok or virtual_ok,
    }
    assert allowed[intake.format], (program.name, intake.format)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(intake=intakes)
def test_property_hard_constraints_hold_and_scores_stay_in_range(varied_catalogue, intake):
    result = match_programs(intake=intake, today=TODAY)
    for match in result.results:
        assert 0 <= match.score <= 100
        assert_hard_constraints(intake, match)
        for reason in match.reasons:
            assert 0 <= reason.points <= reason.max_points


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    intake=intakes,
    extra=st.sampled_from(["therapy", "condition", "insurance", "session", "population"]),
)
def test_property_satisfying_one_more_preference_never_lowers_the_score(
    varied_catalogue, intake, extra
):
    from matching.rules import Context, score
    from matching.selectors import vocabulary_load

    vocabulary = vocabulary_load()
    program = varied_catalogue[0]
    context = Context(distance_miles=1.0, today=TODAY, vocabulary=vocabulary)
    before, _ = score(intake, program, context)
    if extra == "therapy" and intake.therapies:
        from programs.models import Modality

        program.modalities.add(Modality.objects.get(slug=intake.therapies[0]))
    elif extra == "condition":
        from programs.models import Condition

        program.conditions.add(*Condition.objects.filter(slug__in=intake.conditions))
    elif extra == "insurance" and intake.insurance:
        from programs.models import Insurance

        program.insurance.add(Insurance.objects.get(slug=intake.insurance))
    elif extra == "session" and intake.availability:
        band = intake.availability[0]
        weekday, hour = {
            "morning": (0, 9),
            "afternoon": (1, 13),
            "evening": (2, 18),
            "weekend": (5, 10),
        }[band]
        WeeklySessionFactory(
            program=program,
            weekday=weekday,
            start_time=datetime.time(hour),
            end_time=datetime.time(hour + 2),
        )
    elif extra == "population" and intake.populations:
        from programs.models import Population

        program.populations.add(Population.objects.get(slug=intake.populations[0]))
    from programs.models import Program

    fresh = Program.objects.prefetch_related(
        "conditions", "modalities", "insurance", "populations", "languages", "sessions"
    ).get(pk=program.pk)
    after, _ = score(intake, fresh, context)
    assert after >= before


def test_the_page_shown_carries_the_same_relations_as_the_database(manhattan_program):
    from matching.selectors import programs_for_page
    from programs.models import Program

    bare = ProgramFactory(name="Bare IOP", conditions=[], insurance=[])
    relations = ["locations", "sessions", "conditions", "modalities", "insurance"]
    loaded = programs_for_page(
        ids=[manhattan_program.pk, bare.pk], relations=[*relations, "populations", "languages"]
    )
    for program in (manhattan_program, bare):
        fresh = Program.objects.get(pk=program.pk)
        candidate = loaded[program.pk]
        for relation in ("conditions", "modalities", "insurance", "populations", "languages"):
            assert list(getattr(candidate, relation).all()) == list(
                getattr(fresh, relation).all()
            ), relation
        assert list(candidate.sessions.all()) == list(fresh.sessions.all())
        assert list(candidate.locations.all()) == list(fresh.locations.all())
    assert loaded[bare.pk].conditions.all().count() == 0
