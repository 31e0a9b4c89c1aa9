"""Django's Redis cache, failing open: with Redis away, a read misses and a write is dropped.

The cache holds counters (rate limits, throttles, the log-in limiter), the tokens that name
the catalogue's state, and catalogue HTML shared by anonymous visitors (programs/html_cache.py).
When Redis cannot be reached, every limit lets the request through instead of answering 500
(a person is never turned away, least of all from the crisis page, because a counter cannot
be read) and every page is rendered afresh. A catalogue change made while Redis was away
cannot replace the token; if Redis comes back with its old keys, pages cached before the
change may be served until they expire (IOPFINDER_CATALOGUE_HTML_SECONDS). /readyz still
reports the cache as down, so monitoring notices.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


def _fail_open(method: Callable[..., Any], fallback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("cache unreachable, failing open: %s", type(error).__name__)
            return fallback(*args, **kwargs)

    return wrapper


def _default(key: str, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _missing_key(*args: Any, **kwargs: Any) -> int:
    # What Django's incr raises for a key that is not there; django-ratelimit then counts 1.
    raise ValueError("cache unreachable")


class FailOpenRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are dropped while Redis is unreachable."""

    get = _fail_open(RedisCache.get, _default)
    set = _fail_open(RedisCache.set, lambda *args, **kwargs: None)
    add = _fail_open(RedisCache.add, lambda *args, **kwargs: False)
    touch = _fail_open(RedisCache.touch, lambda *args, **kwargs: False)
    delete = _fail_open(RedisCache.delete, lambda *args, **kwargs: False)
    incr = _fail_open(RedisCache.incr, _missing_key)
    has_key = _fail_open(RedisCache.has_key, lambda *args, **kwargs: False)
    get_many = _fail_open(RedisCache.get_many, lambda *args, **kwargs: {})
    set_many = _fail_open(RedisCache.set_many, lambda *args, **kwargs: [])
    delete_many = _fail_open(RedisCache.delete_many, lambda *args, **kwargs: None)
    clear = _fail_open(RedisCache.clear, lambda *args, **kwargs: False)
