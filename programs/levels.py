"""Levels of care a listing offers, as one bitmask (``Program.levels``).

The catalogue's focus is the intensive outpatient programme (IOP, ASAM 2.1); a provider may
also offer, or only offer, its neighbours: weekly outpatient (ASAM 1), partial
hospitalisation or day treatment (2.5), residential (3.x), hospital inpatient (4) and
withdrawal management (detox, in any of those settings). A set of levels is an integer with
one bit per level, so "offers any of these" is one ``&`` on SQLite and PostgreSQL alike, in
the programme table, the search table and the matching SQL. The definitions here are the
only ones: forms, filters, imports, exports and the interoperability APIs read them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThan
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Level(enum.IntFlag):
    """One bit per level of care. Bits are stored: never renumber one."""

    OUTPATIENT = 1
    IOP = 2
    PHP = 4
    RESIDENTIAL = 8
    INPATIENT = 16
    WITHDRAWAL = 32


@dataclass(frozen=True)
class LevelInfo:
    """What people and other systems are told about one level of care."""

    level: Level
    code: str  # in URLs (``?level=php``), CSV files and the APIs' codes
    label: Promise  # short name for a tick box or a tag
    asam: str  # the ASAM Criteria level, "" where it is a service rather than a level
    description: Promise  # what it means, in plain words

    @property
    def bit(self) -> int:
        return int(self.level)


# From least to most intensive, withdrawal management last (it happens in several settings).
LEVELS: tuple[LevelInfo, ...] = (
    LevelInfo(
        Level.OUTPATIENT,
        "outpatient",
        _("Outpatient"),
        "1",
        _("Weekly or fortnightly sessions with a therapist or counsellor."),
    ),
    LevelInfo(
        Level.IOP,
        "iop",
        _("Intensive outpatient (IOP)"),
        "2.1",
        _("Several sessions a week, about 9 to 20 hours, while you live at home."),
    ),
    LevelInfo(
        Level.PHP,
        "php",
        _("Partial hospitalisation (PHP) or day treatment"),
        "2.5",
        _("Treatment most of the day, five or more days a week; you sleep at home."),
    ),
    LevelInfo(
        Level.RESIDENTIAL,
        "residential",
        _("Residential"),
        "3",
        _("You live at the programme for a while, with staff there day and night."),
    ),
    LevelInfo(
        Level.INPATIENT,
        "inpatient",
        _("Hospital inpatient"),
        "4",
        _("A stay in hospital, with doctors and nurses around the clock."),
    ),
    LevelInfo(
        Level.WITHDRAWAL,
        "withdrawal",
        _("Withdrawal management (detox)"),
        "",
        _("Medical help to stop alcohol or drugs safely."),
    ),
)
BY_CODE: dict[str, LevelInfo] = {info.code: info for info in LEVELS}
BY_LEVEL: dict[Level, LevelInfo] = {info.level: info for info in LEVELS}
CODES: tuple[str, ...] = tuple(BY_CODE)
ALL_LEVELS = sum(info.bit for info in LEVELS)
# More care than an IOP gives: what a seeker screened to "higher care" is shown first.
HIGHER_THAN_IOP = Level.PHP | Level.RESIDENTIAL | Level.INPATIENT | Level.WITHDRAWAL
# The directory's default: the product is about IOPs.
DEFAULT_CODES: tuple[str, ...] = ("iop",)


def choices() -> list[tuple[str, Promise]]:
    """(code, label) pairs for a form's tick boxes, least intensive first."""
    return [(info.code, info.label) for info in LEVELS]


def display_label(info: LevelInfo) -> str:
    """The label with its ASAM level where it has one: "Residential (ASAM 3)"."""
    if not info.asam:
        return str(info.label)
    return _("%(level)s (ASAM %(asam)s)") % {"level": info.label, "asam": info.asam}


def mask_of(codes: Iterable[str]) -> int:
    """The bitmask of these level codes; raises KeyError on an unknown code."""
    value = 0
    for code in codes:
        value |= BY_CODE[code].bit
    return value


def levels_of(mask: int | None) -> tuple[LevelInfo, ...]:
    """The levels set in ``mask``, least intensive first."""
    mask = mask or 0
    return tuple(info for info in LEVELS if mask & info.bit)


def codes_of(mask: int | None) -> list[str]:
    return [info.code for info in levels_of(mask)]


def offers(mask: int | None, level: Level | int) -> bool:
    """The mask has any of the bits of ``level``."""
    return bool((mask or 0) & int(level))


def plain_words(mask: int | None) -> str:
    """The levels offered as one phrase for a card: "Intensive outpatient (IOP), Outpatient"."""
    return ", ".join(str(info.label) for info in levels_of(mask))


def offering_q(bits: int, field: str = "levels") -> Q:
    """Rows whose ``field`` shares a bit with ``bits``: offers any of these levels."""
    if not bits:
        return Q(pk__in=[])
    return Q(GreaterThan(F(field).bitand(int(bits)), 0))


# --- Tick boxes in forms and the admin ------------------------------------------------------


class LevelsFormField(forms.MultipleChoiceField):
    """One tick box per level; cleans to the bitmask, shows a bitmask as ticked boxes."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "required": _("Tick at least one level of care."),
    }

    def __init__(self, **kwargs: Any) -> None:
        for unused in ("max_value", "min_value", "step_size"):
            kwargs.pop(unused, None)
        kwargs.setdefault("choices", choices)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return codes_of(value)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        before = codes_of(initial) if isinstance(initial, int) else list(initial or [])
        return sorted(before) != sorted(data or [])

    def clean(self, value: Any) -> int:  # type: ignore[override]
        return mask_of(super().clean(value))


class LevelsField(models.PositiveSmallIntegerField):
    """A bitmask of ``Level`` stored as a small integer, edited as tick boxes."""

    def formfield(self, **kwargs: Any) -> forms.Field:
        return LevelsFormField(
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            initial=codes_of(self.default) if isinstance(self.default, int) else None,
        )
