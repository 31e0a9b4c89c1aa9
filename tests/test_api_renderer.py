"""The API's JSON (orjson) is what DRF's own JSONRenderer writes, value for value."""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer

from iopfinder.api_renderers import APIJSONRenderer


@dataclass
class Point:
    x: int


CASES = {
    "text and numbers": {"name": "Midtown IOP", "score": 97, "miles": 0.3, "open": None},
    "accents": {"label": "Ansiedad (generalizada, social, pánico)"},
    "line separators": {"text": "one\u2028two\u2029three"},
    "decimal": {"hours": Decimal("1.50")},
    "aware datetime": {
        "updated_at": datetime.datetime(2026, 11, 30, 9, 30, 5, 123456, tzinfo=datetime.UTC)
    },
    "date and time": {"on": datetime.date(2026, 6, 24), "at": datetime.time(18, 30)},
    "uuid": {"id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    "lazy translation": {"label": gettext_lazy("Depression")},
    "integer keys": {1: "one", 2: "two"},
    "nested lists": {"levels": [{"code": "iop", "asam": "2.1"}], "empty": []},
}


@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_the_same_json_as_drf_writes(data):
    ours = APIJSONRenderer().render(data, "application/json")
    drf = JSONRenderer().render(data, "application/json")
    assert json.loads(ours) == json.loads(drf)
    assert ours == drf


@pytest.mark.parametrize("value", [object(), Point(1)], ids=["unknown object", "dataclass"])
def test_what_drf_refuses_is_refused_not_written_as_null(value):
    with pytest.raises(TypeError):
        JSONRenderer().render({"value": value}, "application/json")
    with pytest.raises(TypeError):
        APIJSONRenderer().render({"value": value}, "application/json")
