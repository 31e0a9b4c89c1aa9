"""Presentation helpers for programme pages; they read prefetched relations only."""

from __future__ import annotations

from collections import defaultdict

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.models import Program, WeeklySession
from programs.schedule import TimeOfDay, session_band

register = template.Library()

BAND_SHORT = {
    TimeOfDay.MORNING: gettext_lazy("Mornings"),
    TimeOfDay.AFTERNOON: gettext_lazy("Afternoons"),
    TimeOfDay.EVENING: gettext_lazy("Evenings"),
    TimeOfDay.WEEKEND: gettext_lazy("Weekends"),
}


@register.simple_tag
def schedule_summary(program: Program) -> str:
    """ "Evenings · Mon, Wed, Fri" from the programme's weekly sessions."""
    sessions = list(program.sessions.all())
    if not sessions:
        return ""
    bands = []
    for band in TimeOfDay.values:
        if (
            any(session_band(s.weekday, s.start_time) == band for s in sessions)
            and band not in bands
        ):
            bands.append(band)
    days = sorted({s.weekday for s in sessions})
    day_names = ", ".join(str(WeeklySession.Weekday(day).label)[:3] for day in days)
    return f"{' / '.join(str(BAND_SHORT[b]) for b in bands)} · {day_names}"


@register.simple_tag
def weekly_rows(program: Program) -> list[tuple[str, list[WeeklySession]]]:
    """One row per weekday the programme meets, with that day's sessions in order."""
    by_day: dict[int, list[WeeklySession]] = defaultdict(list)
    for session in program.sessions.all():
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


@register.filter
def first_location(program: Program):
    locations = list(program.locations.all())
    return locations[0] if locations else None


@register.filter
def therapies(program: Program) -> list:
    return [m for m in program.modalities.all() if m.kind == "therapy"]


@register.filter
def services(program: Program) -> list:
    return [m for m in program.modalities.all() if m.kind == "service"]
