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
from programs.attached import related
from programs.forms import CheckboxOption
from programs.geo import Place, distance_miles
from programs.levels import levels_of
from programs.models import Location, Modality, Program, WeeklySession
from programs.schedule import TimeOfDay, session_band
from programs.selectors import ProgramDetail
from programs.signs import ShownSign
from programs.translated import Translated

register = template.Library()

BAND_SHORT = {
    TimeOfDay.MORNING: gettext_lazy("Mornings"),
    TimeOfDay.AFTERNOON: gettext_lazy("Afternoons"),
    TimeOfDay.EVENING: gettext_lazy("Evenings"),
    TimeOfDay.WEEKEND: gettext_lazy("Weekends"),
}


@register.simple_tag
def schedule_summary(program: Program, words: Translated | None = None) -> str:
    """ "Evenings · Mon, Wed, Fri" from the programme's weekly sessions."""
    sessions = related(program, "sessions")
    if not sessions:
        return ""
    words = words or Translated()
    # Each session's band once (a result page summarises twenty programmes), in band order.
    present = {session_band(s.weekday, s.start_time) for s in sessions}
    bands = [band for band in BAND_SHORT if band in present]
    days = sorted({s.weekday for s in sessions})
    day_names = ", ".join(words.choice(WeeklySession.Weekday, day)[:3] for day in days)
    return f"{' / '.join(words(BAND_SHORT[b]) for b in bands)} · {day_names}"


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
class SignLine:
    """A sign as a card or a programme's page prints it, every word already worked out."""

    label: str
    details: str  # which therapies or accreditors, or ""
    meaning: str
    source: str  # "Source: …." in the page's language


def sign_lines(shown: Iterable[ShownSign]) -> list[SignLine]:
    source = _("Source: %(sources)s.")
    return [
        SignLine(
            label=sign.label,
            details=", ".join(sign.details),
            meaning=sign.meaning,
            source=source % {"sources": "; ".join(sign.sources)},
        )
        for sign in shown
    ]


@dataclass(frozen=True)
class ProgramCard:
    """Everything a result card prints beyond the programme's own fields, worked out once."""

    program: Program
    number: int  # its place in the whole list of results
    url: str
    location: Location | None
    distance: str
    other_sites: int
    levels: str
    delivery: str
    schedule: str
    conditions: str
    more_conditions: bool
    insurance: str
    more_insurance: bool
    signs: list[SignLine]


@register.simple_tag
def program_cards(
    programs: Iterable[Program], start: int = 1, place: Place | None = None
) -> list[ProgramCard]:
    """A page of result cards from the prefetched relations, so the template only prints
    them; the labels they share are translated once for the page, not once a card."""
    words = Translated()
    cards = []
    for number, program in enumerate(programs, start=start):
        conditions = [term.name for term in related(program, "conditions")]
        insurance = [term.name for term in related(program, "insurance")]
        distance = getattr(program, "distance_miles", None)
        cards.append(
            ProgramCard(
                program=program,
                number=number,
                url=program.get_absolute_url(),
                location=card_location(program, place),
                distance=miles(distance) if place and distance is not None else "",
                other_sites=other_sites(program),
                levels=", ".join(words(level.label) for level in levels_of(program.levels)),
                delivery=words.choice(Program.Delivery, program.delivery),
                schedule=schedule_summary(program, words),
                conditions=", ".join(conditions[:CARD_TERMS_SHOWN]),
                more_conditions=len(conditions) > CARD_TERMS_SHOWN,
                insurance=", ".join(insurance[:CARD_TERMS_SHOWN]),
                more_insurance=len(insurance) > CARD_TERMS_SHOWN,
                signs=sign_lines(signs.program_signs(program, words=words)),
            )
        )
    return cards


@register.filter
def other_sites(program: Program) -> int:
    """How many more sites the programme has besides the one shown on its card."""
    return max(len(related(program, "locations")) - 1, 0)


@register.simple_tag
def program_signs(program: Program, related: ProgramDetail) -> list[SignLine]:
    """The signs of quality a programme's page shows (``programs.signs``), from its rows."""
    return sign_lines(
        signs.program_signs(program, terms=related.terms, records=related.directory_records)
    )


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
