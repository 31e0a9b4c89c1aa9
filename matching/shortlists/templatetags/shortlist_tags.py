"""The "Add to shortlist" controls, shown only to approved clinicians.

The clinician and their shortlists are looked up once per request and kept on it, so a
directory page with twenty cards still costs two queries, not forty.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

from matching.clinicians.models import Clinician
from matching.clinicians.selectors import clinician_approved_for_user
from matching.shortlists.models import Shortlist
from matching.shortlists.selectors import shortlist_list
from programs.models import Program

register = template.Library()

_CACHE_ATTRIBUTE = "_shortlist_tags_cache"


def _clinician_and_shortlists(
    request: HttpRequest | None,
) -> tuple[Clinician | None, list[Shortlist]]:
    if request is None or not hasattr(request, "user"):
        return None, []
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        clinician = clinician_approved_for_user(user=request.user)
        shortlists = list(shortlist_list(clinician=clinician)) if clinician else []
        cached = (clinician, shortlists)
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached


@register.inclusion_tag("shortlists/_add_form.html", takes_context=True)
def add_to_shortlist(context: template.Context, program: Program) -> dict[str, Any]:
    """A small POST form: this programme, which shortlist, and a button."""
    request = context.get("request")
    clinician, shortlists = _clinician_and_shortlists(request)
    return {
        "show": clinician is not None,
        "program": program,
        "shortlists": shortlists,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("shortlists/_match_controls.html", takes_context=True)
def shortlist_match_controls(context: template.Context) -> dict[str, Any]:
    """On match results (inside the answers form): which shortlist, and whether to attach answers."""
    clinician, shortlists = _clinician_and_shortlists(context.get("request"))
    return {"show": clinician is not None, "shortlists": shortlists}


@register.inclusion_tag("shortlists/_match_button.html", takes_context=True)
def add_to_shortlist_from_match(context: template.Context, program: Program) -> dict[str, Any]:
    """A button that posts the answers form to the shortlist instead of re-matching."""
    clinician, _shortlists = _clinician_and_shortlists(context.get("request"))
    return {"show": clinician is not None, "program": program}
