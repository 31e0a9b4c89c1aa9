"""Read-only serializers that read plain attributes without DRF's per-field machinery.

A match answers 25 programmes with ~11 reasons, ~10 terms and a site or two each: some 700
nested objects, and DRF's ``Serializer.to_representation`` asks every field of every one of
them for its value through ``Field.get_attribute`` (a generator, a try, a helper that checks
for mappings and callables). ``FlatSerializer`` works out once per serializer which fields
read one attribute of an object and calls ``getattr`` for those; anything else (a mapping,
a missing attribute, a method to call, a dotted or ``*`` source, a field with its own
``get_attribute``) goes through DRF's own path, so the output is the same
(``tests/test_api_serializers.py`` compares them). A value that a plain text, number or
yes/no field would give back unchanged (``str(value)`` of a ``str``) is taken as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers
from rest_framework.fields import SkipField

# Field.get_attribute as DRF defines it: a field that keeps it reads ``source_attrs`` only.
PLAIN_GET_ATTRIBUTE = serializers.Field.get_attribute
# Fields whose to_representation gives a value of this exact type back as it is (DRF's
# own: ``str(value)``, ``float(value)``, ``int(value)``, True/False for a bool).
UNCHANGED = {
    serializers.CharField.to_representation: str,
    serializers.FloatField.to_representation: float,
    serializers.IntegerField.to_representation: int,
    serializers.BooleanField.to_representation: bool,
}


class FlatSerializer(serializers.Serializer):
    """A serializer whose single-attribute fields are read with a plain ``getattr``."""

    @cached_property
    def representation_plan(
        self,
    ) -> list[tuple[serializers.Field, str | None, type | None]]:
        """Each readable field, with the attribute to read directly (None: DRF's path) and
        the type of value it gives back unchanged (None: ask the field)."""
        plan = []
        for field in self.fields.values():
            if field.write_only:
                continue
            plain = (
                type(field).get_attribute is PLAIN_GET_ATTRIBUTE and len(field.source_attrs) == 1
            )
            unchanged = UNCHANGED.get(type(field).to_representation)
            plan.append((field, field.source_attrs[0] if plain else None, unchanged))
        return plan

    def to_representation(self, instance: Any) -> dict[str, Any]:
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        data: dict[str, Any] = {}
        for field, attribute, unchanged in self.representation_plan:
            value = _plain_value(instance, attribute)
            if value is _DRF_PATH:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, serializers.PKOnlyObject) and value.pk is None:
                    value = None
            if value is None or type(value) is unchanged:
                data[field.field_name] = value
            else:
                data[field.field_name] = field.to_representation(value)
        return data


_DRF_PATH = object()


def _plain_value(instance: Any, attribute: str | None) -> Any:
    """``getattr(instance, attribute)``, or ``_DRF_PATH`` when DRF must decide."""
    if attribute is None:
        return _DRF_PATH
    try:
        value = getattr(instance, attribute)
    except (AttributeError, ObjectDoesNotExist):
        return _DRF_PATH
    return _DRF_PATH if callable(value) else value
