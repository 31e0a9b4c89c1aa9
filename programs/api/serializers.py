"""How the catalogue looks in the public API (read-only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from iopfinder.api_serializers import FlatSerializer
from programs import levels as care_levels
from programs.attached import related
from programs.models import Modality, Program, WeeklySession
from programs.schedule import TimeOfDay, session_band
from programs.selectors import ProgramDetail
from programs.signs import Sign, program_signs
from programs.translated import Translated

CLOCK_FORMAT = "%H:%M"  # times of day as sent (``ClockTimeField``)


class RelatedListSerializer(serializers.ListSerializer):
    """A programme's sites or terms of one relation: the attached list when loaded so (a
    match's page, ``programs.attached``), else the relation's ``.all()``."""

    def get_attribute(self, instance: Any) -> Any:
        if isinstance(instance, Program) and len(self.source_attrs) == 1:
            return related(instance, self.source_attrs[0])
        return super().get_attribute(instance)


class TermSerializer(FlatSerializer):
    """A vocabulary term: the stable slug to send back, and a label to show."""

    slug = serializers.SlugField(read_only=True)
    label = serializers.CharField(source="name", read_only=True)

    class Meta:
        list_serializer_class = RelatedListSerializer


class ModalityTermSerializer(TermSerializer):
    kind = serializers.ChoiceField(
        choices=Modality.Kind.choices,
        read_only=True,
        help_text="Therapies can be asked for in a match's `therapies`; services cannot.",
    )


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The programme's public page, as an absolute URL when the request is known."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, program: Program) -> str:
        path = program.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class MilesField(serializers.FloatField):
    """Miles to one decimal place; null when there is no distance to give."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> float:
        return round(float(value), 1)


class LocationSummarySerializer(FlatSerializer):
    city = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    zip_code = serializers.CharField(read_only=True)

    class Meta:
        list_serializer_class = RelatedListSerializer


class LevelSerializer(FlatSerializer):
    """One level of care a programme offers (``programs.levels``)."""

    code = serializers.ChoiceField(choices=care_levels.CODES, read_only=True)
    label = serializers.CharField(read_only=True)
    asam = serializers.CharField(
        read_only=True, help_text="The ASAM Criteria level; empty for withdrawal management."
    )
    description = serializers.CharField(read_only=True, help_text="What it means, in plain words.")


class ProgramIdentitySerializer(FlatSerializer):
    """What every view of a programme starts with."""

    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = PageUrlField(help_text="The programme's page on this site.")
    organization = serializers.CharField(read_only=True)
    delivery = serializers.ChoiceField(choices=Program.Delivery.choices, read_only=True)
    levels = LevelSerializer(
        source="levels_offered",
        many=True,
        read_only=True,
        help_text="The levels of care offered, least intensive first.",
    )
    last_verified_on = serializers.DateField(read_only=True, allow_null=True)
    is_demo = serializers.BooleanField(
        read_only=True, help_text="Demo data for trying the site, not a real programme."
    )


class ProgramSummarySerializer(ProgramIdentitySerializer):
    """What a result card shows: enough to choose which programme to open or call."""

    accepting_new_patients = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Null: the listing does not say (call to ask about openings).",
    )
    phone = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    locations = LocationSummarySerializer(many=True, read_only=True)
    conditions = TermSerializer(many=True, read_only=True)
    insurance = TermSerializer(many=True, read_only=True)

    def to_representation(self, program: Program) -> dict[str, Any]:
        # Built directly, as the declared fields give it (tested): see program_summary_data.
        return program_summary_data(program, self.context.get("request"), answer_words(self))


class ProgramListItemSerializer(ProgramSummarySerializer):
    distance_miles = MilesField(
        help_text="Miles from `near` to the programme's nearest site; null without `near`."
    )

    def to_representation(self, program: Program) -> dict[str, Any]:
        return {
            **program_summary_data(program, self.context.get("request"), answer_words(self)),
            "distance_miles": miles_data(getattr(program, "distance_miles", None)),
        }


class LocationSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    address_line1 = serializers.CharField(read_only=True)
    address_line2 = serializers.CharField(read_only=True)
    city = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    zip_code = serializers.CharField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "09:30"}
)
class ClockTimeField(serializers.TimeField):
    """A time of day sent as 24-hour HH:MM, and documented so (not OpenAPI's HH:MM:SS time)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=CLOCK_FORMAT, **kwargs)


class WeeklySessionSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(read_only=True, help_text="0 is Monday, 6 is Sunday.")
    weekday_label = serializers.CharField(source="get_weekday_display", read_only=True)
    start_time = ClockTimeField(read_only=True)
    end_time = ClockTimeField(read_only=True)
    label = serializers.CharField(read_only=True)
    time_of_day = serializers.SerializerMethodField(
        help_text="The band the session starts in, as the directory's `time` filter uses it."
    )

    @extend_schema_field(serializers.ChoiceField(choices=TimeOfDay.choices))
    def get_time_of_day(self, session: Any) -> str:
        return str(session_band(session.weekday, session.start_time))


class ContactSerializer(serializers.Serializer):
    phone = serializers.CharField(read_only=True)
    intake_phone = serializers.CharField(read_only=True)
    website = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True)


class IntakeSerializer(serializers.Serializer):
    accepting_new_patients = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Null: the listing does not say (call to ask about openings).",
    )
    typical_wait_days = serializers.IntegerField(read_only=True, allow_null=True)
    how_to_start = serializers.CharField(source="intake_notes", read_only=True)


class AgesSerializer(serializers.Serializer):
    min = serializers.IntegerField(source="min_age", read_only=True)
    max = serializers.IntegerField(
        source="max_age", read_only=True, allow_null=True, help_text="Null: no upper limit."
    )


class ScheduleSerializer(serializers.Serializer):
    days_per_week = serializers.IntegerField(read_only=True, allow_null=True)
    hours_per_day = serializers.FloatField(read_only=True, allow_null=True)
    hours_per_week = serializers.FloatField(read_only=True, allow_null=True)
    length_weeks_min = serializers.IntegerField(read_only=True, allow_null=True)
    length_weeks_max = serializers.IntegerField(read_only=True, allow_null=True)
    sessions = WeeklySessionSerializer(many=True, read_only=True)


class CostSerializer(serializers.Serializer):
    self_pay_usd = serializers.IntegerField(
        source="self_pay_cost_usd",
        read_only=True,
        allow_null=True,
        help_text="Self-pay estimate for the whole programme, in US dollars.",
    )
    sliding_scale = serializers.BooleanField(read_only=True)
    payment_plans = serializers.BooleanField(read_only=True)


class ProvenanceSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Program.Source.choices, read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    last_verified_on = serializers.DateField(read_only=True, allow_null=True)
    imported_unconfirmed = serializers.BooleanField(
        source="is_imported_unconfirmed",
        read_only=True,
        help_text="Imported from a public directory and not yet confirmed by the programme.",
    )
    updated_at = serializers.DateTimeField(read_only=True)
    directory_editions = serializers.SerializerMethodField(
        help_text="Every public directory edition that lists the programme (its provenance)."
    )

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=Program.Source.choices))
    )
    def get_directory_editions(self, program: Program) -> list[str]:
        return [record.source for record in program.directory_records.all()]


class SignSerializer(serializers.Serializer):
    """A sign of quality: a fact from the data, its meaning and its sources; never a score."""

    sign = serializers.ChoiceField(choices=Sign.choices, read_only=True)
    label = serializers.CharField(read_only=True)
    meaning = serializers.CharField(read_only=True)
    details = serializers.ListField(child=serializers.CharField(), read_only=True)
    sources = serializers.ListField(child=serializers.CharField(), read_only=True)


class VocabulariesSerializer(serializers.Serializer):
    """Every controlled vocabulary, so a client can build a search or intake form."""

    conditions = TermSerializer(many=True, read_only=True)
    modalities = ModalityTermSerializer(many=True, read_only=True)
    insurance = TermSerializer(many=True, read_only=True)
    populations = TermSerializer(many=True, read_only=True)
    languages = TermSerializer(many=True, read_only=True)
    accreditations = TermSerializer(many=True, read_only=True)


# Two forms of one answer, side by side (the docstring below is the schema's description):
# the declared fields (the OpenAPI schema, and DRF's generic output for a programme read with
# ``for_detail()``) and ``to_representation`` for a ``ProgramDetail``, which builds the same
# JSON directly: DRF copied every declared field of each nested serializer for every read,
# most of its CPU. A test proves the two agree, value, type and field order
# (tests/programs/api/test_program_detail_and_vocabularies.py).
class ProgramDetailSerializer(ProgramIdentitySerializer, VocabulariesSerializer):
    """Everything a programme's page shows, its terms from each vocabulary included."""

    description = serializers.CharField(read_only=True)
    licensed_states = serializers.SerializerMethodField(
        help_text="Two-letter states where virtual care may be given."
    )
    ages = AgesSerializer(source="*", read_only=True)
    contact = ContactSerializer(source="*", read_only=True)
    intake = IntakeSerializer(source="*", read_only=True)
    schedule = ScheduleSerializer(source="*", read_only=True)
    cost = CostSerializer(source="*", read_only=True)
    locations = LocationSerializer(many=True, read_only=True)
    provenance = ProvenanceSerializer(source="*", read_only=True)
    signs = serializers.SerializerMethodField()

    @extend_schema_field(SignSerializer(many=True))
    def get_signs(self, program: Program) -> list[dict]:
        return SignSerializer(program_signs(program), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_licensed_states(self, program: Program) -> list[str]:
        return [state.code for state in program.licensed_states.all()]

    def to_representation(self, detail: ProgramDetail) -> dict[str, Any]:
        program = detail.program
        return {
            **program_identity_data(program, self.context.get("request")),
            **{relation: _terms(terms) for relation, terms in detail.terms.items()},
            "description": program.description,
            "licensed_states": [state.code for state in detail.licensed_states],
            "ages": {"min": program.min_age, "max": program.max_age},
            "contact": {
                "phone": program.phone,
                "intake_phone": program.intake_phone,
                "website": program.website,
                "email": program.email,
            },
            "intake": {
                "accepting_new_patients": program.accepting_new_patients,
                "typical_wait_days": program.typical_wait_days,
                "how_to_start": program.intake_notes,
            },
            "schedule": {
                "days_per_week": program.days_per_week,
                "hours_per_day": _float(program.hours_per_day),
                "hours_per_week": _float(program.hours_per_week),
                "length_weeks_min": program.length_weeks_min,
                "length_weeks_max": program.length_weeks_max,
                "sessions": [
                    {
                        "weekday": session.weekday,
                        # get_weekday_display() hashes every day's lazy label on each call.
                        "weekday_label": str(WeeklySession.Weekday(session.weekday).label),
                        "start_time": session.start_time.strftime(CLOCK_FORMAT),
                        "end_time": session.end_time.strftime(CLOCK_FORMAT),
                        "label": session.label,
                        "time_of_day": str(session_band(session.weekday, session.start_time)),
                    }
                    for session in detail.sessions
                ],
            },
            "cost": {
                "self_pay_usd": program.self_pay_cost_usd,
                "sliding_scale": program.sliding_scale,
                "payment_plans": program.payment_plans,
            },
            "locations": [
                {
                    "name": site.name,
                    "address_line1": site.address_line1,
                    "address_line2": site.address_line2,
                    "city": site.city,
                    "state": site.state,
                    "zip_code": site.zip_code,
                    "latitude": _float(site.latitude),
                    "longitude": _float(site.longitude),
                }
                for site in detail.locations
            ],
            "provenance": {
                "source": program.source,
                "source_label": str(program.get_source_display()),
                "last_verified_on": _date(program.last_verified_on),
                "imported_unconfirmed": program.is_imported_unconfirmed,
                "updated_at": UPDATED_AT.to_representation(program.updated_at),
                "directory_editions": [record.source for record in detail.directory_records],
            },
            "signs": [
                {
                    "sign": shown.sign,
                    "label": shown.label,
                    "meaning": shown.meaning,
                    "details": [str(detail) for detail in shown.details],
                    "sources": shown.sources,
                }
                for shown in program_signs(
                    program, terms=detail.terms, records=detail.directory_records
                )
            ],
        }


UPDATED_AT = serializers.DateTimeField(read_only=True)  # DRF's ISO 8601, in the current zone


def _date(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _terms(terms: list[Any]) -> list[dict[str, str]]:
    """TermSerializer's (and ModalityTermSerializer's) output for each term."""
    return [
        {"slug": term.slug, "label": term.name, "kind": term.kind}
        if isinstance(term, Modality)
        else {"slug": term.slug, "label": term.name}
        for term in terms
    ]


def miles_data(value: Any) -> float | None:
    """``MilesField``'s output."""
    return None if value is None else round(float(value), 1)


def answer_words(serializer: serializers.BaseSerializer) -> Translated:
    """One ``Translated`` for a whole answer (kept in the context its serializers share): a
    list of results says the same few labels many times."""
    return serializer.context.setdefault("words", Translated())


def program_identity_data(
    program: Program, request: Any, words: Translated | None = None
) -> dict[str, Any]:
    """``ProgramIdentitySerializer``'s fields for ``program``, built directly: DRF copies every
    declared field of each nested serializer per answer and asks each field for its value,
    most of a match answer's CPU. Tests prove each builder gives what the declared fields
    give, value, type and field order (the declared fields stay the schema). ``words`` makes
    the levels' labels text once for a whole answer."""
    words = words or Translated()
    path = program.get_absolute_url()
    return {
        "slug": program.slug,
        "name": program.name,
        "url": request.build_absolute_uri(path) if request is not None else path,
        "organization": program.organization,
        "delivery": program.delivery,
        "levels": [
            {
                "code": level.code,
                "label": words(level.label),
                "asam": level.asam,
                "description": words(level.description),
            }
            for level in program.levels_offered
        ],
        "last_verified_on": _date(program.last_verified_on),
        "is_demo": program.is_demo,
    }


def program_summary_data(
    program: Program, request: Any, words: Translated | None = None
) -> dict[str, Any]:
    """``ProgramSummarySerializer``'s fields for ``program`` (see ``program_identity_data``);
    sites and terms as attached (``programs.attached``) or read."""
    return {
        **program_identity_data(program, request, words),
        "accepting_new_patients": program.accepting_new_patients,
        "phone": program.phone,
        "website": program.website,
        "locations": [
            {"city": site.city, "state": site.state, "zip_code": site.zip_code}
            for site in related(program, "locations")
        ],
        "conditions": _terms(related(program, "conditions")),
        "insurance": _terms(related(program, "insurance")),
    }
