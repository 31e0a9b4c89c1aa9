"""The FHIR R4 read-only API (mounted at /fhir/): thin views over programs.fhir.selectors.

Every answer is ``application/fhir+json``; every error is an ``OperationOutcome`` (404 for an
unknown id, 400 for an unknown or malformed search parameter, 429 when throttled).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from programs.fhir import mapping
from programs.fhir.selectors import (
    FHIR_RELATIONS,
    FhirSearch,
    fhir_healthcare_service_get,
    fhir_healthcare_services,
    fhir_location_get,
    fhir_locations,
    fhir_organization_get,
    fhir_organizations,
)
from programs.interop import interop_attach, proximity_place, result_page

API_TAG = "HL7 FHIR R4"
MAX_COUNT = 100
COMMON_PARAMETERS = ("_count", "_page", "_id", "_format", "name")
SEARCH_PARAMETERS: dict[str, tuple[str, ...]] = {
    "HealthcareService": (
        *COMMON_PARAMETERS,
        "location.address-postalcode",
        "location.address-state",
        "specialty",
        "service-category",
        "near",
    ),
    "Location": (*COMMON_PARAMETERS, "address-postalcode", "address-state", "near"),
    "Organization": COMMON_PARAMETERS,
}
FHIR_RESPONSE = {
    200: OpenApiResponse(OpenApiTypes.OBJECT, description="A FHIR resource or Bundle."),
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome: a bad parameter."),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome: no such resource."),
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="OperationOutcome: throttled."),
}


class FhirJSONRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir+json"


class AlwaysFhirJSON(BaseContentNegotiation):
    """FHIR clients send all sorts of Accept headers; the answer is always FHIR JSON."""

    def select_parser(self, request: Request, parsers: Sequence[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: Request, renderers: Sequence[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


class BadParameter(exceptions.ValidationError):
    pass


ISSUE_CODES = {400: "invalid", 404: "not-found", 405: "not-supported", 429: "throttled"}


def fhir_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error as an OperationOutcome with the status FHIR clients expect."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("No such resource is published here."))
    if not isinstance(exc, exceptions.APIException):
        return None  # unexpected: the shared handler logs it and answers 500
    detail = exc.detail
    if isinstance(detail, dict):
        text = " ".join(f"{key}: {' '.join(map(str, value))}" for key, value in detail.items())
    elif isinstance(detail, list):
        text = " ".join(map(str, detail))
    else:
        text = str(detail)
    response = Response(
        mapping.operation_outcome(
            code=ISSUE_CODES.get(exc.status_code, "processing"), diagnostics=text
        ),
        status=exc.status_code,
    )
    wait = getattr(exc, "wait", None)
    if wait:
        response["Retry-After"] = str(int(wait))
    return response


def _resource_id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Http404 from None


def _bad(parameter: str, message: str) -> BadParameter:
    return BadParameter({parameter: [message]})


def _number(parameter: str, text: str, low: float, high: float) -> float:
    try:
        number = float(text)
    except ValueError:
        raise _bad(parameter, _("%(value)r is not a number.") % {"value": text}) from None
    if not low <= number <= high:
        raise _bad(
            parameter, _("Must be between %(low)g and %(high)g.") % {"low": low, "high": high}
        )
    return number


def _near(text: str) -> tuple[Any, float]:
    """FHIR's ``near=lat|long|distance|units`` (miles unless km is given)."""
    parts = text.split("|")
    if len(parts) < 2 or len(parts) > 4:
        raise _bad("near", _("Use latitude|longitude|distance|mi."))
    latitude = _number("near", parts[0], -90, 90)
    longitude = _number("near", parts[1], -180, 180)
    units = parts[3] if len(parts) > 3 else "mi"
    if units not in ("mi", "[mi_i]", "km"):
        raise _bad("near", _("Distance units must be mi or km."))
    per_mile = 1.609344 if units == "km" else 1.0
    distance = (
        _number("near", parts[2], 0.01, settings.DIRECTORY_MAX_RADIUS_MILES * per_mile)
        if len(parts) > 2 and parts[2]
        else settings.DIRECTORY_DEFAULT_RADIUS_MILES * per_mile
    )
    miles = distance / per_mile
    return proximity_place(latitude, longitude), miles


