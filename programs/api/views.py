"""Public, read-only API over the catalogue: thin views over the directory's selectors."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
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
from programs.filters import ProgramFilterSet
from programs.models import VOCABULARY_RELATIONS, Program
from programs.selectors import (
    ProgramDetail,
    program_detail_read,
    program_get_published,
    program_listing,
)

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


@extend_schema(tags=[API_TAG])
@extend_schema_view(
    get=extend_schema(
        summary="Search the directory",
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
    # The directory's FilterSet; its parameters document themselves (programs/api/schema.py).
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProgramFilterSet
    queryset = Program.objects.none()  # for the schema only; get_queryset() uses the selector

    def get_queryset(self) -> QuerySet[Program]:
        return program_listing()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        reject_null_characters(request.query_params)
        return super().list(request, *args, **kwargs)


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

    def get_object(self) -> ProgramDetail:
        return program_detail_read(program=program_get_published(slug=self.kwargs["slug"]))


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
