"""Tokens in the shared cache that name a state of the catalogue.

A process that keeps something derived from the catalogue keeps it under the token it
read; a write replaces the token, so every worker on every machine drops its copy.
Without a shared cache (Redis down) there is no token, and nothing is kept.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction


def current_token(key: str) -> str | None:
    """The token under ``key`` (made on first use); None without a shared cache."""
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key)
    return token


def replace_token(key: str) -> None:
    """A new token under ``key``: now (this transaction's own reads) and once the change is
    committed (so nothing derived before the commit outlives it)."""

    def replace() -> None:
        cache.set(key, uuid.uuid4().hex, timeout=None)

    replace()
    transaction.on_commit(replace)
