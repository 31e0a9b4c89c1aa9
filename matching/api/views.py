"""POST an intake, get the level of care and ranked programmes. Nothing is stored or logged."""

from __future__ import annotations

from typing import Any

from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from iopfinder.api_errors import error_responses
from iopfinder.api_parsers import BoundedJSONParser
from matching.api.serializers import (
    IntakeRequestSerializer,
    MatchResponseSerializer,
    ResourceSerializer,
)
from matching.screening import crisis_resources
from matching.services import match_programs
from matching.validation import crisis_answers

EXAMPLE_INTAKE = {
    "conditions": ["depression", "anxiety"],
    "severity": "moderate",
    "wish_dead": False,
    "suicidal_thoughts": False,
    "suicide_behavior": "never",
    "harm_others": False,
    "psychosis_danger": False,
    "medical_danger": False,
    "recent_hospitalization": False,
    "needs_withdrawal_support": False,
    "format": "either",
    "location": "10001",
    "radius": 25,
    "insurance": "medicaid",
    "availability": ["evening"],
    "age": 34,
}


class MatchView(APIView):
    """Screen an intake for the right level of care, then rank the programmes that fit."""

    # Anonymous by design: no session, so no CSRF token, and nothing tied to a person.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    parser_classes = [BoundedJSONParser]
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ScopedRateThrottle]
    throttle_scope = "match"

    def check_throttles(self, request: Request) -> None:
        # A crisis answer is never turned away: it costs no catalogue work, and the person
        # must get the crisis lines whatever the rate.
        if not crisis_answers(request.data):
            super().check_throttles(request)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and isinstance(response.data, dict):
            # Whatever went wrong, someone answering these questions may need help now.
            response.data["resources"] = ResourceSerializer(crisis_resources(), many=True).data
        # Answers about mental health must not linger in caches, errors included
        # (no-store, no-cache, must-revalidate, private).
        add_never_cache_headers(response)
        return response

    @extend_schema(
        tags=["Matching"],
        summary="Match an intake to programmes",
        description=(
            "The same questions and rules as the questionnaire at /match/, validated by the "
            "same core. Safety comes first: the C-SSRS screener (`wish_dead`, "
            "`suicidal_thoughts`; `suicide_method`, `suicide_intent` and `suicide_plan` when "
            "`suicidal_thoughts` is true; `suicide_behavior`) and `harm_others`, "
            "`psychosis_danger`, `medical_danger`, `recent_hospitalization`, "
            "`needs_withdrawal_support`. A crisis answer (`suicide_intent` or `suicide_plan` "
            "true, `suicide_behavior` `past_3_months`, or `harm_others` true) answers 200 with "
            "`level: crisis`, crisis lines and no programmes, whatever else is missing or "
            "invalid. Otherwise every safety question is required, unknown keys are a 400, "
            "and `level` is `higher_care` (step-up guidance: programmes that also offer PHP "
            "first, `danger_signs` where they apply), `iop` or `outpatient` (never with any "
            "suicidal thoughts). Every error answer from this endpoint also carries "
            "`resources`, the crisis lines. This is guidance to discuss with a clinician, not a diagnosis. "
            "Nothing about the intake is stored or logged, and the answer is `no-store`."
        ),
        request=IntakeRequestSerializer,
        responses={200: MatchResponseSerializer, **error_responses(400, 415, 429)},
        examples=[
            OpenApiExample("Evening IOP near Manhattan", value=EXAMPLE_INTAKE, request_only=True)
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = IntakeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = match_programs(
            intake=serializer.to_intake(),
            page=serializer.validated_data["page"],
            # The copy the slugs were checked against, read only if programmes are wanted.
            load_vocabulary=lambda: serializer.vocabulary,
        )
        return Response(MatchResponseSerializer(result, context={"request": request}).data)
