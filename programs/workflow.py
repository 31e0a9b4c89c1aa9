"""The listing workflow: which status may follow which, and what a listing needs to go live.

Kept free of database writes so the admin, the services and the tests share one table.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from programs.models import STALE_AFTER_DAYS, Program

Status = Program.Status

# draft -> in review -> published -> archived, with the ways back a curator needs.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.IN_REVIEW, Status.ARCHIVED}),
    Status.IN_REVIEW: frozenset({Status.PUBLISHED, Status.DRAFT, Status.ARCHIVED}),
    Status.PUBLISHED: frozenset({Status.IN_REVIEW, Status.ARCHIVED}),
    Status.ARCHIVED: frozenset({Status.DRAFT}),
}


class WorkflowError(Exception):
    """A status change the workflow does not allow; the message says why, for a curator."""


def transition_problem(program: Program, to_status: str) -> str | None:
    """Why ``program`` cannot move to ``to_status`` now, or None when it can."""
    if to_status not in Status.values:
        return _("“%(status)s” is not a status.") % {"status": to_status}
    current = program.status
    if current == to_status:
        return _("%(program)s is already “%(status)s”.") % {
            "program": program.name,
            "status": Status(current).label,
        }
    if to_status not in ALLOWED_TRANSITIONS[current]:
        return _("%(program)s cannot go from “%(from)s” to “%(to)s”.") % {
            "program": program.name,
            "from": Status(current).label,
            "to": Status(to_status).label,
        }
    if to_status == Status.PUBLISHED:
        return publish_problem(program)
    return None


def publish_problem(program: Program) -> str | None:
    """What a listing lacks before people can rely on it, or None."""
    missing = []
    if not (program.phone or program.intake_phone or program.website or program.email):
        missing.append(_("a way to contact the programme (phone, website or email)"))
    if program.offers_in_person and not program.locations.exists():
        missing.append(_("an address, as it meets in person"))
    if program.delivery == Program.Delivery.VIRTUAL and not program.licensed_states.exists():
        missing.append(_("the states where it may treat people virtually"))
    if not missing:
        return None
    return _("%(program)s cannot be published yet: it needs %(missing)s.") % {
        "program": program.name,
        "missing": _("; ").join(str(item) for item in missing),
    }


def stale_cutoff(today: datetime.date) -> datetime.date:
    """Listings last verified before this date are stale (see Program.is_stale)."""
    return today - datetime.timedelta(days=STALE_AFTER_DAYS)
