"""The data-quality dashboard at /admin/quality/: staff only, inside the admin's look."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs.models import STALE_AFTER_DAYS, ImportRun, Program
from programs.quality import (
    CountRow,
    FreshnessBucket,
    QualityReport,
    StateRow,
    Verification,
    program_quality_report,
)

PUBLISHED = Program.Status.PUBLISHED

# Chart geometry, in SVG user units (the SVG scales to its container).
CHART_WIDTH = 640
LABEL_WIDTH = 160
VALUE_WIDTH = 56
ROW_HEIGHT = 22
BAR_HEIGHT = 14
CHART_PADDING = 6

# Beyond this many groups the dashboard points to the full list instead of growing longer.
DUPLICATE_GROUPS_SHOWN = 50


def changelist_url(**params: object) -> str:
    """The programme list in the admin, filtered by the given query parameters."""
    url = reverse("admin:programs_program_changelist")
    query = {key: str(value) for key, value in params.items() if value is not None}
    return f"{url}?{urlencode(query)}" if query else url


@dataclass(frozen=True)
class LinkedCount:
    """A number on the dashboard and the admin list of the programmes it counts."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class MissingLine:
    label: str
    cells: tuple[LinkedCount, ...]
    total: LinkedCount


@dataclass(frozen=True)
class StateLine:
    code: str
    name: str
    published: LinkedCount
    total: LinkedCount


@dataclass(frozen=True)
class ChartRow:
    """One horizontal bar, its optional lighter bar behind (a larger total) and its label."""

    label: str
    value: int
    url: str
    css_class: str
    y: float
    text_y: float
    width: float
    secondary_width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_x: int
    bar_x: int
    bar_height: int
    rows: tuple[ChartRow, ...]


def bar_chart(rows: Iterable[tuple[str, int, int, str, str]]) -> BarChart:
    """Lay out horizontal bars for ``(label, value, secondary value, url, css class)`` rows."""
    rows = list(rows)
    largest = max([max(value, secondary) for _label, value, secondary, _url, _css in rows] or [0])
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH

    def scaled(value: int) -> float:
        # A non-zero count always shows at least a sliver, so it is not mistaken for zero.
        if not largest or not value:
            return 0.0
        return round(max(value / largest * bar_space, 2.0), 1)

    laid_out = []
    for index, (label, value, secondary, url, css_class) in enumerate(rows):
        y = CHART_PADDING + index * ROW_HEIGHT
        width = scaled(value)
        secondary_width = scaled(secondary)
        laid_out.append(
            ChartRow(
                label=label,
                value=value,
                url=url,
                css_class=css_class,
                y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                text_y=y + ROW_HEIGHT / 2,
                width=width,
                secondary_width=secondary_width,
                value_x=LABEL_WIDTH + max(width, secondary_width) + 6,
            )
        )
    return BarChart(
        width=CHART_WIDTH,
        height=2 * CHART_PADDING + len(laid_out) * ROW_HEIGHT,
        label_x=LABEL_WIDTH - 8,
        bar_x=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        rows=tuple(laid_out),
    )


def freshness_url(bucket: FreshnessBucket) -> str:
    """Published programmes last verified within the bucket's dates (or never)."""
    if bucket.start is None and bucket.end is None:
        return changelist_url(stale=Verification.NEVER.value)
    return changelist_url(
        status__exact=PUBLISHED,
        last_verified_on__gte=bucket.start.isoformat() if bucket.start else None,
        last_verified_on__lt=bucket.end.isoformat() if bucket.end else None,
    )


def import_run_took(run: ImportRun) -> str | None:
    """How long a finished run took; in seconds under a minute, where timesince says "0 minutes"."""
    if run.finished_at is None:
        return None
    seconds = round((run.finished_at - run.started_at).total_seconds())
    if seconds < 60:
        return ngettext("%(seconds)d second", "%(seconds)d seconds", seconds) % {"seconds": seconds}
    return timesince(run.started_at, run.finished_at)


