"""The questionnaire and its results: thin views, nothing stored."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from matching.forms import IntakeForm


def intake(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None)
    response = render(request, "matching/intake_form.html", {"form": form})
    add_never_cache_headers(response)
    return response
