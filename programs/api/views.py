"""Public, read-only API over the catalogue: thin views over the directory's selectors."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iopfinder.api_errors import error_responses
from programs.api.serializers import (
    ProgramDetailSerializer,
    ProgramListItemSerializer,
    VocabulariesSerializer,
)
from programs.filters import Sort
from programs.models import VOCABULARY_RELATIONS, Program
from programs.schedule import TimeOfDay
from programs.selectors import program_filterset, program_get_published

API_TAG = "Catalogue"


class FormatIsAFilter(DefaultContentNegotiation):
    """Here ``format`` chooses in person or virtual programmes, never a response format."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class DirectoryPagination(PageNumberPagination):
    """The directory's page size by default; clients may ask for up to 100 per page."""

    page_size = settings.DIRECTORY_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100


def reject_null_characters(params: QueryDict) -> None:
    """400 for a NUL character in any parameter: databases refuse them, so never query with one."""
    errors = {
        key: [_("Null characters are not allowed.")]
        for key, values in params.lists()
        if any("\x00" in value for value in values)
    }
    if errors:
        raise serializers.ValidationError(errors)


def _slug_list(name: str, vocabulary: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"}},
        explode=True,
        style="form",
        description=(
            f"{vocabulary} slugs from /api/v1/vocabularies/; repeat the parameter for several. "
            "A programme matches if it has any of them."
        ),
    )


LIST_PARAMETERS = [
    OpenApiParameter(
        "near",
        OpenApiTypes.STR,
        examples=[
            OpenApiExample("A ZIP code", value="10001"),
            OpenApiExample("A city and state", value="Austin, TX"),
        ],
        description=(
            'A five-digit ZIP code or "City, ST". In person: programmes with a site within '
            "`radius`. With `format=virtual`: programmes licensed in that state."
        ),
    ),
    OpenApiParameter(
        "radius",
        {"type": "number", "minimum": 1, "maximum": settings.DIRECTORY_MAX_RADIUS_MILES},
        description=f"Miles from `near` (default {settings.DIRECTORY_DEFAULT_RADIUS_MILES}).",
    ),
    _slug_list("condition", "Condition"),
    _slug_list("modality", "Therapy or service"),
    _slug_list("insurance", "Insurance"),
    _slug_list("language", "Language"),
    _slug_list("population", "Population"),
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["in_person", "virtual"],
        description="In person (or hybrid) programmes, or virtual (or hybrid) ones.",
    ),
    OpenApiParameter(
        "time",
        {"type": "array", "items": {"type": "string", "enum": list(TimeOfDay.values)}},
        explode=True,
        style="form",
        description="Times the seeker can attend; a programme matches with a session in any.",
    ),
    OpenApiParameter(
        "age",
        {"type": "integer", "minimum": 0, "maximum": 120},
        description="Only programmes that take people of this age.",
    ),
    OpenApiParameter(
        "accepting",
        OpenApiTypes.BOOL,
        description="true: only programmes accepting new patients.",
    ),
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": 200},
        description="Words in the name, organisation, description or city.",
    ),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=[value for value, _label in Sort.CHOICES],
        description="Default: nearest first with `near`, best text match with `q`, else name.",
    ),
]


@extend_schema(tags=[API_TAG])
@extend_schema_view(
    get=extend_schema(
        summary="Search the directory",
        parameters=LIST_PARAMETERS,
        responses={200: ProgramListItemSerializer(many=True), **error_responses(400, 404, 429)},
    )
)
class ProgramListView(generics.ListAPIView):
    """Published programmes, filtered exactly as the HTML directory filters them."""

    serializer_class = ProgramListItemSerializer
    pagination_class = DirectoryPagination
    content_negotiation_class = FormatIsAFilter
    authentication_classes: list[type] = []  # public data: nobody needs to sign in
    permission_classes = [AllowAny]  # read-only by construction: GET is the only handler
    filter_backends: list[type] = []  # the directory's FilterSet is applied in list()
    queryset = Program.objects.none()  # for the schema only; list() uses the selector

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        reject_null_characters(request.query_params)
        filterset = program_filterset(params=request.query_params)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


@extend_schema(tags=[API_TAG])
@extend_schema_view(
    get=extend_schema(
        summary="One programme",
        responses={200: ProgramDetailSerializer, **error_responses(404, 429)},
    )
)
class ProgramDetailView(generics.RetrieveAPIView):
    """One published programme, everything its page shows."""

    serializer_class = ProgramDetailSerializer
    authentication_classes: list[type] = []  # public data: nobody needs to sign in
    permission_classes = [AllowAny]  # read-only by construction: GET is the only handler
    filter_backends: list[type] = []
    lookup_field = "slug"
    queryset = Program.objects.none()  # for the schema only; get_object() uses the selector

    def get_object(self) -> Program:
        return program_get_published(slug=self.kwargs["slug"])


@extend_schema(tags=[API_TAG])
class VocabulariesView(APIView):
    """Every controlled vocabulary (slug and label), in display order."""

    authentication_classes: list[type] = []  # public data: nobody needs to sign in
    permission_classes = [AllowAny]  # read-only by construction: GET is the only handler

    @extend_schema(
        summary="Vocabularies for building a search or intake form",
        responses={200: VocabulariesSerializer, **error_responses(429)},
    )
    def get(self, request: Request) -> Response:
        terms = {name: model.objects.all() for name, model in VOCABULARY_RELATIONS.items()}
        return Response(VocabulariesSerializer(terms).data)
