"""Times of day a seeker can attend, and how weekly sessions fall into them."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Weekday mornings")
    AFTERNOON = "afternoon", _("Weekday afternoons")
    EVENING = "evening", _("Weekday evenings")
    WEEKEND = "weekend", _("Weekends")


NOON = datetime.time(12, 0)
EVENING_START = datetime.time(17, 0)
WEEKEND_DAYS = (5, 6)


def session_q(band: str, prefix: str = "") -> Q:
    """A Q over WeeklySession fields (optionally prefixed, e.g. ``sessions__``) for one band.

    A session belongs to the band in which it starts: people plan around when they
    must arrive. Weekday bands exclude Saturday and Sunday, which are "weekend".
    """
    weekday = f"{prefix}weekday"
    start = f"{prefix}start_time"
    weekdays = Q(**{f"{weekday}__lt": 5})
    if band == TimeOfDay.MORNING:
        return weekdays & Q(**{f"{start}__lt": NOON})
    if band == TimeOfDay.AFTERNOON:
        return weekdays & Q(**{f"{start}__gte": NOON, f"{start}__lt": EVENING_START})
    if band == TimeOfDay.EVENING:
        return weekdays & Q(**{f"{start}__gte": EVENING_START})
    if band == TimeOfDay.WEEKEND:
        return Q(**{f"{weekday}__in": WEEKEND_DAYS})
    raise ValueError(f"Unknown time of day: {band!r}")


def session_band(weekday: int, start_time: datetime.time) -> str:
    """The band a session falls in (pure-Python twin of ``session_q``)."""
    if weekday in WEEKEND_DAYS:
        return TimeOfDay.WEEKEND
    if start_time < NOON:
        return TimeOfDay.MORNING
    if start_time < EVENING_START:
        return TimeOfDay.AFTERNOON
    return TimeOfDay.EVENING
