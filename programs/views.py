"""Public pages of the directory: thin views over selectors."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from programs.filters import ProgramFilterSet
from programs.models import Condition
from programs.selectors import program_filterset, program_get_published, program_page


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/home.html",
        {"conditions": Condition.objects.all(), "form": ProgramFilterSet().form},
    )


def program_list(request: HttpRequest) -> HttpResponse:
    filterset = program_filterset(params=request.GET)
    context: dict = {"filterset": filterset, "form": filterset.form, "searched": bool(request.GET)}
    if filterset.is_valid():
        result = program_page(
            queryset=filterset.qs,
            page=request.GET.get("page"),
            per_page=settings.DIRECTORY_PAGE_SIZE,
        )
        page_obj = result.page
        if result.notice == "not_a_number":
            context["page_notice"] = _("That page number wasn't valid, so here is the first page.")
        elif result.notice == "past_the_end":
            context["page_notice"] = _(
                "There are only %(pages)d pages of results, so here is the last one."
            ) % {"pages": page_obj.paginator.num_pages}
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            page_obj=page_obj,
            programs=page_obj.object_list,
            query_without_page=params.urlencode(),
            place=filterset.place,
            radius=filterset.radius_miles,
            relax_links=_relax_links(request),
        )
    return render(request, "programs/program_list.html", context)


def _relax_links(request: HttpRequest) -> list[tuple[str, str]]:
    """Ways to widen a search that found nothing, each as (label, query string)."""
    params = request.GET.copy()
    params.pop("page", None)
    links: list[tuple[str, str]] = []
    if params.get("near"):
        wider = params.copy()
        current = params.get("radius") or str(settings.DIRECTORY_DEFAULT_RADIUS_MILES)
        try:
            radius = min(int(float(current)) * 2, settings.DIRECTORY_MAX_RADIUS_MILES)
        except ValueError:
            radius = 50
        wider["radius"] = str(max(radius, 50))
        links.append(
            (_("Search within %(miles)s miles") % {"miles": wider["radius"]}, wider.urlencode())
        )
        if params.get("format") != "virtual":
            virtual = params.copy()
            virtual["format"] = "virtual"
            links.append((_("Show virtual programmes for your state"), virtual.urlencode()))
    narrowing = [
        key
        for key in (
            "condition",
            "modality",
            "insurance",
            "time",
            "language",
            "population",
            "age",
            "accepting",
            "q",
        )
        if params.get(key)
    ]
    if narrowing:
        fewer = params.copy()
        for key in narrowing:
            fewer.pop(key, None)
        links.append((_("Keep the place, clear the other filters"), fewer.urlencode()))
    return links


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = program_get_published(slug=slug)
    return render(request, "programs/program_detail.html", {"program": program})
