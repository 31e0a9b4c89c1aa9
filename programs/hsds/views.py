"""The HSDS 3.0 read-only API (mounted at /api/hsds/): thin views over programs.hsds.selectors.

HSDS's own API description defines no error body, so errors use the public API's shape
(``{status, code, message, errors}``) with the standard HTTP statuses: 400 for a bad
parameter, 404 for an unknown id, 429 when throttled.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from iopfinder.api_errors import error_responses
from programs.geo import Place
from programs.hsds import mapping
from programs.hsds.selectors import (
    ServiceQuery,
    hsds_location_get,
    hsds_organizations,
    hsds_service_at_location_filter,
    hsds_service_filter,
    hsds_service_get,
    hsds_taxonomies,
    hsds_taxonomy_get,
    hsds_term_get,
    hsds_terms,
)
from programs.interop import (
    interop_attach,
    interop_programs,
    organization_index,
    organization_q,
    postcode_place,
    proximity_place,
    result_page,
)
from programs.models import Program

API_TAG = "Open Referral HSDS 3.0"
MAX_PER_PAGE = 100
MAX_MILES = settings.DIRECTORY_MAX_RADIUS_MILES  # as the directory allows
OBJECT_RESPONSE = {200: OpenApiResponse(OpenApiTypes.OBJECT), **error_responses(400, 404, 429)}


class FormatIsAParameter(DefaultContentNegotiation):
    """HSDS's ``format`` asks for json or ndjson; it never picks a DRF renderer."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class PageQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    per_page = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PER_PAGE, default=settings.DIRECTORY_PAGE_SIZE
    )
    search = serializers.CharField(required=False, default="", allow_blank=True, max_length=200)
    format = serializers.ChoiceField(
        choices=["json"],
        required=False,
        help_text="Only json: this API pages its results.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for key, value in self.initial_data.items():
            if "\x00" in str(value):
                raise serializers.ValidationError({key: [_("Null characters are not allowed.")]})
        return attrs


class ServiceQuerySerializer(PageQuerySerializer):
    taxonomy_term_id = serializers.UUIDField(required=False)
    taxonomy_id = serializers.UUIDField(required=False)
    organization_id = serializers.UUIDField(required=False)
    modified_after = serializers.DateTimeField(required=False)
    postcode = serializers.RegexField(
        r"^\d{5}(-\d{4})?$", required=False, help_text="A US ZIP code: programmes near it."
    )
    proximity = serializers.CharField(
        required=False,
        help_text=(
            "`lat,long,miles`: programmes with a site within that many miles of the point; "
            "with `postcode`, just `miles` from the ZIP code's centre."
        ),
    )
    full = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        place, miles = None, float(settings.DIRECTORY_DEFAULT_RADIUS_MILES)
        if attrs.get("postcode"):
            place = postcode_place(attrs["postcode"])
            if place is None:
                raise serializers.ValidationError({"postcode": [_("Unknown ZIP code.")]})
        if attrs.get("proximity"):
            place, miles = self._proximity(attrs["proximity"], place)
        attrs["query"] = ServiceQuery(
            search=attrs["search"],
            taxonomy_term_id=str(attrs.get("taxonomy_term_id") or ""),
            taxonomy_id=str(attrs.get("taxonomy_id") or ""),
            organization_id=str(attrs.get("organization_id") or ""),
            modified_after=attrs.get("modified_after"),
            place=place,
            miles=miles,
        )
        return attrs

    @staticmethod
    def _proximity(text: str, postcode: Place | None) -> tuple[Place, float]:
        """``lat,long,miles`` on its own, or just ``miles`` beside a postcode."""
        try:
            numbers = [float(part) for part in text.split(",")]
        except ValueError:
            numbers = []
        place = None
        if postcode is not None and len(numbers) == 1:
            place, miles = postcode, numbers[0]
        elif postcode is None and len(numbers) == 3:
            latitude, longitude, miles = numbers
            if -90 <= latitude <= 90 and -180 <= longitude <= 180:
                place = proximity_place(latitude, longitude)
        if place is None or not 0 < miles <= MAX_MILES:
            raise serializers.ValidationError(
                {
                    "proximity": [
                        _("Give lat,long,miles (or miles with postcode); miles up to %(max)s.")
                        % {"max": MAX_MILES}
                    ]
                }
            )
        return place, miles


class TermQuerySerializer(PageQuerySerializer):
    taxonomy_id = serializers.UUIDField(required=False)


class OrganizationQuerySerializer(PageQuerySerializer):
    full_service = serializers.BooleanField(required=False, default=False)
    full = serializers.BooleanField(required=False, default=False)


def _valid_id(value: str) -> str:
    """Ids are UUIDs: anything else cannot exist (404, like an unknown one)."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Http404 from None


class HsdsView(APIView):
    """Public, read-only, throttled like the rest of the public API."""

    authentication_classes: list[type] = []  # public data: nobody needs to sign in
    permission_classes = [AllowAny]  # read-only by construction: GET is the only handler
    content_negotiation_class = FormatIsAParameter
    query_serializer: type[serializers.Serializer] = PageQuerySerializer

    def query(self, request: Request) -> dict[str, Any]:
        serializer = self.query_serializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def paged(
        params: dict[str, Any],
        items: Any,
        to_dict: Callable[[Any], Any],
        load: Callable[[list[Any]], object] | None = None,
    ) -> Response:
        """One page of ``items`` in the standard's envelope (page, per_page, total_items…)."""
        page = result_page(items=items, number=params["page"], size=params["per_page"])
        if load is not None:
            load(page.items)  # what the page's services publish, in a fixed number of queries
        return Response(mapping.page_envelope(page, [to_dict(item) for item in page.items]))


class ApiMetaView(HsdsView):
    @extend_schema(
        operation_id="hsds_api_meta",
        tags=[API_TAG],
        summary="HSDS version and profile",
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "version": mapping.HSDS_VERSION,
                "profile": mapping.HSDS_PROFILE,
                "openapi_url": request.build_absolute_uri("/api/schema/"),
            }
        )


