"""Public pages of the directory: thin views over selectors."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect
from django_ratelimit.decorators import ratelimit

from programs import levels as care_levels
from programs.forms import SuggestionForm, checkbox_options
from programs.html_cache import (
    PRIVATE,
    SHARED_PARAMETERS,
    HtmlParts,
    catalogue_html,
    catalogue_page,
)
from programs.models import Condition
from programs.relax import relax_links
from programs.selectors import (
    program_detail_read,
    program_directory_page,
    program_filterset,
    program_get_published,
)
from programs.services import suggestion_create


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "programs/home.html", {"conditions": Condition.objects.all()})


# The directory's filters shown as lists of checkboxes (see _filter_choices.html).
CHECKBOX_FILTERS = (
    "level",
    "condition",
    "modality",
    "insurance",
    "time",
    "sign",
    "population",
    "language",
)


def _directory_html(request: HttpRequest) -> HtmlParts:
    """The directory's main part and title, or (htmx) its results or where to go instead."""
    filterset = program_filterset(params=request.GET)
    if request.htmx and not filterset.is_valid():
        # The messages sit beside the fields: show the whole page, as without JavaScript.
        return {"redirect": request.get_full_path(), PRIVATE: "1"}
    filterset.form.label_suffix = ""
    context: dict[str, Any] = {"filterset": filterset, "form": filterset.form}
    if filterset.is_valid():
        result = program_directory_page(
            filterset=filterset, page=request.GET.get("page"), per_page=settings.DIRECTORY_PAGE_SIZE
        )
        page_obj = result.page
        if result.notice == "not_a_number":
            context["page_notice"] = _("That page number wasn't valid, so here is the first page.")
        elif result.notice == "past_the_end":
            pages = page_obj.paginator.num_pages
            context["page_notice"] = ngettext(
                "There is only %(pages)d page of results, so here it is.",
                "There are only %(pages)d pages of results, so here is the last one.",
                pages,
            ) % {"pages": pages}
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            page_obj=page_obj,
            programs=page_obj.object_list,
            query_without_page=params.urlencode(),
            place=filterset.place,
            radius=filterset.radius_miles,
            relax_links=relax_links(params=params, radius=filterset.radius_miles)
            if not page_obj
            else [],
        )
    if request.htmx:
        return {"results": render_to_string("programs/_program_results.html", context, request)}
    checkboxes = checkbox_options(filterset.form, CHECKBOX_FILTERS)
    if not filterset.form["level"].value():
        # No level asked for lists IOPs: show that box ticked, so the page says what it lists.
        checkboxes["level"] = [
            replace(option, checked=option.value in care_levels.DEFAULT_CODES)
            for option in checkboxes["level"]
        ]
    context["checkboxes"] = checkboxes
    parts = {
        "title": render_to_string("programs/_directory_title.html", context, request),
        "main": render_to_string("programs/_directory.html", context, request),
    }
    if not filterset.is_valid():
        parts[PRIVATE] = "1"  # a search with a mistake: not shared
    return parts


@vary_on_headers("HX-Request")
def program_list(request: HttpRequest) -> HttpResponse:
    """The directory; a filter changed in place (htmx) gets only the results back."""
    if not request.htmx:
        return catalogue_page(
            request,
            "directory",
            lambda: _directory_html(request),
            "programs/program_list.html",
            parameters=SHARED_PARAMETERS,
        )
    html = catalogue_html(
        request, "directory", lambda: _directory_html(request), parameters=SHARED_PARAMETERS
    )
    if "redirect" in html:
        return HttpResponseClientRedirect(html["redirect"])
    return HttpResponse(html["results"])


def _program_html(request: HttpRequest, slug: str) -> HtmlParts:
    related = program_detail_read(program=program_get_published(slug=slug))
    program = related.program
    context = {"program": program, "related": related}
    return {
        "title": program.name,
        "description": render_to_string("programs/_program_description.html", context, request),
        "main": render_to_string("programs/_program_detail.html", context, request),
    }


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return catalogue_page(
        request, "programme", lambda: _program_html(request, slug), "programs/program_detail.html"
    )


def _suggestion_rate(group: str, request: HttpRequest) -> str:
    return settings.SUGGESTION_RATE_LIMIT


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_suggestion_rate, method="POST", block=False)
def program_suggest(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_get_published(slug=slug)
    form = SuggestionForm(request.POST or None, program=program)
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(
                None,
                _("We have received several suggestions from you already. Please try again later."),
            )
            status = 429
        elif form.is_valid():
            # Robots that fill the hidden field see the same thank-you page; nothing is kept.
            if not form.is_spam:
                suggestion_create(
                    program=program,
                    kind=form.cleaned_data["kind"],
                    message=form.cleaned_data["message"],
                    changes=form.changes(),
                    contact_email=form.cleaned_data["contact_email"],
                    from_program_staff=form.cleaned_data["from_program_staff"],
                )
            return redirect("programs:suggest-thanks", slug=program.slug)
        else:
            status = 400
    return render(
        request, "programs/suggestion_form.html", {"program": program, "form": form}, status=status
    )


def program_suggest_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_get_published(slug=slug)
    return render(request, "programs/suggestion_thanks.html", {"program": program})
