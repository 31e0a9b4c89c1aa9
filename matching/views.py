"""The questionnaire and its results: thin views, nothing stored or logged."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_post_parameters

from matching.forms import IntakeForm
from matching.services import match_programs

RELAXATIONS = {"wider", "virtual", "any_insurance", "any_language", "waitlist"}


def _relaxed(data: QueryDict, relax: str) -> QueryDict:
    """The same answers with one constraint loosened, from an empty-results suggestion."""
    data = data.copy()
    if relax == "wider":
        try:
            radius = int(data.get("radius") or 25)
        except ValueError:
            radius = 25
        data["radius"] = str(min(max(radius * 2, 50), 500))
    elif relax == "virtual":
        data["format"] = "either"
    elif relax == "any_insurance":
        data.pop("insurance_required", None)
    elif relax == "any_language":
        data.pop("language_required", None)
    elif relax == "waitlist":
        data["accept_waitlist"] = "on"
    return data


@sensitive_post_parameters()
def intake(request: HttpRequest) -> HttpResponse:
    """GET shows the questionnaire; POST screens and ranks, or re-shows it with messages."""
    if request.method != "POST":
        response = render(request, "matching/intake_form.html", {"form": IntakeForm()})
        add_never_cache_headers(response)
        return response

    data = request.POST
    relax = data.get("relax", "")
    if relax in RELAXATIONS:
        data = _relaxed(data, relax)
    form = IntakeForm(data)
    if not form.is_valid() or data.get("edit"):
        response = render(request, "matching/intake_form.html", {"form": form})
    else:
        result = match_programs(intake=form.to_intake())
        template = (
            "matching/crisis.html"
            if not result.level_of_care.show_programs
            else "matching/match_results.html"
        )
        response = render(
            request, template, {"form": form, "result": result, "level": result.level_of_care}
        )
    # Answers about mental health must not linger in caches or browser history.
    add_never_cache_headers(response)  # no-store, no-cache, must-revalidate, private
    return response
