"""The API's JSON renderer: orjson's speed with DRF's rules.

orjson writes a match answer (~65 KB) in 0.2 ms where DRF's ``JSONRenderer`` took 1.4 ms.
Where the two would differ, DRF's rules win, so clients see what the schema and DRF promise:
dates, times, decimals, UUIDs, lazy translations and anything else orjson does not know are
converted by DRF's own encoder (which refuses what it cannot convert, rather than writing
``null``); integer keys become strings; and the two line separators JavaScript reads as line
breaks (U+2028, U+2029) are escaped as DRF escapes them.
"""

from __future__ import annotations

from typing import Any

import orjson
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_DRF_ENCODER = JSONEncoder()


class APIJSONRenderer(ORJSONRenderer):
    options = (
        orjson.OPT_PASSTHROUGH_DATETIME  # DRF's ISO 8601 ("…Z"), not orjson's
        | orjson.OPT_PASSTHROUGH_DATACLASS  # as DRF: a dataclass is not JSON by itself
        | orjson.OPT_NON_STR_KEYS  # {1: …} as {"1": …}, as the json module writes it
    )

    @staticmethod
    def default(obj: Any) -> Any:
        return _DRF_ENCODER.default(obj)

    def render(
        self, data: Any, media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        body = super().render(data, media_type, renderer_context)
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
