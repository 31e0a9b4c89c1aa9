"""The one FilterSet behind the HTML directory and the REST API.

Both read the same GET parameters, so a shared URL and an API call with the same
query return the same programmes in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Expression, F, Max, Min, Q, QuerySet
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from programs import levels as care_levels
from programs.geo import GeocodingError, Place, geocode
from programs.models import (
    Condition,
    Insurance,
    Language,
    Modality,
    Population,
    Program,
    ProgramSearch,
)
from programs.querysets import haversine_miles, nearest_site_miles
from programs.schedule import TimeOfDay
from programs.search import SearchConditions, terms_mask, vocabulary_bits
from programs.signs import Sign, sign_q


class PlaceField(forms.CharField):
    """A ZIP code or "City, ST", cleaned to a geocoded ``Place``."""

    def clean(self, value: Any) -> Place | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return geocode(text)
        except GeocodingError as error:
            raise forms.ValidationError(str(error), code="unknown_place") from error


class PlaceFilter(django_filters.Filter):
    field_class = PlaceField


class TickboxInput(forms.CheckboxInput):
    """A checkbox that hands the field its raw value, so ``?accepting=maybe`` is an error."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class TickboxField(forms.Field):
    """Ticked (``on``, ``true``, ``1``, ``yes``) or not (absent, empty, ``false``, ``0``, ``no``)."""

    widget = TickboxInput
    TICKED = frozenset({"on", "true", "1", "yes"})
    UNTICKED = frozenset({"", "off", "false", "0", "no"})

    def to_python(self, value: Any) -> bool | None:
        if value is None:
            return None
        text = str(value).strip().lower()
        if text in self.TICKED:
            return True
        if text in self.UNTICKED:
            return False
        raise forms.ValidationError(_("Use “true” or “false”."), code="invalid")


class TickboxFilter(django_filters.BooleanFilter):
    field_class = TickboxField


@dataclass(frozen=True)
class RowSearch:
    """What a directory search asks of the search rows (``ProgramFilterSet.row_search``)."""

    condition: Q  # empty: every published programme (no row to read)
    place: Place | None
    # With a place: each row's distance; the programme's is that of its nearest row inside
    # the radius. None with a place: virtual care in its state, the distance is the nearest
    # site's (``ProgramQuerySet.with_distance_from``).
    distance: Expression | None


# The order of a free-text search without another sort asked for: best match first.
RANK = "rank"


class Sort:
    DISTANCE = "distance"
    NAME = "name"
    VERIFIED = "verified"
    CHOICES = [
        (DISTANCE, _("Nearest first")),
        (NAME, _("Name (A-Z)")),
        (VERIFIED, _("Most recently verified")),
    ]


def _vocabulary_filter(model: type, label: str) -> django_filters.ModelMultipleChoiceFilter:
    return django_filters.ModelMultipleChoiceFilter(
        queryset=model.objects.all(),
        to_field_name="slug",
        label=label,
        method="filter_noop",
        widget=forms.CheckboxSelectMultiple,
    )


# Where each of the directory's filters is applied, for the two ways a page is found: the
# search rows' condition (``row_search``, used by both ``filter_queryset`` and
# ``ranked_rows``), the levels and signs (both, each on its own columns), the order (both,
# ``order_by``) and free text (``filter_queryset`` only: ``ranked_rows`` leaves such a search
# to it). A new filter must be placed here, and so in both (tests/programs/test_directory_ranked.py).
ROW_FILTERS = frozenset(
    ("near", "radius", "format", "condition", "modality", "insurance", "language", "population")
    + ("time", "age", "accepting")
)
BOTH_FILTERS = frozenset(("level", "sign", "sort"))
FILTER_QUERYSET_ONLY = frozenset(("q",))


