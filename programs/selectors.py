"""Reads from the catalogue."""

from __future__ import annotations

from django.http import QueryDict
from django.shortcuts import get_object_or_404

from programs.filters import ProgramFilterSet
from programs.models import Program


def program_filterset(*, params: QueryDict) -> ProgramFilterSet:
    """The directory's FilterSet over published programmes, ready for a list page or the API."""
    return ProgramFilterSet(data=params, queryset=Program.objects.published().for_listing())


def program_get_published(*, slug: str) -> Program:
    """One published programme with everything its page shows, or 404."""
    return get_object_or_404(Program.objects.published().for_detail(), slug=slug)