class ServiceListView(HsdsView):
    query_serializer = ServiceQuerySerializer

    @extend_schema(
        operation_id="hsds_service_list",
        tags=[API_TAG],
        summary="Published programmes as HSDS services",
        parameters=[ServiceQuerySerializer],
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        params = self.query(request)
        programs = hsds_service_filter(query=params["query"], full=params["full"])
        return self.paged(
            params,
            programs,
            lambda p: mapping.service_dict(p, full=params["full"]),
            load=interop_attach if params["full"] else None,
        )


class ServiceDetailView(HsdsView):
    @extend_schema(
        operation_id="hsds_service_detail",
        tags=[API_TAG],
        summary="One service, fully nested",
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request, service_id: str) -> Response:
        return Response(mapping.service_dict(hsds_service_get(service_id=_valid_id(service_id))))


class ServiceAtLocationListView(HsdsView):
    query_serializer = ServiceQuerySerializer

    @extend_schema(
        operation_id="hsds_service_at_location_list",
        tags=[API_TAG],
        summary="Each programme at each of its sites",
        parameters=[ServiceQuerySerializer],
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        params = self.query(request)
        locations = hsds_service_at_location_filter(query=params["query"])
        return self.paged(
            params, locations, lambda loc: mapping.service_at_location_dict(loc.program, loc)
        )


class ServiceAtLocationDetailView(HsdsView):
    @extend_schema(
        operation_id="hsds_service_at_location_detail",
        tags=[API_TAG],
        summary="One programme at one site",
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request, link_id: str) -> Response:
        # A site belongs to one programme, so the link shares the site's id.
        location = hsds_location_get(location_id=_valid_id(link_id))
        return Response(mapping.service_at_location_dict(location.program, location))


class OrganizationListView(HsdsView):
    query_serializer = OrganizationQuerySerializer

    @extend_schema(
        operation_id="hsds_organization_list",
        tags=[API_TAG],
        summary="Providers with published programmes",
        parameters=[OrganizationQuerySerializer],
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        params = self.query(request)
        organizations = hsds_organizations(search=params["search"])
        return self.paged(params, organizations, lambda item: mapping.organization_dict(item[1]))


class OrganizationDetailView(HsdsView):
    query_serializer = OrganizationQuerySerializer

    @extend_schema(
        operation_id="hsds_organization_detail",
        tags=[API_TAG],
        summary="One provider and its services",
        parameters=[OrganizationQuerySerializer],
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request, organization_id: str) -> Response:
        params = self.query(request)
        wanted = _valid_id(organization_id)
        names = organization_index(queryset=Program.objects.published()).get(wanted)
        if not names:
            raise Http404
        programs = list(interop_programs().filter(organization_q(names)).order_by("name", "pk"))
        full = params["full_service"]
        if full:
            interop_attach(programs)
        body = mapping.organization_dict(names[0])
        body["services"] = [
            mapping.service_dict(program, full=full)
            if full
            else {"id": str(program.uuid), "name": program.name}
            for program in programs
        ]
        return Response(body)


class TaxonomyListView(HsdsView):
    @extend_schema(
        operation_id="hsds_taxonomy_list",
        tags=[API_TAG],
        summary="Our vocabularies as taxonomies",
        parameters=[PageQuerySerializer],
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        params = self.query(request)
        return self.paged(params, hsds_taxonomies(search=params["search"]), mapping.taxonomy_dict)


class TaxonomyDetailView(HsdsView):
    @extend_schema(
        operation_id="hsds_taxonomy_detail",
        tags=[API_TAG],
        summary="One taxonomy",
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request, taxonomy_id: str) -> Response:
        return Response(
            mapping.taxonomy_dict(hsds_taxonomy_get(taxonomy_id=_valid_id(taxonomy_id)))
        )


def _term(term: Any) -> dict[str, Any]:
    return mapping.term_dict(
        taxonomy=term.taxonomy, code=term.code, name=term.name, description=term.description
    )


class TaxonomyTermListView(HsdsView):
    query_serializer = TermQuerySerializer

    @extend_schema(
        operation_id="hsds_taxonomy_term_list",
        tags=[API_TAG],
        summary="Every term of every taxonomy",
        parameters=[TermQuerySerializer],
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        params = self.query(request)
        terms = hsds_terms(
            search=params["search"], taxonomy_id=str(params.get("taxonomy_id") or "")
        )
        return self.paged(params, terms, _term)


class TaxonomyTermDetailView(HsdsView):
    @extend_schema(
        operation_id="hsds_taxonomy_term_detail",
        tags=[API_TAG],
        summary="One taxonomy term",
        responses=OBJECT_RESPONSE,
    )
    def get(self, request: Request, term_id: str) -> Response:
        return Response(_term(hsds_term_get(term_id=_valid_id(term_id))))
