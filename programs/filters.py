"""The one FilterSet behind the HTML directory and the REST API.

Both read the same GET parameters, so a shared URL and an API call with the same
query return the same programmes in the same order.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import F, QuerySet
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from programs.geo import GeocodingError, Place, geocode
from programs.models import Condition, Insurance, Language, Modality, Population, Program
from programs.schedule import TimeOfDay


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
        method="filter_vocabulary",
        widget=forms.CheckboxSelectMultiple,
    )


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
    format = django_filters.ChoiceFilter(
        label=_("Format"),
        choices=[("in_person", _("In person")), ("virtual", _("Virtual"))],
        method="filter_noop",
        empty_label=_("In person or virtual"),
    )
    time = django_filters.MultipleChoiceFilter(
        label=_("When you can attend"),
        choices=TimeOfDay.choices,
        method="filter_time",
        widget=forms.CheckboxSelectMultiple,
    )
    age = django_filters.NumberFilter(
        label=_("Age"), method="filter_age", min_value=0, max_value=120
    )
    accepting = TickboxFilter(
        label=_("Accepting new patients only"),
        method="filter_accepting",
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

    VOCABULARY_QUERYSET_METHODS = {
        "condition": "treating",
        "modality": "offering",
        "insurance": "accepting_insurance",
        "language": "speaking",
        "population": "serving",
    }

    # -- per-field methods ------------------------------------------------------

    def filter_noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        # Applied together in filter_queryset: they depend on each other.
        return queryset

    def filter_vocabulary(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        if not value:
            return queryset
        method = getattr(queryset, self.VOCABULARY_QUERYSET_METHODS[name])
        return method(list(value))

    def filter_time(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.meets_at(value) if value else queryset

    def filter_accepting(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        # Unticked means "don't mind", not "only programmes with a waitlist".
        return queryset.filter(accepting_new_patients=True) if value else queryset

    def filter_age(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset if value is None else queryset.for_age(int(value))

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

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        place: Place | None = data.get("near")
        fmt = data.get("format") or ""
        if fmt == "virtual":
            # A virtual programme is reachable wherever it is licensed, not within a radius.
            queryset = queryset.virtual_in_state(place.state) if place else queryset.virtual()
            if place:
                queryset = queryset.with_distance_from(place)
        else:
            if fmt == "in_person":
                queryset = queryset.in_person()
            if place:
                queryset = queryset.near(place, self.radius_miles)
        if data.get("q"):
            queryset = queryset.search(data["q"])
        return self.sort_queryset(queryset, data.get("sort") or "", place, bool(data.get("q")))

    def sort_queryset(
        self, queryset: QuerySet, sort: str, place: Place | None, searching: bool
    ) -> QuerySet:
        if sort == Sort.DISTANCE and not place:
            sort = ""
        if not sort:
            sort = Sort.DISTANCE if place else ""
        if sort == Sort.DISTANCE:
            return queryset.order_by(F("distance_miles").asc(nulls_last=True), "name", "pk")
        if sort == Sort.VERIFIED:
            return queryset.order_by(F("last_verified_on").desc(nulls_last=True), "name", "pk")
        if searching and sort != Sort.NAME:
            return queryset.order_by("-search_rank", "name", "pk")
        return queryset.order_by("name", "pk")
