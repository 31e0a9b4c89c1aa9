"""Admin list filters for curation: the lists behind the data-quality dashboard's numbers."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from programs import levels
from programs.models import Program
from programs.quality import (
    MissingData,
    Verification,
    program_duplicate_q,
    program_missing_q,
    program_verification_q,
)


class MissingDataListFilter(admin.SimpleListFilter):
    """``?missing=insurance|sessions|coordinates|zip|phone``: listings lacking key data."""

    title = _("missing data")
    parameter_name = "missing"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(MissingData.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Program]) -> QuerySet[Program]:
        if self.value() in MissingData.values:
            return queryset.filter(program_missing_q(kind=self.value()))
        return queryset


class StaleListFilter(admin.SimpleListFilter):
    """``?stale=yes|never|expired|no``: published listings by how recently they were verified."""

    title = _("verification (published listings)")
    parameter_name = "stale"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(Verification.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Program]) -> QuerySet[Program]:
        if self.value() in Verification.values:
            return queryset.filter(program_verification_q(verification=self.value()))
        return queryset


class DuplicateListFilter(admin.SimpleListFilter):
    """``?duplicate=yes``: live listings sharing a normalised name and a ZIP code."""

    title = _("likely duplicates")
    parameter_name = "duplicate"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Same name and ZIP code as another listing"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Program]) -> QuerySet[Program]:
        if self.value() == "yes":
            return queryset.filter(program_duplicate_q())
        return queryset


class LevelListFilter(admin.SimpleListFilter):
    """``?level=php``: listings offering a level of care (among others)."""

    title = _("level of care")
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(code, str(label)) for code, label in levels.choices()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Program]) -> QuerySet[Program]:
        if self.value() in levels.BY_CODE:
            return queryset.filter(levels.offering_q(levels.BY_CODE[self.value()].bit))
        return queryset
