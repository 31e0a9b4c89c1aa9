"""How the search table encodes a programme: sets of terms, states and times as bitmasks.

Bitmasks work the same on SQLite and PostgreSQL (``&`` on a 64-bit integer), so one query
serves both; a test of a bit is a few CPU instructions on a row the index already found.
Bit 63 is the sign bit, so a mask holds at most 63 values.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable

from django.db import models
from django.db.models import Case, Expression, F, IntegerField, Q, Value, When
from django.db.models.lookups import GreaterThan, LessThanOrEqual

from programs.geo import bounding_box
from programs.schedule import EVENING_START, NOON, WEEKEND_DAYS, TimeOfDay
from programs.vocabulary_cache import vocabulary_cached

MAX_BITS = 63
# The vocabularies the search table holds as masks, one column each, named as the programme's
# relation (accreditations are shown, never searched).
SEARCH_RELATIONS = ("conditions", "modalities", "insurance", "languages", "populations")
DAYS = range(7)
# Three bands per day by the time a session starts (people plan around arriving);
# Saturday and Sunday are "weekend" whatever the hour.
DAY_PARTS = 3


class TooManyTermsError(RuntimeError):
    """A vocabulary outgrew its bitmask: the search table needs a wider column."""


def mask(bits: Iterable[int]) -> int:
    """The integer with each of ``bits`` set."""
    value = 0
    for bit in bits:
        value |= 1 << bit
    return value


def term_bits(model: type[models.Model]) -> dict[int, int]:
    """Each term's bit: its rank by primary key, so adding a term never moves another."""
    return vocabulary_bits()[model._meta.label]


def vocabulary_bits() -> dict[str, dict[int, int]]:
    """``term_bits`` of every vocabulary, by model label: read once per process and again
    after any change to a vocabulary (``vocabulary_cache``), instead of a query for every
    vocabulary a search filters on."""
    from programs.models import VOCABULARY_RELATIONS

    return vocabulary_cached(
        "term-bits",
        lambda: {
            model._meta.label: bits_by_rank(model.objects.values_list("pk", flat=True))
            for model in VOCABULARY_RELATIONS.values()
        },
    )


def bits_by_rank(pks: Iterable[int]) -> dict[int, int]:
    """Bits for every term of one vocabulary, from all their primary keys (see term_bits)."""
    ordered = sorted(pks)
    if len(ordered) > MAX_BITS:
        raise TooManyTermsError(f"a vocabulary has more than {MAX_BITS} terms")
    return {pk: index for index, pk in enumerate(ordered)}


def session_bit(weekday: int, start_time: datetime.time) -> int:
    """The schedule bit for a session on ``weekday`` starting at ``start_time``."""
    if start_time < NOON:
        part = 0
    elif start_time < EVENING_START:
        part = 1
    else:
        part = 2
    return weekday * DAY_PARTS + part


@functools.lru_cache(maxsize=4096)
def schedule_days_and_bands(schedule: int) -> tuple[tuple[int, ...], frozenset[str]]:
    """The weekdays a schedule mask meets and the times of day its sessions start in: what
    ``session_band`` gives for each of the sessions it was made from (``session_bit``).
    Remembered per mask (a page of results asks for each programme's several times)."""
    days = tuple(day for day in DAYS if schedule & DAY_MASKS[day])
    bands = set()
    for day in days:
        if day in WEEKEND_DAYS:
            bands.add(TimeOfDay.WEEKEND)
            continue
        for part, band in enumerate((TimeOfDay.MORNING, TimeOfDay.AFTERNOON, TimeOfDay.EVENING)):
            if schedule & (1 << (day * DAY_PARTS + part)):
                bands.add(band)
    return days, frozenset(bands)


def day_mask(weekday: int) -> int:
    """Every schedule bit of one weekday."""
    return mask(weekday * DAY_PARTS + part for part in range(DAY_PARTS))


DAY_MASKS = tuple(day_mask(day) for day in DAYS)


def band_mask(band: str) -> int:
    """The schedule bits a time of day covers (the bitmask twin of ``session_q``)."""
    if band == TimeOfDay.WEEKEND:
        return mask(day * DAY_PARTS + part for day in WEEKEND_DAYS for part in range(DAY_PARTS))
    part = {TimeOfDay.MORNING: 0, TimeOfDay.AFTERNOON: 1, TimeOfDay.EVENING: 2}[band]
    return mask(day * DAY_PARTS + part for day in DAYS if day not in WEEKEND_DAYS)


# The times of day a seeker may tick, in a fixed order: a set of them is a 4-bit code.
AVAILABILITY = (TimeOfDay.MORNING, TimeOfDay.AFTERNOON, TimeOfDay.EVENING, TimeOfDay.WEEKEND)
FIT_BITS = 3  # 0-7 days


def availability_code(bands: Iterable[str]) -> int:
    """The 4-bit code (1-15) of a set of times of day."""
    wanted = set(bands)
    return sum(1 << index for index, band in enumerate(AVAILABILITY) if band in wanted)


