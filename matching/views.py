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
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from iopfinder.limits import Handler, limit_posts
from matching.forms import LAST_STEP, IntakeForm, moves_between_steps, requested_step
from matching.pdf import results_pdf
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


def _match_rate_limit(
    *, exempt: Callable[[HttpRequest], bool] = lambda request: False
) -> Callable[[Handler], Handler]:
    """The match API's rate for every page that ranks: the browser is no way around it."""
    return limit_posts(
        group="match",
        rate=lambda: settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["match"],
        message=_("You have asked for several matches in a short time."),
        # A crisis answer is never limited: the person must get the crisis lines.
        exempt=lambda request: bool(crisis_answers(request.POST)) or exempt(request),
    )


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
# Moving between the questionnaire's pages ranks nothing, so it is not counted.
@_match_rate_limit(exempt=lambda request: moves_between_steps(request.POST))
def intake(request: HttpRequest) -> HttpResponse:
    """GET shows the first step; POST screens (safety first), then ranks or shows a step."""
    if request.method != "POST":
        return render_step(request, form=IntakeForm(), step=1)

    data = request.POST
    form = IntakeForm(data)
    intake = form.screened_intake()
    relaxed = relax_answers(data, intake) if intake is not None and data.get("relax") else None
    if relaxed is not None:
        data, form = relaxed, IntakeForm(relaxed)
        intake = form.screened_intake()
    # A crisis answer wins over every other answer, valid or not, and over "Change my answers".
    crisis = intake is not None and screen(intake).level == Level.CRISIS
    step = requested_step(data)
    if crisis or (intake is not None and step is None and not data.get("edit")):
        page = _page_number(data.get("page"))
        return render_match(request, form=form, result=match_programs(intake=intake, page=page))
    if data.get("edit"):
        # "Change my answers" starts again at the first step, every answer filled in.
        return render_step(request, form=form, step=1)
    if step is not None and data.get("nav") == "back":
        return render_step(request, form=form, step=step - 1)
    # Every answer so far is checked again, hidden ones too: a step with one to fix is shown.
    to_fix = form.first_step_with_errors(through=step or LAST_STEP)
    if to_fix is not None:
        return render_step(request, form=form, step=to_fix.number, status=400)
    if intake is None or (step is not None and step < LAST_STEP):
        return render_step(request, form=form, step=(step or 0) + 1)
    return render_match(request, form=form, result=match_programs(intake=intake))


def render_step(
    request: HttpRequest, *, form: IntakeForm, step: int, status: int = 200
) -> HttpResponse:
    """One page of the questionnaire: its questions, with every other answer carried hidden."""
    form.show_step(step, with_errors=status == 400)
    response = render(request, "matching/intake_form.html", {"form": form}, status=status)
    add_never_cache_headers(response)
    return response


@require_POST
@sensitive_post_parameters()
@_match_rate_limit()
def intake_results_pdf(request: HttpRequest) -> HttpResponse:
    """The results as a PDF, made from the answers re-posted by the results page; kept nowhere."""
    form = IntakeForm(request.POST)
    intake = form.screened_intake()
    if intake is None:
        to_fix = form.first_step_with_errors(through=LAST_STEP)
        return render_step(request, form=form, step=to_fix.number if to_fix else 1, status=400)
    result = match_programs(intake=intake, page=_page_number(request.POST.get("page")))
    if not result.level_of_care.show_programs:
        # Crisis help and step-up guidance are pages to act on now, not a list to keep.
        return render_match(request, form=form, result=result)
    response = HttpResponse(results_pdf(result=result), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="iop-matches.pdf"'
    add_never_cache_headers(response)
    return response
