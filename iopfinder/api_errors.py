"""One JSON shape for every API error, and the exception handler that produces it.

Every error answer looks like::

    {"status": 400, "code": "invalid", "message": "Some values need fixing.",
     "errors": {"radius": ["Ensure this value is less than or equal to 500."]}}

``errors`` maps each input field to its messages (``non_field_errors`` for the request
as a whole) and is ``{}`` when no particular field is at fault.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)
# A lost database connection: answered 503 with Retry-After, never a 500.
DATABASE_ERRORS = (OperationalError, InterfaceError)
DATABASE_RETRY_SECONDS = 30

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


class ErrorSerializer(serializers.Serializer):
    """What every error answer contains (for the OpenAPI description)."""

    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(
        help_text="A stable, machine-readable reason: invalid, not_found, throttled, …"
    )
    message = serializers.CharField(help_text="What went wrong, for a person.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages by input field; non_field_errors for the request as a whole.",
    )


ERROR_DESCRIPTIONS = {
    400: "Some input was invalid; `errors` says which field and why.",
    404: "Nothing is published at this address.",
    405: "This method is not allowed here.",
    415: "The body must be JSON (Content-Type: application/json).",
    429: "Too many requests; the Retry-After header says how many seconds to wait.",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the given error statuses, all in the shared error shape."""
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
        for status in statuses
    }


def error_body(
    *, status: int, code: str, message: str, errors: Mapping[str, list[str]] | None = None
) -> dict[str, Any]:
    """The shared error shape as a dict."""
    return {"status": status, "code": code, "message": message, "errors": dict(errors or {})}


def _messages(detail: Any, prefix: str = "") -> Iterable[str]:
    """Every message in a nested DRF error detail, each prefixed with where it belongs."""
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            where = (
                _("Item %(number)d") % {"number": int(key) + 1}
                if isinstance(key, int) or str(key).isdigit()
                else str(key)
            )
            yield from _messages(value, f"{prefix}{where}: ")
    elif isinstance(detail, list | tuple):
        for item in detail:
            yield from _messages(item, prefix)
    else:
        yield f"{prefix}{detail}"


def field_errors(detail: Any) -> dict[str, list[str]]:
    """A ValidationError's detail as ``{field: [message, …]}`` with one level of fields."""
    if not isinstance(detail, Mapping):
        return {NON_FIELD_ERRORS: list(_messages(detail))}
    return {str(field): list(_messages(value)) for field, value in detail.items()}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with every answer in the shared error shape (and no 500 page)."""
    if isinstance(exc, DATABASE_ERRORS):
        # A lost database: let iopfinder.middleware answer 503 with Retry-After.
        return None
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        # Unexpected: log the traceback (never the request body: it may hold a seeker's
        # answers) and still answer in the documented shape.
        logger.error("Unhandled API error", exc_info=exc)
        return Response(
            error_body(
                status=500,
                code="server_error",
                message=_("Something went wrong on our side. Please try again later."),
            ),
            status=500,
        )
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(
            status=response.status_code,
            code="invalid",
            message=_("Some values need fixing."),
            errors=field_errors(exc.detail),
        )
    else:
        codes, detail = exc.get_codes(), exc.detail
        body = error_body(
            status=response.status_code,
            code=codes if isinstance(codes, str) else "error",
            message=str(detail) if isinstance(detail, str) else " ".join(_messages(detail)),
        )
    response.data = body
    return response


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A JSON 404 under /api/, the site's own page elsewhere."""
    if is_api(request):
        body = error_body(status=404, code="not_found", message=_("Not found."))
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, a page (that needs no database) elsewhere."""
    message = _("We can't reach our database just now. Please try again in a minute.")
    if is_api(request):
        response: HttpResponse = JsonResponse(
            error_body(status=503, code="unavailable", message=message), status=503
        )
    else:
        html = loader.render_to_string(
            "503.html", {"request_id": getattr(request, "request_id", ""), "message": message}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """A JSON 500 under /api/, the site's own page elsewhere; a lost database is a 503."""
    # Django calls this handler while it handles the exception, so the exception is at hand:
    # a lost database met outside the views (a signed-in clinician's session, read by the
    # middleware) is an outage like any other, not a bug.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    if is_api(request):
        body = error_body(
            status=500,
            code="server_error",
            message=_("Something went wrong on our side. Please try again later."),
        )
        return JsonResponse(body, status=500)
    # No request context: the page must render even when the database is what failed.
    html = loader.render_to_string("500.html", {"request_id": getattr(request, "request_id", "")})
    return HttpResponse(html, status=500)
