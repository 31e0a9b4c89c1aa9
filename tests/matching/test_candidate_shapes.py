"""The candidates' SQL is compiled once per shape of intake; later intakes only bind values.

Whatever the values, the bound SQL and parameters must be exactly what compiling that
intake through the ORM gives (same text, same parameters, same types), or every seeker of a
shape would be matched against another seeker's place, age or insurance.
"""

import itertools

import pytest
from django.core.exceptions import EmptyResultSet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.intake import Format
from matching.selectors import (
    CANDIDATE_SHAPES,
    CandidatesShape,
    Reach,
    candidates_for,
    compile_candidates,
)
from programs.levels import Level


def exactly(candidates):
    return candidates.sql, [(type(value), value) for value in candidates.params]


reaches = st.builds(
    Reach,
    format=st.sampled_from([Format.IN_PERSON, Format.VIRTUAL, Format.EITHER]),
    levels=st.sampled_from([Level.IOP, Level.IOP | Level.PHP]),
    accept_waitlist=st.booleans(),
    # Up to the antimeridian and the poles, where the bounding box is clamped.
    latitude=st.floats(-89.9, 89.9),
    longitude=st.floats(-180.0, 180.0),
    radius=st.sampled_from([5, 10, 25, 50, 100, 500, 12.5, 25.0]),
    state=st.sampled_from(["NY", "CA", "AK", "TX"]),
    age=st.none() | st.integers(0, 120),
    insurance=st.none() | st.integers(1, 2**40),
    language=st.none() | st.integers(1, 2**20),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reach=reaches)
def test_a_shape_binds_the_same_sql_and_parameters_as_compiling_the_intake(reach):
    assert exactly(candidates_for(reach)) == exactly(compile_candidates(reach))


def test_every_shape_is_learned_not_compiled_each_time():
    for format_, radius, waitlist, age, insurance, language in itertools.product(
        [Format.IN_PERSON, Format.VIRTUAL, Format.EITHER],
        [25, 12.5],
        [True, False],
        [None, 30],
        [None, 6],
        [None, 2],
    ):
        reach = Reach(
            format=format_,
            levels=Level.IOP,
            accept_waitlist=waitlist,
            latitude=40.75,
            longitude=-73.99,
            radius=radius,
            state="NY",
            age=age,
            insurance=insurance,
            language=language,
        )
        assert CandidatesShape.learn(reach) is not None, reach
        candidates_for(reach)
        assert CANDIDATE_SHAPES[reach.shape()] is not None


@pytest.mark.parametrize("field", ["insurance", "language"])
def test_no_matching_term_is_compiled_as_before(field):
    # A mask without bits is a filter nothing can meet: the ORM refuses to compile it.
    reach = Reach(
        format=Format.EITHER,
        levels=Level.IOP,
        accept_waitlist=False,
        latitude=40.75,
        longitude=-73.99,
        radius=25,
        state="NY",
        **{field: 0},
    )
    with pytest.raises(EmptyResultSet):
        compile_candidates(reach)
    with pytest.raises(EmptyResultSet):
        candidates_for(reach)
