"""Shortlists over the API (/api/v1/shortlists/): the same operations as the pages.

For logged-in, approved clinicians, by session (the site's login; unsafe methods need the
CSRF token, as on the pages). Another clinician's shortlist answers 404, as on the pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from iopfinder.api_errors import ErrorSerializer, error_responses
from iopfinder.api_parsers import BoundedJSONParser
from matching.clinicians.models import Clinician
from matching.clinicians.selectors import clinician_approved_for_user
from matching.shortlists.api.serializers import (
    ReorderSerializer,
    ShareCreateSerializer,
    ShareEmailSerializer,
    ShareLinkSerializer,
    ShortlistItemNoteSerializer,
    ShortlistItemSerializer,
    ShortlistSerializer,
    ShortlistSummarySerializer,
)
from matching.shortlists.models import Shortlist
from matching.shortlists.selectors import (
    share_link_current,
    shortlist_get,
    shortlist_item_get,
    shortlist_list,
)
from matching.shortlists.services import (
    EMAIL_FAILED,
    ShareEmailFailed,
    share_link_create,
    share_link_email,
    share_link_revoke,
    shortlist_create,
    shortlist_delete,
    shortlist_item_add,
    shortlist_item_remove,
    shortlist_item_update,
    shortlist_reorder,
    shortlist_update,
)

TAGS = ["Clinician shortlists"]
FORBIDDEN = OpenApiResponse(
    response=ErrorSerializer,
    description="Not logged in, or not an approved clinician account.",
)
NOT_FOUND = OpenApiResponse(
    response=ErrorSerializer, description="No shortlist or programme of yours at this address."
)


def answers(
    success: dict[int, Any],
    *,
    one_shortlist: bool = True,
    reads_body: bool = True,
    also: dict[int, OpenApiResponse] | None = None,
) -> dict[int, Any]:
    """An endpoint's documented answers: its success, 403, 404 for one shortlist, any others, 400."""
    return {
        **success,
        403: FORBIDDEN,
        **({404: NOT_FOUND} if one_shortlist else {}),
        **(also or {}),
        **(error_responses(400) if reads_body else {}),
    }


class EmailUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = EMAIL_FAILED
    default_code = "email_unavailable"


