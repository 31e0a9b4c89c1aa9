"""The questionnaire and its results: thin views, nothing stored or logged."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django_htmx.http import reswap, retarget

from iopfinder.limits import limit_posts
from matching.forms import IntakeForm
from matching.relax import relax_answers
from matching.screening import Level, screen
from matching.services import MatchResult, match_programs
from matching.validation import crisis_answers

MAX_PAGE = 1000
OUTCOME_TEMPLATES = {
    Level.CRISIS: "matching/crisis.html",
    Level.HIGHER_CARE: "matching/higher_care.html",
}


def render_match(
    request: HttpRequest, *, form: IntakeForm, result: MatchResult, status: int = 200
) -> HttpResponse:
    """The page for a screened intake: crisis help, step-up guidance, or ranked matches."""
    level = result.level_of_care
    template = OUTCOME_TEMPLATES.get(level.level, "matching/match_results.html")
    partial = bool(request.htmx) and template == "matching/match_results.html"
    if partial:
        # "More results" or "loosen" pressed with htmx: only the results change, in place.
        template = "matching/_match_results.html"
    response = render(
        request, template, {"form": form, "result": result, "level": level}, status=status
    )
    if partial:
        retarget(response, "#match-results")
    # Answers about mental health must not linger in caches or browser history.
    add_never_cache_headers(response)  # no-store, no-cache, must-revalidate, private
    return response


def _page_number(value: str | None) -> int:
    """The results page asked for by "More results"; anything odd means the first."""
    try:
        return max(1, min(int(value or 1), MAX_PAGE))
    except ValueError:
        return 1


def whole_page_for_htmx(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any answer to an htmx request other than the results replaces the whole page.

    A crisis page, the questionnaire with its errors or "too many requests" must never be
    squeezed into the results' place (nor hidden by it): they take the whole page, as they
    would without JavaScript. The address bar stays as it is: answers are never in a URL.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.htmx and not response.has_header("HX-Retarget"):
            retarget(response, "body")
            reswap(response, "innerHTML")
        return response

    return wrapper


@whole_page_for_htmx
@sensitive_post_parameters()
@limit_posts(
    group="match",
    # The match API's rate: the questionnaire must not be a way around it.
    rate=lambda: settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["match"],
    message=_("You have asked for several matches in a short time."),
    # A crisis answer is never limited: the person must get the crisis lines.
    exempt=lambda request: bool(crisis_answers(request.POST)),
)
def intake(request: HttpRequest) -> HttpResponse:
    """GET shows the questionnaire; POST screens (safety first) and ranks, or asks again."""
    if request.method != "POST":
        response = render(request, "matching/intake_form.html", {"form": IntakeForm()})
        add_never_cache_headers(response)
        return response

    data = request.POST
    form = IntakeForm(data)
    intake = form.screened_intake()
    relaxed = relax_answers(data, intake) if intake is not None and data.get("relax") else None
    if relaxed is not None:
        data, form = relaxed, IntakeForm(relaxed)
        intake = form.screened_intake()
    # A crisis answer wins over every other answer, valid or not, and over "Change my answers".
    crisis = intake is not None and screen(intake).level == Level.CRISIS
    if intake is not None and (crisis or not data.get("edit")):
        page = _page_number(data.get("page"))
        return render_match(request, form=form, result=match_programs(intake=intake, page=page))
    # Answers to fix are a 400; "Change my answers" shows the filled form as it was.
    status = 400 if form.errors else 200
    response = render(request, "matching/intake_form.html", {"form": form}, status=status)
    add_never_cache_headers(response)
    return response
