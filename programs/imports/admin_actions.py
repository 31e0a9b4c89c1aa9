"""Admin actions that belong to the import/export feature."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.imports.services import programs_export_csv
from programs.models import Program


@admin.action(description=_("Export selected programmes as CSV"), permissions=["view"])
def export_programs_csv(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Program]
) -> HttpResponse:
    """Download the selected programmes in our CSV format (docs/csv-format.md)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="programmes-{stamp}.csv"'
    programs_export_csv(queryset=queryset, stream=response)
    return response