class ProgramFilterSet(django_filters.FilterSet):
    near = PlaceFilter(
        label=_("Near (ZIP code or City, ST)"),
        method="filter_noop",
        help_text=_("For example 10001 or Austin, TX."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "size": 18}),
    )
    radius = django_filters.NumberFilter(
        label=_("Within (miles)"),
        method="filter_noop",
        help_text=format_lazy(
            _("Leave empty for {miles} miles."), miles=settings.DIRECTORY_DEFAULT_RADIUS_MILES
        ),
        min_value=1,
        max_value=settings.DIRECTORY_MAX_RADIUS_MILES,
    )
    condition = _vocabulary_filter(Condition, _("Condition"))
    modality = _vocabulary_filter(Modality, _("Therapy or service"))
    insurance = _vocabulary_filter(Insurance, _("Insurance"))
    language = _vocabulary_filter(Language, _("Language"))
    population = _vocabulary_filter(Population, _("Programme for"))
    level = django_filters.MultipleChoiceFilter(
        label=_("Level of care"),
        choices=care_levels.choices,
        method="filter_noop",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Intensive outpatient (IOP) unless you tick others."),
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"),
        choices=[("in_person", _("In person")), ("virtual", _("Virtual"))],
        method="filter_noop",
        empty_label=_("In person or virtual"),
    )
    time = django_filters.MultipleChoiceFilter(
        label=_("When you can attend"),
        choices=TimeOfDay.choices,
        method="filter_noop",
        widget=forms.CheckboxSelectMultiple,
    )
    sign = django_filters.MultipleChoiceFilter(
        label=_("Signs of quality"),
        choices=Sign.choices,
        method="filter_noop",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only programmes showing every sign ticked."),
    )
    age = django_filters.NumberFilter(
        label=_("Age"), method="filter_noop", min_value=0, max_value=120
    )
    accepting = TickboxFilter(
        label=_("Accepting new patients only"),
        method="filter_noop",
    )
    q = django_filters.CharFilter(
        label=_("Search by name or keyword"),
        method="filter_noop",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.CHOICES,
        method="filter_noop",
        # Nearest first with a place, best text match with a search, else by name.
        empty_label=_("Best match"),
    )

    class Meta:
        model = Program
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            # "Any" options in selects submit empty values; they mean "no filter".
            cleaned = QueryDict(mutable=True)
            for key, values in data.lists():
                kept = [value for value in values if value.strip()]
                if kept:
                    cleaned.setlist(key, kept)
            data = cleaned
        super().__init__(data, *args, **kwargs)

    # Each vocabulary parameter and the search-table column (and model) it filters.
    VOCABULARY_COLUMNS = {
        "condition": ("conditions", Condition),
        "modality": ("modalities", Modality),
        "insurance": ("insurance", Insurance),
        "language": ("languages", Language),
        "population": ("populations", Population),
    }

    # -- per-field methods ------------------------------------------------------

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        # Applied together in filter_queryset: every condition on the search rows must sit
        # in one filter() call so that they all read the same row.
        return queryset

    # -- parameters that work together -------------------------------------------

    @property
    def place(self) -> Place | None:
        data = getattr(self.form, "cleaned_data", {}) or {}
        return data.get("near")

    @property
    def radius_miles(self) -> float:
        data = getattr(self.form, "cleaned_data", {}) or {}
        radius = data.get("radius")
        return float(radius) if radius else float(settings.DIRECTORY_DEFAULT_RADIUS_MILES)

    @property
    def levels_mask(self) -> int:
        """The levels of care asked for; IOPs (the product's focus) when none are."""
        data = getattr(self.form, "cleaned_data", {}) or {}
        return care_levels.mask_of(data.get("level") or care_levels.DEFAULT_CODES)

    def chosen_terms(self, name: str) -> list[Any]:
        """The terms ticked in a vocabulary filter. Ticked terms clean to a list and none to
        Django's ``queryset.none()``, which would compile a query just to say it is empty."""
        value = self.form.cleaned_data.get(name)
        return value if isinstance(value, list) else []

    def row_search(
        self, rows: SearchConditions, bits: Mapping[str, Mapping[int, int]] | None = None
    ) -> RowSearch:
        """Every filter but the levels, signs and free text as one condition on the search rows.

        Without a place the condition reads each programme's single anchor row; with one it
        reads its sites inside the radius (the bounding box uses the search table's
        (latitude, longitude) index), or for virtual care its row for the place's state.
        ``rows`` names the rows from the programme (``search_rows__``, this FilterSet's own
        queryset) or from the rows themselves (the directory's page ranks them alone);
        ``bits``: every vocabulary's ``term_bits`` by model label, when the caller has them.
        """
        data = self.form.cleaned_data
        condition = Q()
        chosen = {name: self.chosen_terms(name) for name in self.VOCABULARY_COLUMNS}
        if bits is None:
            bits = vocabulary_bits() if any(chosen.values()) else {}
        for name, (column, model) in self.VOCABULARY_COLUMNS.items():
            if chosen[name]:
                mask = terms_mask(model, chosen[name], bits[model._meta.label])
                condition &= rows.with_any(column, mask)
        if data.get("time"):
            condition &= rows.meets_at(data["time"])
        if data.get("age") is not None:
            condition &= rows.for_age(int(data["age"]))
        if data.get("accepting"):
            # Unticked means "don't mind", not "only programmes with a waitlist".
            condition &= rows.accepting()
        place: Place | None = data.get("near")
        fmt = data.get("format") or ""
        distance = None
        if fmt == "virtual":
            # A virtual programme is reachable wherever it is licensed, not within a radius.
            condition &= rows.licensed_in(place.state) if place else rows.anchors() & rows.virtual()
        else:
            if fmt == "in_person":
                condition &= rows.in_person()
            if place:
                distance = haversine_miles(place.latitude, place.longitude, rows.prefix)
                condition &= rows.within(
                    place.latitude, place.longitude, self.radius_miles, distance
                )
            elif condition:
                condition &= rows.anchors()
            # With no condition at all every published programme is listed: no row is read.
        return RowSearch(condition=condition, place=place, distance=distance)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Every filter as one condition on the programme's search rows (``row_search``), then
        the order; with a place, ``distance_miles`` is the nearest site's."""
        data = self.form.cleaned_data
        # The programme's own column, so listing every IOP needs no join to the search rows.
        queryset = queryset.filter(care_levels.offering_q(self.levels_mask))
        search = self.row_search(SearchConditions("search_rows__"))
        if search.condition:
            queryset = queryset.filter(search.condition)
        if search.distance is not None:
            queryset = queryset.annotate(distance_miles=Min(search.distance))
        elif search.place:
            queryset = queryset.with_distance_from(search.place)
        # On the programme itself, not its search rows: a subquery per sign ticked.
        queryset = self.with_signs(queryset, program="pk")
        if data.get("q"):
            queryset = queryset.search(data["q"])
        return self.sort_queryset(queryset)

    def with_signs(self, queryset: QuerySet, *, program: str) -> QuerySet:
        """Only programmes showing every sign of quality ticked (``program``: their id's name)."""
        for sign in self.form.cleaned_data.get("sign") or ():
            queryset = queryset.filter(sign_q(sign, program=program))
        return queryset

    def ranked_rows(self, bits: dict[str, dict[int, int]] | None = None) -> QuerySet | None:
        """A valid search with a place as one search row per programme found, in this
        FilterSet's order, from the search rows alone: ``program_id``, ``distance`` (miles
        to the nearest site, as ``distance_miles``) and ``schedule_mask`` (its sessions).

        The same filters as ``filter_queryset`` (``RANKED_FILTERS``: every one but free text),
        on the rows instead of the programmes: at 100k, joining ~1,250 wide programme rows to
        keep the 20 shown was 10 of the directory query's 14 ms. None for a search
        ``filter_queryset`` must answer: no place (the whole directory by name reads the
        programmes' (status, name) index and stops after a page) or free text (ranked on the
        programmes' own words). ``bits``: every vocabulary's term bits, when the caller has them.
        """
        data = self.form.cleaned_data
        if self.place is None or data.get("q"):
            return None
        rows = SearchConditions()
        search = self.row_search(rows, bits)
        found = ProgramSearch.objects.filter(search.condition, rows.offering(self.levels_mask))
        found = self.with_signs(found, program="program_id")
        if search.distance is not None:
            # Sites inside the radius: the programme's distance is its nearest one's. Its own
            # columns are the same on each of its rows (``program_search_refresh``).
            found = found.values("program_id").annotate(
                distance=Min(search.distance),
                sort_name=Min("name"),
                verified=Max("last_verified_on"),
                schedule_mask=Max("schedule"),
            )
        else:
            # Virtual care in the place's state: one row per programme.
            found = found.values("program_id").annotate(
                distance=nearest_site_miles(self.place, program="program_id"),
                sort_name=F("name"),
                verified=F("last_verified_on"),
                schedule_mask=F("schedule"),
            )
        return found.order_by(
            *self.order_by(
                distance="distance", verified="verified", name="sort_name", pk="program_id"
            )
        )

    @property
    def ordering(self) -> str:
        """The order of the results: a ``Sort`` value, or ``RANK`` (best text match first).

        Nearest first with a place, best text match with a search, else by name.
        """
        data = getattr(self.form, "cleaned_data", {}) or {}
        sort = data.get("sort") or ""
        place = data.get("near")
        if sort == Sort.DISTANCE and not place:
            sort = ""
        if not sort:
            sort = Sort.DISTANCE if place else ""
        if sort in (Sort.DISTANCE, Sort.VERIFIED):
            return sort
        if data.get("q") and sort != Sort.NAME:
            return RANK
        return Sort.NAME

    def order_by(
        self,
        *,
        distance: str = "distance_miles",
        verified: str = "last_verified_on",
        name: str = "name",
        pk: str = "pk",
    ) -> list[Any]:
        """``ordering`` as ``order_by`` arguments, named for the programmes or their rows."""
        first: list[Any] = []
        if self.ordering == Sort.DISTANCE:
            first = [F(distance).asc(nulls_last=True)]
        elif self.ordering == Sort.VERIFIED:
            first = [F(verified).desc(nulls_last=True)]
        elif self.ordering == RANK:
            first = ["-search_rank"]
        return [*first, name, pk]

    def sort_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by(*self.order_by())
