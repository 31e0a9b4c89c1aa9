"""Chainable, side-effect-free filters over the catalogue."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models import Exists, Expression, F, FloatField, OuterRef, Q, Subquery, Value

from programs.geo import EARTH_RADIUS_MILES, bounding_box
from programs.schedule import session_q

if TYPE_CHECKING:
    from programs.geo import Place

# Which ways of delivering care (Program.Delivery values) meet in person, and which online.
IN_PERSON_DELIVERIES = ("in_person", "hybrid")
VIRTUAL_DELIVERIES = ("virtual", "hybrid")


def haversine_miles(latitude: float, longitude: float, prefix: str = "") -> HaversineMiles:
    """A database expression: miles from (latitude, longitude) to a row's coordinates."""
    return HaversineMiles(latitude, longitude, prefix)


class HaversineMiles(Expression):
    """Miles from a point to a row's ``latitude`` and ``longitude`` (the haversine formula).

    The SQL is what Django compiles ``2R * ASin(Sqrt(Power(Sin((Radians(lat) - lat0) / 2),
    2) + cos(lat0) * Cos(Radians(lat)) * Power(Sin((Radians(lng) - lng0) / 2), 2)))`` to,
    with the same parameters (``tests/programs/test_haversine.py`` builds that tree and
    compares): one node to resolve and compile instead of ~30. A directory search uses it
    twice (the radius and the nearest site); the tree was 1.5 of its 3.4 ms of building.
    """

    output_field = FloatField()

    def __init__(self, latitude: float, longitude: float, prefix: str = "") -> None:
        super().__init__(output_field=FloatField())
        self.latitude, self.longitude = latitude, longitude
        self.columns = [F(f"{prefix}latitude"), F(f"{prefix}longitude")]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        lat, lat_params = compiler.compile(self.columns[0])
        lng, lng_params = compiler.compile(self.columns[1])
        lat0, lng0 = math.radians(self.latitude), math.radians(self.longitude)
        sql = (
            f"(%s * ASIN(SQRT((POWER(SIN(((RADIANS({lat}) - %s) / %s)), %s) + "
            f"((%s * COS(RADIANS({lat}))) * POWER(SIN(((RADIANS({lng}) - %s) / %s)), %s))))))"
        )
        params = [
            *[2.0 * EARTH_RADIUS_MILES, *lat_params, lat0, 2.0, 2, math.cos(lat0)],
            *[*lat_params, *lng_params, lng0, 2.0, 2],
        ]
        return sql, params


def nearest_site_miles(place: Place, program: str = "pk") -> Subquery:
    """Miles from ``place`` to the nearest site of the programme whose id the outer query
    names ``program`` (None for a programme without a located site)."""
    from programs.models import Location

    nearest = (
        Location.objects.filter(program=OuterRef(program), latitude__isnull=False)
        .annotate(distance=haversine_miles(place.latitude, place.longitude))
        .order_by("distance")
        .values("distance")[:1]
    )
    return Subquery(nearest)


class LocationQuerySet(models.QuerySet):
    def within(self, place: Place, miles: float) -> LocationQuerySet:
        """Locations within ``miles`` of ``place``, annotated with ``distance``.

        The bounding box lets the (latitude, longitude) index discard most rows before
        the exact great-circle distance is computed.
        """
        min_lat, max_lat, min_lng, max_lng = bounding_box(place.latitude, place.longitude, miles)
        return (
            self.filter(
                latitude__gte=min_lat,
                latitude__lte=max_lat,
                longitude__gte=min_lng,
                longitude__lte=max_lng,
            )
            .annotate(distance=haversine_miles(place.latitude, place.longitude))
            .filter(distance__lte=miles)
        )


