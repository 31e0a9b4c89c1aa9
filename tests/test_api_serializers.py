"""FlatSerializer gives exactly what DRF's own Serializer.to_representation gives."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.utils.safestring import mark_safe
from rest_framework import serializers
from rest_framework.test import APIClient

from iopfinder.api_serializers import FlatSerializer
from matching.api.serializers import MatchResponseSerializer, ProgramMatchSerializer
from programs.api.serializers import ProgramListItemSerializer, ProgramSummarySerializer
from programs.levels import Level
from tests.factories import LocationFactory, ProgramFactory, program_listing_everything
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


def everything_through_drf(monkeypatch) -> None:
    """Every serializer answers through DRF's own per-field path, none built directly."""
    for serializer in (
        FlatSerializer,
        ProgramSummarySerializer,
        ProgramListItemSerializer,
        ProgramMatchSerializer,
        MatchResponseSerializer,
    ):
        monkeypatch.setattr(serializer, "to_representation", drf)


@pytest.fixture
def catalogue_near_10001(manhattan_program):
    """Programmes that differ in everything a result shows, some with no levels, sites or terms."""
    bare = ProgramFactory(
        name="Bare IOP",
        organization="",
        last_verified_on=None,
        accepting_new_patients=None,
        website="",
        conditions=["depression"],
        delivery="hybrid",
    )
    LocationFactory(program=bare, city="Hoboken", state="NJ", zip_code="07030")
    step_up = ProgramFactory(
        name="Step-up Day Programme", levels=Level.IOP | Level.PHP, conditions=["depression"]
    )
    LocationFactory(program=step_up)
    LocationFactory(program=step_up, city="Brooklyn", zip_code="11201")
    program_listing_everything()
    ProgramFactory(name="Virtual Care", delivery="virtual", licensed_states=["NY"])
    return manhattan_program


@pytest.mark.parametrize(
    "answers",
    [
        {
            "conditions": ["depression", "anxiety"],
            "availability": ["evening"],
            "therapies": ["cbt"],
            "insurance": "aetna",
            "language": "es",
        },
        {
            "conditions": ["depression"],
            "format": "either",
            "goals": ["keep-working"],
            "severity": "severe",
        },
        # Recently in hospital: higher care first, the list in groups.
        {"conditions": ["depression"], "recent_hospitalization": True},
    ],
)
def test_a_match_answer_is_the_same_through_drf(monkeypatch, catalogue_near_10001, answers):
    body = {**SAFE_JSON, "location": "10001", "radius": 50, **answers}
    client = APIClient()
    fast = client.post("/api/v1/match/", body, format="json").json()
    everything_through_drf(monkeypatch)
    slow = client.post("/api/v1/match/", body, format="json").json()
    assert len(fast.get("results", ())) >= 2, fast
    assert json.dumps(fast, sort_keys=False) == json.dumps(slow, sort_keys=False)


@pytest.mark.parametrize(
    "answers",
    [
        # A crisis answer: the crisis lines, no list.
        {"conditions": ["depression"], "suicidal_thoughts": True, "suicide_intent": True},
        # Nothing within 5 miles of Anchorage: what to loosen.
        {"conditions": ["depression"], "location": "99501", "radius": 5, "format": "in_person"},
        # Past the last page.
        {"conditions": ["depression"], "page": 40},
    ],
)
def test_an_answer_without_results_is_the_same_through_drf(
    monkeypatch, catalogue_near_10001, answers
):
    body = {**SAFE_JSON, "location": "10001", "radius": 50, **answers}
    client = APIClient()
    fast = client.post("/api/v1/match/", body, format="json").json()
    everything_through_drf(monkeypatch)
    slow = client.post("/api/v1/match/", body, format="json").json()
    assert fast["results"] == [], fast
    assert fast["level_of_care"]["level"] == "crisis" or fast["suggestions"] or fast["total"]
    assert json.dumps(fast, sort_keys=False) == json.dumps(slow, sort_keys=False)


@pytest.mark.parametrize("query", ["?near=10001&radius=50", "?sort=name", "?format=virtual"])
def test_a_directory_answer_is_the_same_through_drf(monkeypatch, catalogue_near_10001, query):
    client = APIClient()
    fast = client.get(f"/api/v1/programs/{query}").json()
    everything_through_drf(monkeypatch)
    slow = client.get(f"/api/v1/programs/{query}").json()
    assert fast["results"], fast
    assert json.dumps(fast, sort_keys=False) == json.dumps(slow, sort_keys=False)
