"""Ways to widen a directory search that found nothing, each defined once.

The same shape as the questionnaire's (``matching/relax.py``): each relaxation knows when it
applies, its label, and how it changes the query; the view offers those that apply as links.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _

# Filters that narrow a search beyond its place and format.
NARROWING_PARAMETERS = (
    "condition",
    "modality",
    "insurance",
    "time",
    "language",
    "population",
    "age",
    "accepting",
    "q",
)


@dataclass(frozen=True)
class Search:
    """The query that found nothing (without its page) and the radius it used."""

    params: QueryDict
    radius: float

    @property
    def wider_radius(self) -> int:
        return min(max(int(self.radius) * 2, 50), settings.DIRECTORY_MAX_RADIUS_MILES)

    @property
    def narrowing(self) -> list[str]:
        return [key for key in NARROWING_PARAMETERS if self.params.get(key)]


@dataclass(frozen=True)
class Relaxation:
    key: str
    label: Callable[[Search], str]
    applies: Callable[[Search], bool]
    # The parameters it changes; None removes one.
    changes: Callable[[Search], Mapping[str, str | None]]

    def link(self, search: Search) -> tuple[str, str]:
        """(label, query string) for a link to the loosened search."""
        params = search.params.copy()
        for name, value in self.changes(search).items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        return self.label(search), params.urlencode()


def _virtual(search: Search) -> bool:
    return search.params.get("format") == "virtual"


RELAXATIONS: tuple[Relaxation, ...] = (
    # A virtual-only search is never told to travel further.
    Relaxation(
        key="wider",
        label=lambda search: _("Search within %(miles)d miles") % {"miles": search.wider_radius},
        applies=lambda search: (
            bool(search.params.get("near"))
            and not _virtual(search)
            and search.wider_radius > search.radius
        ),
        changes=lambda search: {"radius": str(search.wider_radius)},
    ),
    Relaxation(
        key="in_person",
        label=lambda search: _("Include in-person programmes nearby"),
        applies=lambda search: bool(search.params.get("near")) and _virtual(search),
        changes=lambda search: {"format": None},
    ),
    Relaxation(
        key="virtual",
        label=lambda search: _("Show virtual programmes for your state"),
        applies=lambda search: bool(search.params.get("near")) and not _virtual(search),
        changes=lambda search: {"format": "virtual"},
    ),
    Relaxation(
        key="clear_filters",
        label=lambda search: (
            _("Keep the place, clear the other filters")
            if search.params.get("near")
            else _("Clear the filters")
        ),
        applies=lambda search: bool(search.narrowing),
        changes=lambda search: dict.fromkeys(search.narrowing),
    ),
)


def relax_links(*, params: QueryDict, radius: float) -> list[tuple[str, str]]:
    """Ways to widen a search that found nothing, each as (label, query string)."""
    search = Search(params=params, radius=radius)
    return [relaxation.link(search) for relaxation in RELAXATIONS if relaxation.applies(search)]
