"""Presentation helpers for programme pages; they read prefetched relations only."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs import signs
from programs.attached import attached_schedule, related
from programs.forms import CheckboxOption
from programs.geo import Place, distance_miles
from programs.models import Location, Modality, Program, WeeklySession
from programs.schedule import TimeOfDay, session_band
from programs.search import schedule_days_and_bands
from programs.selectors import ProgramDetail
from programs.signs import ShownSign

register = template.Library()

BAND_SHORT = {
    TimeOfDay.MORNING: gettext_lazy("Mornings"),
    TimeOfDay.AFTERNOON: gettext_lazy("Afternoons"),
    TimeOfDay.EVENING: gettext_lazy("Evenings"),
    TimeOfDay.WEEKEND: gettext_lazy("Weekends"),
}


@register.simple_tag
def schedule_summary(program: Program) -> str:
    """ "Evenings · Mon, Wed, Fri" from the programme's weekly sessions, or from their mask in
    the search table when the directory's page attached it (``attach_schedules``)."""
    schedule = attached_schedule(program)
    if schedule is not None:
        days, present = schedule_days_and_bands(schedule)
    else:
        sessions = related(program, "sessions")
        # Each session's band once (a result page summarises twenty programmes).
        present = {session_band(s.weekday, s.start_time) for s in sessions}
        days = sorted({s.weekday for s in sessions})
    if not days:
        return ""
    bands = [band for band in BAND_SHORT if band in present]
    day_names = ", ".join(str(WeeklySession.Weekday(day).label)[:3] for day in days)
    return f"{' / '.join(str(BAND_SHORT[b]) for b in bands)} · {day_names}"


@register.simple_tag
def weekly_rows(sessions: Iterable[WeeklySession]) -> list[tuple[str, list[WeeklySession]]]:
    """One row per weekday a programme meets, with that day's sessions in order."""
    by_day: dict[int, list[WeeklySession]] = defaultdict(list)
    for session in sessions:
        by_day[session.weekday].append(session)
    return [
        (str(WeeklySession.Weekday(day).label), sorted(by_day[day], key=lambda s: s.start_time))
        for day in sorted(by_day)
    ]


@register.filter
def miles(value: float | None) -> str:
    if not isinstance(value, int | float):
        return ""
    if value < 0.1:
        return _("under 0.1 miles")
    return _("%(miles).1f miles") % {"miles": value}


@register.simple_tag
def card_location(program: Program, place: Place | None = None) -> Location | None:
    """The site to name on a result card: the one nearest the seeker when they gave a place.

    The distance on the card is to the nearest site, so the city beside it must be that site's.
    """
    locations = related(program, "locations")
    if not place:
        return locations[0] if locations else None
    located = [loc for loc in locations if loc.has_coordinates]
    if not located:
        return locations[0] if locations else None
    return min(
        located,
        key=lambda loc: distance_miles(
            place.latitude, place.longitude, loc.latitude, loc.longitude
        ),
    )


# A result card names this many conditions and insurers, then says "and more".
CARD_TERMS_SHOWN = 4


@dataclass(frozen=True)
class ProgramCard:
    """What a result card shows beyond the programme's own fields, worked out once."""

    location: Location | None
    distance: str
    other_sites: int
    schedule: str
    conditions: list[str]
    more_conditions: bool
    insurance: list[str]
    more_insurance: bool


@register.simple_tag
def program_card(program: Program, place: Place | None = None) -> ProgramCard:
    """A result card's facts from the prefetched relations, so the template only prints them."""
    conditions = [term.name for term in related(program, "conditions")]
    insurance = [term.name for term in related(program, "insurance")]
    distance = getattr(program, "distance_miles", None)
    return ProgramCard(
        location=card_location(program, place),
        distance=miles(distance) if place and distance is not None else "",
        other_sites=other_sites(program),
        schedule=schedule_summary(program),
        conditions=conditions[:CARD_TERMS_SHOWN],
        more_conditions=len(conditions) > CARD_TERMS_SHOWN,
        insurance=insurance[:CARD_TERMS_SHOWN],
        more_insurance=len(insurance) > CARD_TERMS_SHOWN,
    )


@register.filter
def other_sites(program: Program) -> int:
    """How many more sites the programme has besides the one shown on its card."""
    return max(len(related(program, "locations")) - 1, 0)


@register.simple_tag
def program_signs(program: Program, related: ProgramDetail | None = None) -> list[ShownSign]:
    """The signs of quality the programme shows (``programs.signs``): from its ``related``
    rows on its own page, from its prefetched relations elsewhere."""
    if not related:
        return signs.program_signs(program)
    return signs.program_signs(program, terms=related.terms, records=related.directory_records)


@register.filter
def therapies(modalities: Iterable[Modality]) -> list:
    return [m for m in modalities if m.kind == "therapy"]


@register.filter
def services(modalities: Iterable[Modality]) -> list:
    return [m for m in modalities if m.kind == "service"]


def _map_point(number: int, name: str, url: str, location: Location) -> dict[str, object]:
    return {
        "number": number,
        "name": name,
        "url": url,
        "lat": location.latitude,
        "lng": location.longitude,
    }


@register.simple_tag
def list_map_points(items: Iterable, start: int = 1, place: Place | None = None) -> list[dict]:
    """A map marker per listed programme with a located site, numbered as the list is.

    `items` are programmes or matches (anything with a `.program`). The marker stands on the site
    the card names (the nearest to the place searched), so marker and card agree.
    """
    points = []
    for number, item in enumerate(items, start=start):
        program = getattr(item, "program", item)
        location = card_location(program, place)
        if location is not None and location.has_coordinates:
            url = program.get_absolute_url()
            points.append(_map_point(number, program.name, url, location))
    return points


@register.simple_tag
def site_map_points(program: Program, locations: Iterable[Location]) -> list[dict]:
    """A map marker per located site of one programme, numbered as its list of addresses."""
    url = program.get_absolute_url()
    return [
        _map_point(number, location.name or program.name, url, location)
        for number, location in enumerate(locations, start=1)
        if location.has_coordinates
    ]


@register.filter
def as_json(value: object) -> str:
    """JSON for a data attribute; the template's autoescaping makes it safe there."""
    return json.dumps(value)


@register.simple_tag
def checkbox_inputs(options: list[CheckboxOption], name: str, invalid: object) -> SafeString:
    """The options of a checkbox list, in the markup of Django's CheckboxSelectMultiple.

    Built in one pass here rather than a template loop: the directory's filters have about
    a hundred options, and the loop's eight nodes an option were a fifth of its rendering.
    """
    aria = SafeString(' aria-invalid="true"') if invalid else ""
    return format_html_join(
        "",
        '<div>\n    <label for="{}"><input type="checkbox" name="{}" value="{}"{} id="{}"{}>'
        "\n {}</label></div>",
        (
            (
                option.id,
                name,
                option.value,
                aria,
                option.id,
                SafeString(" checked") if option.checked else "",
                option.label,
            )
            for option in options
        ),
    )
