"""What the shortlists app adds to other apps' pages, without those apps loading it."""

from typing import Any

from django.http import HttpRequest

# Slot name -> templates included there by partials/_slot.html, in order.
TEMPLATE_SLOTS = {
    "program_actions": ["shortlists/slots/program_actions.html"],
    "match_controls": ["shortlists/slots/match_controls.html"],
    "match_actions": ["shortlists/slots/match_actions.html"],
}

# Every slot named, with nothing in it (a template asking for a missing name costs more).
NO_SLOTS: dict[str, tuple[str, ...]] = {name: () for name in TEMPLATE_SLOTS}


def template_slots(request: HttpRequest) -> dict[str, Any]:
    """The shortlist controls for the programme card and page and for match results.

    Only approved clinicians see them, so a visitor who is not signed in is offered none:
    a directory page then renders no slot at all, not twenty empty ones.
    """
    if not request.user.is_authenticated:
        return {"template_slots": NO_SLOTS}
    return {"template_slots": TEMPLATE_SLOTS}
