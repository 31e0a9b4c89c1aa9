"""Login throttling: a small fixed-window counter in Django's cache.

Failed logins are counted per account and per client address. Keys hold a hash of the
email, never the email itself. With several server processes the cache must be shared
(Redis or Memcached); the default per-process memory cache is enough for one process.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

# One address may try more accounts than one account may be tried: shared networks
# (a hospital's NAT) put many clinicians behind one address.
ADDRESS_FACTOR = 4


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def login_is_throttled(*, username: str, address: str) -> bool:
    """True when this account or this address has failed too often in the window."""
    limit = settings.LOGIN_THROTTLE_ATTEMPTS
    account_failures = cache.get(_key("account", username), 0)
    address_failures = cache.get(_key("address", address), 0)
    return account_failures >= limit or address_failures >= limit * ADDRESS_FACTOR


def login_failure_record(*, username: str, address: str) -> None:
    """Count one failed login for the account and the address."""
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    for key in (_key("account", username), _key("address", address)):
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


def login_failures_clear(*, username: str) -> None:
    """Forget an account's failures after a successful login."""
    cache.delete(_key("account", username))
