"""The one notion of a client's address, shared by every limit on the site.

DRF's throttles (``NUM_PROXIES``), django-ratelimit (``RATELIMIT_IP_META_KEY``) and the
log-in limiter all call :func:`client_address`, so a client is the same client everywhere.
Behind ``TRUSTED_PROXY_COUNT`` reverse proxies the address is read from X-Forwarded-For,
counting from the right (the hops our own proxies appended), never the left, which anyone
can write.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the hop the last trusted proxy saw."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:
        return remote
    # The same hop DRF's SimpleRateThrottle.get_ident picks for NUM_PROXIES.
    return hops[-min(proxies, len(hops))]
