"""The list API's OpenAPI parameters, read from the directory's FilterSet.

drf-spectacular's django-filter extension gives each filter its name, description (help
text or label), enum and array style. Our filters apply through ``method=``, whose
``value`` hint is too loose to type them, so the filter class and its form-field bounds
(min_value, max_value, max_length) complete the schema, and choices keep the FilterSet's
order: a new filter needs no edit here.
"""

from __future__ import annotations

from typing import Any

import django_filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension

# Checked in order: TickboxFilter is a BooleanFilter; anything else is read as text.
FILTER_TYPES = [
    (django_filters.BooleanFilter, "boolean"),
    (django_filters.NumberFilter, "number"),
    (django_filters.Filter, "string"),
]
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
VOCABULARY_HELP = (
    "Slugs from /api/v1/vocabularies/; repeat the parameter for several. "
    "A programme matches if it has any of them."
)
FIELD_BOUNDS = {"min_value": "minimum", "max_value": "maximum", "max_length": "maxLength"}


class DirectoryFilterExtension(DjangoFilterExtension):
    """django-filter parameters typed by filter class and bounded by the form field."""

    target_class = "django_filters.rest_framework.DjangoFilterBackend"
    priority = 1  # over the extension it refines

    def resolve_filter_field(
        self,
        auto_schema: Any,
        model: Any,
        filterset_class: Any,
        field_name: str,
        filter_field: django_filters.Filter,
    ) -> list[dict[str, Any]]:
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        extra: dict[str, Any] = {
            keyword: filter_field.extra[bound]
            for bound, keyword in FIELD_BOUNDS.items()
            if filter_field.extra.get(bound) is not None
        }
        for filter_class, json_type in FILTER_TYPES:
            if isinstance(filter_field, filter_class):
                extra["type"] = json_type
                break
        choices = filter_field.extra.get("choices")
        if isinstance(choices, list | tuple):
            extra["enum"] = [value for value, _label in choices]
        if getattr(filter_field, "field_name", None) and filter_field.extra.get("to_field_name"):
            extra["pattern"] = SLUG_PATTERN
        for parameter in parameters:
            if "pattern" in extra:
                parameter["description"] = f"{parameter['description']}. {VOCABULARY_HELP}"
            schema = parameter["schema"]
            (schema["items"] if schema.get("type") == "array" else schema).update(extra)
        return parameters
