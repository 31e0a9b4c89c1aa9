"""JSON bodies for the API: bounded in depth, and a key given twice is an error, not a guess."""

from __future__ import annotations

import codecs
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

MAX_JSON_DEPTH = 20


class DuplicateKey(ValueError):
    """The same key twice in one object: which value was meant cannot be known."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DuplicateKey(key)
        result[key] = value
    return result


def _too_deep(value: Any, limit: int) -> bool:
    """Whether nesting goes past ``limit`` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than MAX_JSON_DEPTH or with a key twice."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            data = json.load(
                codecs.getreader(encoding)(stream),
                object_pairs_hook=_unique_keys,
                parse_constant=json.strict_constant if self.strict else None,
            )
        except RecursionError as error:
            raise ParseError(_("The JSON is nested too deeply.")) from error
        except DuplicateKey as error:
            raise ParseError(
                _("The key “%(key)s” appears twice in one object; send it once.")
                % {"key": error.key}
            ) from error
        except ValueError as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from error
        if _too_deep(data, MAX_JSON_DEPTH):
            raise ParseError(
                _("The JSON is nested too deeply (more than %(levels)d levels).")
                % {"levels": MAX_JSON_DEPTH}
            )
        return data
