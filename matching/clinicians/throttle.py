"""Log-in throttling that slows a guesser down without locking the account for everyone.

Failures are counted per account *and* client pair (iopfinder/client.py says who the client
is). Each failure makes that pair wait longer before its next try (1, 2, 4, … seconds);
after ``LOGIN_THROTTLE_ATTEMPTS`` failures the pair cools down for
``LOGIN_THROTTLE_COOLDOWN_SECONDS``. The same account from another client is never held
back, so nobody can lock a clinician out by typing wrong passwords for them. Keys hold a
hash of the email and address, never the values. With several server processes the cache
must be shared (Redis; production refuses to start without it).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

# The clock is a module attribute so tests can move time forward.
clock = time.time


@dataclass(frozen=True)
class LoginWait:
    """How long a pair must wait before its next try, and whether it is a cooldown."""

    seconds: int
    cooldown: bool


def _key(username: str, address: str) -> str:
    pair = f"{username.strip().lower()}\n{address}"
    return f"login-failures:{hashlib.sha256(pair.encode()).hexdigest()[:40]}"


def login_wait(*, username: str, address: str) -> LoginWait | None:
    """The wait this account and client still owe before a try is checked, or None."""
    state = cache.get(_key(username, address))
    if not state:
        return None
    failures, not_before = state
    remaining = not_before - clock()
    if remaining <= 0:
        return None
    return LoginWait(
        seconds=max(math.ceil(remaining), 1),
        cooldown=failures >= settings.LOGIN_THROTTLE_ATTEMPTS,
    )


def _delay(failures: int) -> int:
    if failures >= settings.LOGIN_THROTTLE_ATTEMPTS:
        return settings.LOGIN_THROTTLE_COOLDOWN_SECONDS
    return 2 ** (failures - 1)


def login_failure_record(*, username: str, address: str) -> LoginWait:
    """Count one failed try for this account and client; return the wait it now owes."""
    key = _key(username, address)
    state = cache.get(key)
    failures = (state[0] if state else 0) + 1
    if failures > settings.LOGIN_THROTTLE_ATTEMPTS:
        # A try after a cooldown that fails again starts a new, short series of delays.
        failures = 1
    delay = _delay(failures)
    cache.set(key, (failures, clock() + delay), timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    return LoginWait(seconds=delay, cooldown=failures >= settings.LOGIN_THROTTLE_ATTEMPTS)


def login_failures_clear(*, username: str, address: str) -> None:
    """Forget this account and client's failures after a successful log-in."""
    cache.delete(_key(username, address))
