"""The haversine expression compiles to the SQL of the ORM expression tree it replaced.

``HaversineMiles`` is one node standing for ~30 (``programs.querysets``); whatever the point
and however it is used (an annotation, a filter, an aggregate, through a relation), its SQL
and parameters must be those of the tree, so distances and their order cannot change.
"""

import math

import pytest
from django.db.models import F, FloatField, Min, Q, Value
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.db.models.lookups import LessThanOrEqual
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.geo import EARTH_RADIUS_MILES, distance_miles
from programs.models import Location, Program, ProgramSearch
from programs.querysets import haversine_miles
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def haversine_tree(latitude: float, longitude: float, prefix: str = "") -> ExpressionWrapper:
    """The expression tree ``haversine_miles`` used to build (the readable form)."""
    lat_field, lng_field = F(f"{prefix}latitude"), F(f"{prefix}longitude")
    lat0 = math.radians(latitude)
    lng0 = math.radians(longitude)
    half_dlat = (Radians(lat_field) - Value(lat0)) / Value(2.0)
    half_dlng = (Radians(lng_field) - Value(lng0)) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Value(math.cos(lat0)) * Cos(Radians(lat_field)) * Power(
        Sin(half_dlng), 2
    )
    return ExpressionWrapper(
        Value(2.0 * EARTH_RADIUS_MILES) * ASin(Sqrt(a)), output_field=FloatField()
    )


def compiled(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, [(type(value), value) for value in params]


USES = {
    "annotation": lambda distance: Location.objects.annotate(distance=distance),
    "filter": lambda distance: ProgramSearch.objects.filter(Q(LessThanOrEqual(distance, 25.0))),
    "nearest": lambda distance: ProgramSearch.objects.values("program_id").annotate(
        distance=Min(distance)
    ),
    "through a relation": lambda distance: Program.objects.annotate(distance=Min(distance)),
}


@settings(max_examples=60, deadline=None)
@given(
    latitude=st.floats(-89.9, 89.9),
    longitude=st.floats(-180.0, 180.0),
    use=st.sampled_from(list(USES)),
)
def test_the_haversine_expression_compiles_as_the_tree(latitude, longitude, use):
    prefix = "search_rows__" if use == "through a relation" else ""
    fast = USES[use](haversine_miles(latitude, longitude, prefix))
    tree = USES[use](haversine_tree(latitude, longitude, prefix))
    assert compiled(fast) == compiled(tree)


def test_the_database_gives_the_distance_python_gives():
    LocationFactory(latitude=40.7357, longitude=-74.1724)
    (miles,) = Location.objects.annotate(distance=haversine_miles(40.7484, -73.9967)).values_list(
        "distance", flat=True
    )
    assert miles == pytest.approx(distance_miles(40.7484, -73.9967, 40.7357, -74.1724))