def parse_search(resource_type: str, params: Any) -> tuple[FhirSearch, int, int]:
    """Validate FHIR search parameters: (search, page size, page number) or a 400."""
    allowed = SEARCH_PARAMETERS[resource_type]
    for key in params:
        if key not in allowed:
            raise _bad(key, _("Unknown search parameter for %(type)s.") % {"type": resource_type})
        if any("\x00" in value for value in params.getlist(key)):
            raise _bad(key, _("Null characters are not allowed."))
    count = int(_number("_count", params.get("_count", "20"), 1, MAX_COUNT))
    page = int(_number("_page", params.get("_page", "1"), 1, 10_000))
    if params.get("_format", "json") not in ("json", "application/fhir+json", "application/json"):
        raise _bad("_format", _("Only JSON is served."))
    ids = [part for value in params.getlist("_id") for part in value.split(",") if part]
    for identifier in ids:
        try:
            uuid.UUID(identifier)
        except ValueError:
            raise _bad(
                "_id", _("%(value)r is not a resource id.") % {"value": identifier}
            ) from None
    prefix = "location." if resource_type == "HealthcareService" else ""
    postcode = params.get(f"{prefix}address-postalcode", "")
    if postcode and not (len(postcode) == 5 and postcode.isdigit()):
        raise _bad(f"{prefix}address-postalcode", _("Give a five-digit ZIP code."))
    state = params.get(f"{prefix}address-state", "")
    if state and (len(state) != 2 or not state.isalpha()):
        raise _bad(f"{prefix}address-state", _("Give a two-letter state code."))
    place, miles = _near(params["near"]) if params.get("near") else (None, 0.0)

    def tokens(name: str) -> list[str]:
        return [part for value in params.getlist(name) for part in value.split(",") if part]

    search = FhirSearch(
        ids=ids,
        name=params.get("name", "").strip(),
        postcode=postcode,
        state=state,
        specialty=tokens("specialty"),
        category=tokens("service-category"),
        place=place,
        miles=miles,
    )
    return search, count, page


class FhirView(APIView):
    """Public, read-only, throttled like the rest of the public API."""

    authentication_classes: list[type] = []  # public data: nobody needs to sign in
    permission_classes = [AllowAny]  # read-only by construction: GET is the only handler
    renderer_classes = [FhirJSONRenderer]
    content_negotiation_class = AlwaysFhirJSON

    def get_exception_handler(self) -> Callable[[Exception, dict[str, Any]], Response | None]:
        shared = super().get_exception_handler()

        def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
            return fhir_exception_handler(exc, context) or shared(exc, context)

        return handle


def _searchset(
    request: Request,
    items: Any,
    count: int,
    page: int,
    to_resource: Callable[[Any], dict],
    load: Callable[[list[Any]], object] | None = None,
) -> dict[str, Any]:
    found = result_page(items=items, number=page, size=count)
    if load is not None:
        load(found.items)  # what the page's resources publish, in a fixed number of queries
    params = {key: request.query_params.getlist(key) for key in request.query_params}
    path = request.build_absolute_uri(request.path)
    self_url = f"{path}?{urlencode(params, doseq=True)}" if params else path
    next_url = ""
    if found.has_next:
        params.update({"_page": [str(page + 1)], "_count": [str(count)]})
        next_url = f"{path}?{urlencode(params, doseq=True)}"
    return mapping.bundle(
        entries=[to_resource(item) for item in found.items],
        total=found.total,
        base=request.build_absolute_uri("/fhir/"),
        self_url=self_url,
        next_url=next_url,
    )


def _search_doc(resource_type: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter(name, str, required=False) for name in SEARCH_PARAMETERS[resource_type]
    ]