class IsApprovedClinician(BasePermission):
    message = _("Log in with an approved clinician account to use shortlists.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return clinician_approved_for_user(user=request.user) is not None


@contextmanager
def service_errors() -> Iterator[None]:
    """A service's domain error (Django's ValidationError) as the API's 400 answer."""
    try:
        yield
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from error


class ClinicianAPIView(APIView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsApprovedClinician]
    parser_classes = [BoundedJSONParser]

    @property
    def clinician(self) -> Clinician:
        clinician = clinician_approved_for_user(user=self.request.user)
        assert clinician is not None  # IsApprovedClinician ran first
        return clinician

    def shortlist(self, shortlist_id: int) -> Shortlist:
        return shortlist_get(clinician=self.clinician, shortlist_id=shortlist_id)

    def shortlist_response(self, shortlist_id: int, status_code: int = 200) -> Response:
        data = ShortlistSerializer(self.shortlist(shortlist_id), context={"request": self.request})
        return Response(data.data, status=status_code)


class ShortlistListAPI(ClinicianAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Your shortlists",
        responses=answers(
            {200: ShortlistSummarySerializer(many=True)}, one_shortlist=False, reads_body=False
        ),
    )
    def get(self, request: Request) -> Response:
        shortlists = shortlist_list(clinician=self.clinician)
        return Response(ShortlistSummarySerializer(shortlists, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Start a shortlist",
        request=ShortlistSerializer,
        responses=answers({201: ShortlistSerializer}, one_shortlist=False),
    )
    def post(self, request: Request) -> Response:
        serializer = ShortlistSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            shortlist = shortlist_create(clinician=self.clinician, **serializer.validated_data)
        return self.shortlist_response(shortlist.pk, status.HTTP_201_CREATED)


class ShortlistDetailAPI(ClinicianAPIView):
    @extend_schema(
        tags=TAGS,
        summary="One of your shortlists, with its programmes and current link",
        responses=answers({200: ShortlistSerializer}, reads_body=False),
    )
    def get(self, request: Request, shortlist_id: int) -> Response:
        return self.shortlist_response(shortlist_id)

    @extend_schema(
        tags=TAGS,
        summary="Rename, change the patient label or the message",
        request=ShortlistSerializer,
        responses=answers({200: ShortlistSerializer}),
    )
    def patch(self, request: Request, shortlist_id: int) -> Response:
        shortlist = self.shortlist(shortlist_id)
        serializer = ShortlistSerializer(shortlist, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {
            field: serializer.validated_data.get(field, getattr(shortlist, field))
            for field in ("title", "patient_label", "message")
        }
        with service_errors():
            shortlist_update(shortlist=shortlist, **values)
        return self.shortlist_response(shortlist_id)

    @extend_schema(
        tags=TAGS,
        summary="Delete a shortlist and its links",
        responses=answers({204: None}, reads_body=False),
    )
    def delete(self, request: Request, shortlist_id: int) -> Response:
        shortlist_delete(shortlist=self.shortlist(shortlist_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistItemsAPI(ClinicianAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Add a programme (at the end), with an optional note",
        request=ShortlistItemSerializer,
        responses=answers({201: ShortlistSerializer}),
    )
    def post(self, request: Request, shortlist_id: int) -> Response:
        shortlist = self.shortlist(shortlist_id)
        serializer = ShortlistItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            shortlist_item_add(shortlist=shortlist, **serializer.validated_data)
        return self.shortlist_response(shortlist_id, status.HTTP_201_CREATED)


class ShortlistItemDetailAPI(ClinicianAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Change the note on a programme",
        request=ShortlistItemNoteSerializer,
        responses=answers({200: ShortlistSerializer}),
    )
    def patch(self, request: Request, shortlist_id: int, item_id: int) -> Response:
        item = shortlist_item_get(shortlist=self.shortlist(shortlist_id), item_id=item_id)
        serializer = ShortlistItemNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            shortlist_item_update(item=item, note=serializer.validated_data["note"])
        return self.shortlist_response(shortlist_id)

    @extend_schema(
        tags=TAGS,
        summary="Take a programme off the shortlist",
        responses=answers({204: None}, reads_body=False),
    )
    def delete(self, request: Request, shortlist_id: int, item_id: int) -> Response:
        item = shortlist_item_get(shortlist=self.shortlist(shortlist_id), item_id=item_id)
        shortlist_item_remove(item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistReorderAPI(ClinicianAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Put the programmes in a new order",
        request=ReorderSerializer,
        responses=answers({200: ShortlistSerializer}),
    )
    def post(self, request: Request, shortlist_id: int) -> Response:
        shortlist = self.shortlist(shortlist_id)
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            shortlist_reorder(shortlist=shortlist, item_ids=serializer.validated_data["item_ids"])
        return self.shortlist_response(shortlist_id)


class ShortlistShareAPI(ClinicianAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Make a patient link (replacing any live one)",
        request=ShareCreateSerializer,
        responses=answers({201: ShareLinkSerializer}),
    )
    def post(self, request: Request, shortlist_id: int) -> Response:
        shortlist = self.shortlist(shortlist_id)
        serializer = ShareCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            link = share_link_create(shortlist=shortlist, days=serializer.validated_data["days"])
        data = ShareLinkSerializer(link, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Turn off the patient link",
        responses=answers({204: None}, reads_body=False),
    )
    def delete(self, request: Request, shortlist_id: int) -> Response:
        link = share_link_current(shortlist=self.shortlist(shortlist_id))
        if link is not None:
            share_link_revoke(link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShortlistShareEmailAPI(ClinicianAPIView):
    # E-mails go to people outside the site: the same per-clinician limit as the HTML form.
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ScopedRateThrottle]
    throttle_scope = "share_email"

    @extend_schema(
        tags=TAGS,
        summary="Email the live patient link",
        request=ShareEmailSerializer,
        responses=answers(
            {204: None},
            also={
                503: OpenApiResponse(ErrorSerializer, description="The mail server is unavailable.")
            },
        ),
    )
    def post(self, request: Request, shortlist_id: int) -> Response:
        shortlist = self.shortlist(shortlist_id)
        serializer = ShareEmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = share_link_current(shortlist=shortlist)
        if link is None:
            raise serializers.ValidationError(
                {"share_link": [_("Make a link first, then send it.")]}
            )
        url = ShareLinkSerializer(link, context={"request": request}).data["url"]
        try:
            share_link_email(link=link, to_email=serializer.validated_data["email"], url=url)
        except ShareEmailFailed as error:
            raise EmailUnavailable from error
        return Response(status=status.HTTP_204_NO_CONTENT)
