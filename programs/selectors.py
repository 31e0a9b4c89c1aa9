"""Reads from the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from programs.filters import ProgramFilterSet
from programs.models import Program


def program_listing() -> QuerySet[Program]:
    """Published programmes with what a list shows, before the directory's filters."""
    return Program.objects.published().for_listing()


def program_filterset(*, params: QueryDict) -> ProgramFilterSet:
    """The directory's FilterSet over published programmes, ready for a list page or the API."""
    return ProgramFilterSet(data=params, queryset=program_listing())


def program_get_published(*, slug: str) -> Program:
    """One published programme with everything its page shows, or 404."""
    return get_object_or_404(Program.objects.published().for_detail(), slug=slug)


@dataclass(frozen=True)
class DirectoryPage:
    """One page of results, the page actually shown, and why it differs from the one asked."""

    page: Page
    notice: str = ""  # "", "not_a_number" or "past_the_end"


def program_page(
    *,
    queryset: QuerySet,
    page: str | int | None,
    per_page: int,
    count_with_page: bool = True,
) -> DirectoryPage:
    """A page of programmes and the total.

    With ``count_with_page`` the total comes from ``COUNT(*) OVER ()`` on the page's own
    query: right when the database must find and sort every match anyway (nearest first),
    so it finds them once instead of once for the count and once for the page. Without it
    the total is its own ``COUNT(*)`` and the page can stop after ``per_page`` rows read in
    index order (the whole directory by name: a window count there read all 100k rows).
    """
    notice = ""
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        number, notice = 1, "not_a_number"
    if number < 1:
        number, notice = 1, "not_a_number"
    offset = (number - 1) * per_page
    paginator = Paginator(queryset, per_page)
    if count_with_page:
        rows = list(queryset.annotate(total_count=Window(Count("pk")))[offset : offset + per_page])
        total = rows[0].total_count if rows else queryset.count()
    else:
        total = queryset.count()
        rows = list(queryset[offset : offset + per_page]) if offset < total else []
    paginator.count = total  # cached_property: reuse the total we already have
    if not rows and total:
        number, notice = paginator.num_pages, "past_the_end"
        offset = (number - 1) * per_page
        rows = list(queryset[offset : offset + per_page])
    return DirectoryPage(page=Page(rows, number, paginator), notice=notice)


def program_directory_page(
    *, filterset: ProgramFilterSet, page: str | int | None, per_page: int
) -> DirectoryPage:
    """The directory's page for a valid FilterSet (the HTML page; the benchmark times it).

    Nearest first sorts every match anyway, so the total comes with the page; otherwise
    it is counted apart and the page read in index order (see ``program_page``).
    """
    return program_page(
        queryset=filterset.qs,
        page=page,
        per_page=per_page,
        count_with_page=filterset.place is not None,
    )