class HealthcareServiceSearchView(FhirView):
    @extend_schema(
        operation_id="fhir_healthcare_service_search",
        tags=[API_TAG],
        summary="Search HealthcareService (a Bundle searchset)",
        parameters=_search_doc("HealthcareService"),
        responses=FHIR_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        search, count, page = parse_search("HealthcareService", request.query_params)
        programs = fhir_healthcare_services(search=search)
        return Response(
            _searchset(
                request,
                programs,
                count,
                page,
                mapping.healthcare_service,
                load=lambda found: interop_attach(found, relations=FHIR_RELATIONS),
            )
        )


class HealthcareServiceReadView(FhirView):
    @extend_schema(
        operation_id="fhir_healthcare_service_read",
        tags=[API_TAG],
        summary="Read a HealthcareService",
        responses=FHIR_RESPONSE,
    )
    def get(self, request: Request, resource_id: str) -> Response:
        program = fhir_healthcare_service_get(resource_id=_resource_id(resource_id))
        return Response(mapping.healthcare_service(program))


class LocationSearchView(FhirView):
    @extend_schema(
        operation_id="fhir_location_search",
        tags=[API_TAG],
        summary="Search Location (a Bundle searchset)",
        parameters=_search_doc("Location"),
        responses=FHIR_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        search, count, page = parse_search("Location", request.query_params)
        return Response(
            _searchset(request, fhir_locations(search=search), count, page, mapping.location)
        )


class LocationReadView(FhirView):
    @extend_schema(
        operation_id="fhir_location_read",
        tags=[API_TAG],
        summary="Read a Location",
        responses=FHIR_RESPONSE,
    )
    def get(self, request: Request, resource_id: str) -> Response:
        return Response(mapping.location(fhir_location_get(resource_id=_resource_id(resource_id))))


class OrganizationSearchView(FhirView):
    @extend_schema(
        operation_id="fhir_organization_search",
        tags=[API_TAG],
        summary="Search Organization (a Bundle searchset)",
        parameters=_search_doc("Organization"),
        responses=FHIR_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        search, count, page = parse_search("Organization", request.query_params)
        found = fhir_organizations(search=search)
        return Response(
            _searchset(request, found, count, page, lambda item: mapping.organization(*item))
        )


class OrganizationReadView(FhirView):
    @extend_schema(
        operation_id="fhir_organization_read",
        tags=[API_TAG],
        summary="Read an Organization",
        responses=FHIR_RESPONSE,
    )
    def get(self, request: Request, resource_id: str) -> Response:
        found = fhir_organization_get(resource_id=_resource_id(resource_id))
        return Response(mapping.organization(*found))


class UnsupportedView(FhirView):
    """Resource types and paths this server does not serve."""

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        raise exceptions.NotFound(
            _("This server serves HealthcareService, Location and Organization.")
        )


class CapabilityStatementView(FhirView):
    @extend_schema(
        operation_id="fhir_capability_statement",
        tags=[API_TAG],
        summary="The server's CapabilityStatement",
        responses=FHIR_RESPONSE,
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "resourceType": "CapabilityStatement",
                "status": "active",
                "date": timezone.now().date().isoformat(),
                "publisher": "IOPfinder",
                "kind": "instance",
                "implementation": {
                    "description": "IOPfinder directory of intensive outpatient programmes",
                    "url": request.build_absolute_uri("/fhir/"),
                },
                "fhirVersion": mapping.FHIR_VERSION,
                "format": ["json"],
                "rest": [
                    {
                        "mode": "server",
                        "resource": [
                            {
                                "type": resource_type,
                                "interaction": [{"code": "read"}, {"code": "search-type"}],
                                "searchParam": [
                                    {"name": name, "type": _PARAMETER_TYPES.get(name, "string")}
                                    for name in names
                                    if name not in ("_count", "_page", "_format")
                                ],
                            }
                            for resource_type, names in SEARCH_PARAMETERS.items()
                        ],
                    }
                ],
            }
        )


_PARAMETER_TYPES = {
    "_id": "token",
    "specialty": "token",
    "service-category": "token",
    "near": "special",
    "location.address-postalcode": "string",
}
