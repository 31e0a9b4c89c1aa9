"""Data-quality reads for curators: what is missing, stale, duplicated or recently imported.

The definitions here (what "stale", "missing data" and "likely duplicate" mean) are the
only ones: the dashboard counts with them and the admin list filters select with them,
so a number on the dashboard and the list it links to always agree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace, TruncQuarter
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from programs import levels as care_levels
from programs.geo import US_BOUNDS, unplaceable_zip_codes
from programs.models import STALE_AFTER_DAYS, ImportRun, Location, Program, WeeklySession
from programs.querysets import IN_PERSON_DELIVERIES
from programs.states import STATES
from programs.workflow import stale_cutoff

# How many quarters of verification dates the freshness chart shows one by one.
FRESHNESS_QUARTERS = 12

# How many import runs the dashboard lists.
IMPORT_RUNS_SHOWN = 20

# Characters ignored when comparing names, so "Harbor Light, IOP" matches "harbor light iop".
NAME_IGNORED_CHARACTERS = (" ", ".", ",", "'", "\u2019", "-", "(", ")", "/", '"')


class MissingData(models.TextChoices):
    """Key facts a seeker needs; a listing without one is hard to find or to act on."""

    INSURANCE = "insurance", _("No insurance listed")
    SESSIONS = "sessions", _("No weekly sessions")
    COORDINATES = "coordinates", _("No map position")
    UNPLACED_ZIP = "zip", _("ZIP code we can't place")
    PHONE = "phone", _("No phone number")
    CONTACT = "contact", _("No way to contact (no phone, website or email)")
    OPENINGS = "openings", _("Openings unknown (does not say if accepting new patients)")


class Verification(models.TextChoices):
    """How recently a published listing was confirmed (the stale list filter's choices)."""

    STALE = (
        "yes",
        format_lazy(_("Stale (not verified in the last {days} days)"), days=STALE_AFTER_DAYS),
    )
    NEVER = "never", _("Never verified")
    EXPIRED = "expired", format_lazy(_("Verified more than {days} days ago"), days=STALE_AFTER_DAYS)
    FRESH = "no", format_lazy(_("Verified in the last {days} days"), days=STALE_AFTER_DAYS)


# --- Definitions shared by the dashboard and the admin list filters ------------------


def program_verification_q(*, verification: str, today: datetime.date | None = None) -> Q:
    """Published programmes in one verification state (see ``Verification``)."""
    cutoff = stale_cutoff(today or timezone.localdate())
    never = Q(last_verified_on__isnull=True)
    expired = Q(last_verified_on__lt=cutoff)
    condition = {
        Verification.STALE: never | expired,
        Verification.NEVER: never,
        Verification.EXPIRED: expired,
        Verification.FRESH: Q(last_verified_on__gte=cutoff),
    }[Verification(verification)]
    return Q(status=Program.Status.PUBLISHED) & condition


def location_plausible_q() -> Q:
    """Sites with a position that can be a US place: the SQL twin of ``plausible_coordinates``."""
    inside = Q()
    for min_lat, max_lat, min_lng, max_lng in US_BOUNDS:
        inside |= Q(
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lng,
            longitude__lte=max_lng,
        )
    return inside & ~Q(latitude=0, longitude=0)


def program_missing_q(*, kind: str) -> Q:
    """Programmes lacking one kind of key data (see ``MissingData``)."""
    kind = MissingData(kind)
    sites = Location.objects.filter(program_id=OuterRef("pk"))
    if kind == MissingData.INSURANCE:
        linked = Program.insurance.through.objects.filter(program_id=OuterRef("pk"))
        return ~Q(Exists(linked))
    if kind == MissingData.SESSIONS:
        return ~Q(Exists(WeeklySession.objects.filter(program_id=OuterRef("pk"))))
    if kind == MissingData.COORDINATES:
        # A site without a position (or at an impossible one, like the 0,0 placeholder) is
        # invisible to a search by distance; so is an in-person programme with no site at
        # all. Virtual-only listings need no site.
        unplaced_site = Q(Exists(sites.exclude(location_plausible_q())))
        no_site = Q(delivery__in=IN_PERSON_DELIVERIES) & ~Q(Exists(sites))
        return unplaced_site | no_site
    if kind == MissingData.UNPLACED_ZIP:
        # Military and overseas ZIPs have no centroid; the site needs a ZIP where people attend.
        return Q(Exists(sites.filter(zip_code__in=sorted(unplaceable_zip_codes()))))
    if kind == MissingData.CONTACT:
        return Q(phone="", intake_phone="", website="", email="")
    if kind == MissingData.OPENINGS:
        return Q(accepting_new_patients__isnull=True)
    return Q(phone="", intake_phone="")


def normalised_name(expression: F | str) -> models.Func:
    """Lower-case name without spaces or punctuation, the key for spotting duplicates."""
    result: models.Func = Lower(expression)
    for character in NAME_IGNORED_CHARACTERS:
        result = Replace(result, Value(character), Value(""))
    return result


def location_likely_duplicates() -> QuerySet[Location]:
    """Sites of live programmes sharing a ZIP code and normalised name with another programme.

    Archived listings are left out on both sides: archiving is how a duplicate is resolved.
    """
    live = Location.objects.exclude(program__status=Program.Status.ARCHIVED).annotate(
        normalised_name=normalised_name("program__name")
    )
    twins = live.filter(
        zip_code=OuterRef("zip_code"), normalised_name=OuterRef("normalised_name")
    ).exclude(program_id=OuterRef("program_id"))
    return live.filter(Exists(twins))


def program_duplicate_q() -> Q:
    """Programmes that are likely duplicates of another live programme."""
    return Q(pk__in=location_likely_duplicates().values("program_id"))


# --- The dashboard ------------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    """One labelled count, e.g. programmes with status "draft"."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class MissingRow:
    """Programmes lacking one kind of key data, per status (in ``Program.Status`` order)."""

    kind: str
    label: str
    by_status: tuple[CountRow, ...]
    total: int


@dataclass(frozen=True)
class StateRow:
    """Programmes with a site in one state; a programme with sites in several counts in each."""

    code: str
    name: str
    published: int
    total: int


@dataclass(frozen=True)
class FreshnessBucket:
    """Published programmes last verified in [start, end); both None means never verified."""

    label: str
    start: datetime.date | None
    end: datetime.date | None
    count: int
    freshness: str  # "fresh", "partly_stale" or "stale"


@dataclass(frozen=True)
class DuplicateProgram:
    pk: int
    name: str
    status_label: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Live programmes with the same normalised name and a site in the same ZIP code."""

    name: str
    zip_code: str
    programs: tuple[DuplicateProgram, ...]


@dataclass(frozen=True)
class StaleSummary:
    total: int
    never_verified: int
    expired: int


@dataclass(frozen=True)
class QualityReport:
    """Every number on the data-quality dashboard, computed in a fixed number of queries."""

    today: datetime.date
    stale_cutoff: datetime.date
    total: int
    by_status: tuple[CountRow, ...]
    by_source: tuple[CountRow, ...]
    by_level: tuple[CountRow, ...]  # a listing offering several levels counts in each
    by_state: tuple[StateRow, ...]
    missing: tuple[MissingRow, ...]
    stale: StaleSummary
    freshness: tuple[FreshnessBucket, ...]
    duplicate_groups: tuple[DuplicateGroup, ...]
    duplicate_program_count: int
    import_runs: tuple[ImportRun, ...]


def quarter_start(day: datetime.date) -> datetime.date:
    """The first day of the calendar quarter ``day`` falls in."""
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_quarters(day: datetime.date, quarters: int) -> datetime.date:
    months = day.year * 12 + day.month - 1 + 3 * quarters
    return datetime.date(months // 12, months % 12 + 1, 1)


def _by_status(*, today: datetime.date) -> dict[str, dict[str, int]]:
    """Per status: the total, each kind of missing data, and the stale counts (one query)."""
    aggregates = {"total": Count("pk")}
    for kind in MissingData:
        aggregates[f"missing_{kind.value}"] = Count("pk", filter=program_missing_q(kind=kind))
    for verification in (Verification.NEVER, Verification.EXPIRED):
        aggregates[f"verification_{verification.value}"] = Count(
            "pk", filter=program_verification_q(verification=verification, today=today)
        )
    for info in care_levels.LEVELS:
        aggregates[f"level_{info.code}"] = Count("pk", filter=care_levels.offering_q(info.bit))
    # order_by() drops the default ordering, which would otherwise split the groups.
    rows = Program.objects.order_by().values("status").annotate(**aggregates)
    return {row.pop("status"): row for row in rows}


def _by_source() -> tuple[CountRow, ...]:
    counts = dict(
        Program.objects.order_by()
        .values("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
    )
    return tuple(
        CountRow(key=value, label=str(label), count=counts.get(value, 0))
        for value, label in Program.Source.choices
    )


def _by_state() -> tuple[StateRow, ...]:
    rows = (
        Location.objects.order_by()
        .values("state")
        .annotate(
            total=Count("program", distinct=True),
            published=Count(
                "program", distinct=True, filter=Q(program__status=Program.Status.PUBLISHED)
            ),
        )
    )
    states = [
        StateRow(
            code=row["state"],
            name=STATES.get(row["state"], row["state"]),
            published=row["published"],
            total=row["total"],
        )
        for row in rows
    ]
    return tuple(sorted(states, key=lambda state: (-state.published, -state.total, state.name)))


def _freshness(
    *, today: datetime.date, cutoff: datetime.date, never_verified: int
) -> tuple[FreshnessBucket, ...]:
    """Published programmes by quarter of last verification: recent quarters, earlier, never."""
    per_quarter = dict(
        Program.objects.published()
        .filter(last_verified_on__isnull=False)
        .order_by()
        .annotate(quarter=TruncQuarter("last_verified_on"))
        .values("quarter")
        .annotate(n=Count("pk"))
        .values_list("quarter", "n")
    )
    first = _add_quarters(quarter_start(today), 1 - FRESHNESS_QUARTERS)
    earlier = sum(n for quarter, n in per_quarter.items() if quarter < first)
    buckets = [
        FreshnessBucket(
            label=str(_("Never verified")),
            start=None,
            end=None,
            count=never_verified,
            freshness="stale",
        ),
        FreshnessBucket(
            label=str(_("Earlier")),
            start=None,
            end=first,
            count=earlier,
            freshness="stale" if first <= cutoff else "partly_stale",
        ),
    ]
    for index in range(FRESHNESS_QUARTERS):
        start = _add_quarters(first, index)
        end = _add_quarters(start, 1)
        if end <= cutoff:
            freshness = "stale"
        elif start < cutoff:
            freshness = "partly_stale"
        else:
            freshness = "fresh"
        quarter = (start.month - 1) // 3 + 1
        buckets.append(
            FreshnessBucket(
                label=_("%(year)s Q%(quarter)s") % {"year": start.year, "quarter": quarter},
                start=start,
                end=end,
                count=per_quarter.get(start, 0),
                freshness=freshness,
            )
        )
    return tuple(buckets)


def _duplicate_groups() -> tuple[DuplicateGroup, ...]:
    rows = (
        location_likely_duplicates()
        .order_by("normalised_name", "zip_code", "program__name", "program_id")
        .values_list(
            "normalised_name", "zip_code", "program_id", "program__name", "program__status"
        )
    )
    statuses = dict(Program.Status.choices)
    groups: dict[tuple[str, str], dict[int, DuplicateProgram]] = {}
    for key, zip_code, pk, name, status in rows:
        members = groups.setdefault((key, zip_code), {})
        members[pk] = DuplicateProgram(
            pk=pk, name=name, status_label=str(statuses.get(status, status))
        )
    return tuple(
        DuplicateGroup(
            name=next(iter(members.values())).name,
            zip_code=zip_code,
            programs=tuple(members.values()),
        )
        for (_key, zip_code), members in groups.items()
    )


def _count(rows: Iterable[dict[str, int]], field: str) -> int:
    return sum(row.get(field, 0) for row in rows)


def program_quality_report(*, today: datetime.date | None = None) -> QualityReport:
    """Every number on the data-quality dashboard, in six queries whatever the catalogue size."""
    today = today or timezone.localdate()
    cutoff = stale_cutoff(today)
    per_status = _by_status(today=today)
    empty: dict[str, int] = {}
    by_status = tuple(
        CountRow(key=value, label=str(label), count=per_status.get(value, empty).get("total", 0))
        for value, label in Program.Status.choices
    )
    missing = tuple(
        MissingRow(
            kind=kind.value,
            label=str(kind.label),
            by_status=tuple(
                CountRow(
                    key=value,
                    label=str(label),
                    count=per_status.get(value, empty).get(f"missing_{kind.value}", 0),
                )
                for value, label in Program.Status.choices
            ),
            total=_count(per_status.values(), f"missing_{kind.value}"),
        )
        for kind in MissingData
    )
    never = _count(per_status.values(), f"verification_{Verification.NEVER.value}")
    expired = _count(per_status.values(), f"verification_{Verification.EXPIRED.value}")
    duplicate_groups = _duplicate_groups()
    return QualityReport(
        today=today,
        stale_cutoff=cutoff,
        total=sum(row.count for row in by_status),
        by_status=by_status,
        by_source=_by_source(),
        by_level=tuple(
            CountRow(
                key=info.code,
                label=str(info.label),
                count=_count(per_status.values(), f"level_{info.code}"),
            )
            for info in care_levels.LEVELS
        ),
        by_state=_by_state(),
        missing=missing,
        stale=StaleSummary(total=never + expired, never_verified=never, expired=expired),
        freshness=_freshness(today=today, cutoff=cutoff, never_verified=never),
        duplicate_groups=duplicate_groups,
        duplicate_program_count=len(
            {member.pk for group in duplicate_groups for member in group.programs}
        ),
        import_runs=tuple(ImportRun.objects.all()[:IMPORT_RUNS_SHOWN]),
    )