def _status_counts(rows: Iterable[CountRow], **params: object) -> tuple[LinkedCount, ...]:
    return tuple(
        LinkedCount(row.label, row.count, changelist_url(status__exact=row.key, **params))
        for row in rows
    )


def _state_lines(states: Iterable[StateRow]) -> tuple[StateLine, ...]:
    return tuple(
        StateLine(
            code=state.code,
            name=state.name,
            published=LinkedCount(
                state.name,
                state.published,
                changelist_url(status__exact=PUBLISHED, locations__state=state.code),
            ),
            total=LinkedCount(state.name, state.total, changelist_url(locations__state=state.code)),
        )
        for state in states
    )


def dashboard_context(report: QualityReport) -> dict[str, object]:
    """Every number of the report paired with the admin list it counts, and the two charts."""
    states = _state_lines(report.by_state)
    # Newest first, so the stale quarters, "earlier" and "never" sit together at the bottom.
    freshness = tuple(
        (bucket, LinkedCount(bucket.label, bucket.count, freshness_url(bucket)))
        for bucket in reversed(report.freshness)
    )
    return {
        "total": LinkedCount(_("All programmes"), report.total, changelist_url()),
        "by_status": _status_counts(report.by_status),
        "by_source": tuple(
            LinkedCount(row.label, row.count, changelist_url(source__exact=row.key))
            for row in report.by_source
        ),
        "by_level": tuple(
            LinkedCount(row.label, row.count, changelist_url(level=row.key))
            for row in report.by_level
        ),
        "missing": tuple(
            MissingLine(
                label=row.label,
                cells=_status_counts(row.by_status, missing=row.kind),
                total=LinkedCount(row.label, row.total, changelist_url(missing=row.kind)),
            )
            for row in report.missing
        ),
        "stale": (
            LinkedCount(
                _("All stale listings"),
                report.stale.total,
                changelist_url(stale=Verification.STALE.value),
            ),
            LinkedCount(
                _("Never verified"),
                report.stale.never_verified,
                changelist_url(stale=Verification.NEVER.value),
            ),
            LinkedCount(
                _("Last verified before %(cutoff)s") % {"cutoff": date_format(report.stale_cutoff)},
                report.stale.expired,
                changelist_url(stale=Verification.EXPIRED.value),
            ),
        ),
        "freshness": tuple(link for _bucket, link in freshness),
        "freshness_chart": bar_chart(
            (link.label, link.count, 0, link.url, f"quality-bar--{bucket.freshness}")
            for bucket, link in freshness
        ),
        "states": states,
        "state_chart": bar_chart(
            (
                line.name,
                line.published.count,
                line.total.count,
                line.published.url,
                "quality-bar--published",
            )
            for line in states
        ),
        "duplicates": LinkedCount(
            _("Likely duplicates"), report.duplicate_program_count, changelist_url(duplicate="yes")
        ),
        "duplicate_groups": tuple(
            (
                group,
                changelist_url(id__in=",".join(str(member.pk) for member in group.programs)),
            )
            for group in report.duplicate_groups[:DUPLICATE_GROUPS_SHOWN]
        ),
        "duplicate_groups_not_shown": max(len(report.duplicate_groups) - DUPLICATE_GROUPS_SHOWN, 0),
        "import_runs": tuple((run, import_run_took(run)) for run in report.import_runs),
    }


def _quality_dashboard(request: HttpRequest) -> TemplateResponse:
    # admin_view has already sent anyone who is not active staff to the admin login;
    # every number links to the programme list, so seeing them needs the same permission.
    if not request.user.has_perm("programs.view_program"):
        raise PermissionDenied
    report = program_quality_report(today=timezone.localdate())
    context = {
        **admin.site.each_context(request),
        "title": _("Data quality"),
        "report": report,
        "stale_after_days": STALE_AFTER_DAYS,
        "app_label": Program._meta.app_label,
        "app_name": Program._meta.app_config.verbose_name,
        **dashboard_context(report),
    }
    return TemplateResponse(request, "admin/quality.html", context)


quality_dashboard = admin.site.admin_view(_quality_dashboard)
