"""Vocabularies change rarely and every match reads all of them: a copy per process.

Each process keeps what it read under a token from the shared cache; any change to a
vocabulary (a term saved or deleted, an import or a programme edit, which may add terms
in bulk) replaces the token, so every worker reads the vocabularies again on its next
use. Without a shared cache (Redis down) there is no token to match and every use reads
them, as before the copy existed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.translation import get_language

from programs.tokens import current_token, replace_token

CACHE_KEY = "programs:vocabulary-token"
T = TypeVar("T")

_copies: dict[tuple[str, str | None], tuple[str, Any]] = {}
_lock = threading.Lock()


def vocabulary_token() -> str | None:
    """The shared token of the vocabularies' current state (None: no shared cache)."""
    return current_token(CACHE_KEY)


def vocabulary_changed(**_signal: Any) -> None:
    """Every process reads the vocabularies again (see ``programs.tokens``)."""
    replace_token(CACHE_KEY)


def vocabulary_cached(name: str, read: Callable[[], T]) -> T:
    """``read()``'s result for the active language, read again after any vocabulary change."""
    token = vocabulary_token()
    key = (name, get_language())
    held = _copies.get(key)
    if token is not None and held is not None and held[0] == token:
        return held[1]
    value = read()
    if token is not None:
        with _lock:
            _copies[key] = (token, value)
    return value