class ProgramQuerySet(models.QuerySet):
    def published(self) -> ProgramQuerySet:
        return self.filter(status="published")

    def near(self, place: Place, miles: float) -> ProgramQuerySet:
        """Programmes with a site within ``miles``, annotated with ``distance_miles``.

        The filter is an ``IN`` over the sites inside the radius rather than a correlated
        ``EXISTS``: the database starts from the (latitude, longitude) index and touches only
        nearby programmes, instead of testing every programme in the catalogue.
        """
        from programs.models import Location

        inside = Location.objects.within(place, miles)
        nearest = inside.filter(program=OuterRef("pk")).order_by("distance").values("distance")[:1]
        return self.filter(pk__in=inside.values("program_id")).annotate(
            distance_miles=Subquery(nearest)
        )

    def with_distance_from(self, place: Place) -> ProgramQuerySet:
        """Annotate ``distance_miles`` to the nearest site (None for programmes without one)."""
        return self.annotate(distance_miles=nearest_site_miles(place))

    def in_person(self) -> ProgramQuerySet:
        return self.filter(delivery__in=IN_PERSON_DELIVERIES)

    def virtual(self) -> ProgramQuerySet:
        return self.filter(delivery__in=VIRTUAL_DELIVERIES)

    def virtual_in_state(self, state: str) -> ProgramQuerySet:
        """Virtual or hybrid programmes licensed to treat people living in ``state``."""
        return self.virtual().filter(
            Exists(
                self.model.licensed_states.through.objects.filter(
                    program_id=OuterRef("pk"), state_id=state
                )
            )
        )

    def meets_at(self, bands: Iterable[str]) -> ProgramQuerySet:
        """Programmes with at least one weekly session in any of the times of day given."""
        from programs.models import WeeklySession

        condition = Q()
        for band in bands:
            condition |= session_q(band)
        if not condition:
            return self
        return self.filter(Exists(WeeklySession.objects.filter(condition, program=OuterRef("pk"))))

    def for_age(self, age: int) -> ProgramQuerySet:
        return self.filter(Q(min_age__lte=age), Q(max_age__isnull=True) | Q(max_age__gte=age))

    def _with_any(self, relation: str, terms: Iterable[object]) -> ProgramQuerySet:
        """Programmes linked to any of the terms (instances or slugs), without duplicate rows.

        Terms are resolved to ids first, so the database probes the through table's unique
        (program, term) index instead of joining the vocabulary table for every programme.
        """
        field = getattr(self.model, relation).field
        through = field.remote_field.through
        target = field.remote_field.model
        terms = list(terms)
        ids = [term.pk for term in terms if not isinstance(term, str)]
        slugs = [term for term in terms if isinstance(term, str)]
        if slugs:
            ids += list(target.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        return self.filter(
            Exists(
                through.objects.filter(
                    program_id=OuterRef("pk"), **{f"{target._meta.model_name}_id__in": ids}
                )
            )
        )

    def treating(self, slugs: Iterable[object]) -> ProgramQuerySet:
        return self._with_any("conditions", slugs)

    def offering(self, slugs: Iterable[object]) -> ProgramQuerySet:
        return self._with_any("modalities", slugs)

    def accepting_insurance(self, slugs: Iterable[object]) -> ProgramQuerySet:
        return self._with_any("insurance", slugs)

    def speaking(self, slugs: Iterable[object]) -> ProgramQuerySet:
        return self._with_any("languages", slugs)

    def serving(self, slugs: Iterable[object]) -> ProgramQuerySet:
        return self._with_any("populations", slugs)

    def search(self, text: str) -> ProgramQuerySet:
        """Full-text search: PostgreSQL's ranked search there, word matching elsewhere."""
        from programs.models import Location

        text = text.strip()
        if not text:
            return self
        city_match = Exists(Location.objects.filter(program=OuterRef("pk"), city__iexact=text))
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            vector = (
                SearchVector("name", weight="A", config="english")
                + SearchVector("organization", weight="B", config="english")
                + SearchVector("description", weight="C", config="english")
            )
            query = SearchQuery(text, search_type="websearch", config="english")
            return self.annotate(
                search_document=vector, search_rank=SearchRank(vector, query)
            ).filter(Q(search_document=query) | city_match)
        words = [word for word in text.split() if word]
        condition = Q()
        for word in words:
            condition &= (
                Q(name__icontains=word)
                | Q(organization__icontains=word)
                | Q(description__icontains=word)
                | Exists(Location.objects.filter(program=OuterRef("pk"), city__icontains=word))
            )
        return self.filter(condition | city_match).annotate(search_rank=Value(1.0))

    def for_listing(self) -> ProgramQuerySet:
        """What a result card shows, fetched in a fixed number of queries."""
        # Modalities, accreditations and directory records: the card's signs of quality.
        return self.prefetch_related(
            "locations",
            "sessions",
            "conditions",
            "insurance",
            "modalities",
            "accreditations",
            "directory_records",
        )

    def for_detail(self) -> ProgramQuerySet:
        return self.prefetch_related(
            "locations",
            "sessions",
            "conditions",
            "modalities",
            "insurance",
            "languages",
            "populations",
            "accreditations",
            "licensed_states",
            "directory_records",
        )
