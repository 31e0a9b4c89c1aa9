"""FlatSerializer gives exactly what DRF's own Serializer.to_representation gives."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.utils.safestring import mark_safe
from rest_framework import serializers
from rest_framework.test import APIClient

from iopfinder.api_serializers import FlatSerializer
from tests.intake_answers import SAFE_JSON


@dataclass
class Thing:
    name: str | None
    size: float
    nested: dict

    def shout(self) -> str:
        return self.name.upper() if self.name else ""


class ThingSerializer(FlatSerializer):
    name = serializers.CharField(read_only=True)
    size = serializers.FloatField(read_only=True)
    shout = serializers.CharField(read_only=True)  # a method: DRF calls it
    inner = serializers.CharField(source="nested.key", read_only=True)  # dotted
    missing = serializers.CharField(read_only=True)  # no such attribute: left out
    whole = serializers.SerializerMethodField()

    def get_whole(self, thing: Thing | dict) -> int:
        return len(thing["nested"] if isinstance(thing, dict) else thing.nested)


def drf(serializer: serializers.Serializer, instance) -> dict:
    return serializers.Serializer.to_representation(serializer, instance)


@pytest.mark.parametrize(
    "instance",
    [
        Thing("Ada", 1, {"key": "value"}),
        Thing(None, 2.5, {"key": None}),
        {"name": "a mapping", "size": 3, "shout": "HI", "nested": {"key": "k"}},
    ],
)
def test_flat_serializer_matches_drf(instance):
    serializer = ThingSerializer()
    assert serializer.to_representation(instance) == drf(serializer, instance)


class PlainValuesSerializer(FlatSerializer):
    text = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    share = serializers.FloatField(read_only=True)
    flag = serializers.BooleanField(read_only=True)


@pytest.mark.parametrize(
    "values",
    [
        {"text": "plain", "count": 3, "share": 0.5, "flag": True},
        # Values of another type are converted as DRF converts them.
        {"text": 7, "count": True, "share": 2, "flag": 1},
        {"text": mark_safe("<b>safe</b>"), "count": 2.0, "share": False, "flag": "yes"},
    ],
)
def test_plain_values_come_out_as_drf_gives_them(values):
    instance = type("Values", (), values)()
    serializer = PlainValuesSerializer()
    flat, through_drf = serializer.to_representation(instance), drf(serializer, instance)
    assert flat == through_drf
    assert [type(value) for value in flat.values()] == [type(v) for v in through_drf.values()]


def test_a_match_answer_is_the_same_through_drf(monkeypatch, manhattan_program):
    body = {
        "conditions": ["depression", "anxiety"],
        "location": "10001",
        "availability": ["evening"],
        "therapies": ["cbt"],
        "insurance": "aetna",
        "language": "es",
        **SAFE_JSON,
    }
    client = APIClient()
    fast = client.post("/api/v1/match/", body, format="json").json()
    monkeypatch.setattr(FlatSerializer, "to_representation", drf)
    slow = client.post("/api/v1/match/", body, format="json").json()
    assert fast.get("results"), fast
    assert json.dumps(fast, sort_keys=False) == json.dumps(slow, sort_keys=False)
