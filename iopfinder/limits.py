"""Rate limits for the site's HTML forms, on django-ratelimit and the shared cache.

Clients are told apart by iopfinder/client.py, like every other limit. A limited POST gets a
429 page that says what happened and when to try again, with ``Retry-After``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

Handler = Callable[..., HttpResponse]
RateSource = Callable[[], "str | None"]

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_period_seconds(rate: str) -> int:
    """The window of a rate like ``30/minute``, ``5/h`` or ``10/15m``, in seconds."""
    match = re.fullmatch(r"\d+/(\d*)([smhd])\w*", rate)
    if match is None:
        return 60
    return int(match.group(1) or 1) * _UNIT_SECONDS[match.group(2)]


def too_many_requests(request: HttpRequest, *, message: str, rate: str) -> HttpResponse:
    """The 429 page: what was limited, and Retry-After for the rest of the window."""
    retry_after = rate_period_seconds(rate)
    context = {"message": message, "retry_minutes": max(round(retry_after / 60), 1)}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit_posts(
    *,
    group: str,
    rate: RateSource,
    message: str,
    key: str | Callable[[str, HttpRequest], str] = "ip",
    exempt: Callable[[HttpRequest], bool] | None = None,
) -> Callable[[Handler], Handler]:
    """Limit a view's POSTs to ``rate()`` per client (or ``key``); ``exempt`` ones always pass.

    The rate is read on every request, so settings (and tests) can change it; None is off.
    """

    def decorate(view: Handler) -> Handler:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            current = rate()
            if (
                request.method == "POST"
                and current is not None
                and not (exempt is not None and exempt(request))
                and is_ratelimited(
                    request, group=group, key=key, rate=current, method="POST", increment=True
                )
            ):
                return too_many_requests(request, message=message, rate=current)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