def fit_days(schedule: int, bands: Iterable[str]) -> int:
    """How many weekdays have a session starting in one of ``bands`` (see rules.schedule_days)."""
    wanted = bands_mask(bands)
    return sum(1 for day_bits in DAY_MASKS if schedule & day_bits & wanted)


def pack_fit_days(schedule: int) -> int:
    """``fit_days`` for every possible set of times of day, 3 bits each, by availability code.

    Stored in the search table so that "how many of the programme's days fit" is one shift
    and mask in SQL instead of a sum over the seven days.
    """
    packed = 0
    for code in range(1, 1 << len(AVAILABILITY)):
        bands = [band for index, band in enumerate(AVAILABILITY) if code & (1 << index)]
        packed |= fit_days(schedule, bands) << (FIT_BITS * (code - 1))
    return packed


BAND_MASKS = {band: band_mask(band) for band in TimeOfDay.values}


def fit_days_expression(column: str, bands: Iterable[str]) -> Expression:
    """The SQL twin of ``fit_days`` read from the packed column."""
    code = availability_code(bands)
    return F(column).bitrightshift(FIT_BITS * (code - 1)).bitand((1 << FIT_BITS) - 1)


def bands_mask(bands: Iterable[str]) -> int:
    value = 0
    for band in bands:
        value |= BAND_MASKS[band]
    return value


def has_any(column: str | Expression, bits: int) -> Q:
    """Rows whose ``column`` shares at least one bit with ``bits`` (a Q usable in filters).

    Masks never use the sign bit, so "shares a bit" is "the AND is above zero".
    """
    if not bits:
        return Q(pk__in=[])
    expression = F(column) if isinstance(column, str) else column
    return Q(GreaterThan(expression.bitand(bits), 0))


def bit_flag(column: str | Expression, bits: int) -> Expression:
    """1 when ``column`` shares a bit with ``bits``, else 0: for sums of matches in SQL."""
    if not bits:
        return Value(0)
    return Case(
        When(has_any(column, bits), then=Value(1)), default=Value(0), output_field=IntegerField()
    )


class SearchConditions:
    """Q objects over search rows, named from the programme (``search_rows__``) or the row.

    One definition of each condition for the directory (which joins programmes to their
    rows) and matching (which reads the rows themselves).
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def field(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def anchors(self) -> Q:
        """The one row per programme that stands for it, whatever its sites."""
        return Q(**{self.field("kind"): "anchor"})

    def sites(self) -> Q:
        return Q(**{self.field("kind"): "site"})

    def in_person(self) -> Q:
        return Q(**{self.field("in_person"): True})

    def virtual(self) -> Q:
        return Q(**{self.field("virtual"): True})

    def licensed_in(self, state: str) -> Q:
        """Virtual care licensed where the seeker lives: one row per programme."""
        return Q(**{self.field("kind"): "virtual", self.field("state"): state})

    def accepting(self) -> Q:
        """Confirmed as taking new patients (a listing that does not say is not)."""
        return Q(**{self.field("accepting"): True})

    def not_refusing(self) -> Q:
        """Taking new patients or not saying: only a confirmed waitlist is left out."""
        return Q(**{self.field("accepting"): True}) | Q(**{self.field("accepting__isnull"): True})

    def offering(self, bits: int) -> Q:
        """Offers any of the levels of care in ``bits`` (``programs.levels``)."""
        return has_any(self.field("levels"), bits)

    def for_age(self, age: int) -> Q:
        return Q(**{self.field("min_age__lte"): age}) & (
            Q(**{self.field("max_age__isnull"): True}) | Q(**{self.field("max_age__gte"): age})
        )

    def with_any(self, relation: str, bits: int) -> Q:
        """Programmes linked to any of the terms whose bits are set in ``bits``."""
        return has_any(self.field(relation), bits)

    def meets_at(self, bands: Iterable[str]) -> Q:
        return has_any(self.field("schedule"), bands_mask(bands))

    def within(self, latitude: float, longitude: float, miles: float, distance: Expression) -> Q:
        """Sites inside the radius: the bounding box uses the (latitude, longitude) index."""
        min_lat, max_lat, min_lng, max_lng = bounding_box(latitude, longitude, miles)
        return Q(
            **{
                self.field("latitude__gte"): min_lat,
                self.field("latitude__lte"): max_lat,
                self.field("longitude__gte"): min_lng,
                self.field("longitude__lte"): max_lng,
            }
        ) & Q(LessThanOrEqual(distance, miles))


def terms_mask(
    model: type[models.Model], terms: Iterable[object], bits: dict[int, int] | None = None
) -> int:
    """The bits of these terms (instances or primary keys) in ``model``'s bitmask (``bits``:
    its ``term_bits``, when the caller has them)."""
    bits = term_bits(model) if bits is None else bits
    return mask(
        bits[getattr(term, "pk", term)] for term in terms if getattr(term, "pk", term) in bits
    )
