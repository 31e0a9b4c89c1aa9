"""Request-level safety nets: a request id and one log line per request, a body size limit,
and a 503 (never a traceback) when the database is away."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from iopfinder.api_errors import DATABASE_ERRORS, database_unavailable, error_body, is_api

logger = logging.getLogger("iopfinder.requests")
# A request id from the proxy is kept only if it looks like one (it is echoed and logged).
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

Handler = Callable[[HttpRequest], HttpResponse]


class RequestIdMiddleware:
    """Give each request an id (echoed as X-Request-ID) and log one JSON line for it.

    The line holds the method, the route's name, the status and the time taken: never the
    path's values, query strings, bodies or share tokens, which can say who a seeker is.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        started = time.perf_counter()
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        match = getattr(request, "resolver_match", None)
        logger.info(
            json.dumps(
                {
                    "request_id": request.request_id,
                    "method": request.method,
                    "route": match.view_name if match else None,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                }
            )
        )
        return response


class BodySizeMiddleware:
    """Refuse a body over DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before anything reads it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            message = _("The request is too large (over %(size)d kB).") % {"size": limit // 1024}
            if is_api(request):
                return JsonResponse(
                    error_body(status=413, code="too_large", message=message), status=413
                )
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer a lost database connection with 503, not a 500 and a traceback.

    This sees the views; a lost database met by the middleware around them (reading a signed-in
    clinician's session, saving it) reaches Django's 500 handler, which answers the same 503
    (``iopfinder.api_errors.server_error``).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as error:
            return self._unavailable(request, error)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return self._unavailable(request, exception)
        return None

    @staticmethod
    def _unavailable(request: HttpRequest, error: DatabaseError) -> HttpResponse:
        logger.warning(
            json.dumps(
                {
                    "request_id": getattr(request, "request_id", ""),
                    "event": "database_unavailable",
                    "error": type(error).__name__,
                }
            )
        )
        return database_unavailable(request)


class NoStoreWhenSignedInMiddleware:
    """A signed-in clinician's pages can show patients' lists and notes: never cached."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
