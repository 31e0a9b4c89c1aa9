"""Admin for curating the catalogue."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from programs.models import (
    Accreditation,
    Condition,
    Insurance,
    Language,
    Location,
    Modality,
    Population,
    Program,
    State,
    WeeklySession,
)


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    fields = [
        ("name",),
        ("address_line1", "address_line2"),
        ("city", "state", "zip_code"),
        ("latitude", "longitude"),
    ]


class WeeklySessionInline(admin.TabularInline):
    model = WeeklySession
    extra = 0
    fields = ["weekday", "start_time", "end_time", "label"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "status",
        "place",
        "delivery",
        "accepting_new_patients",
        "last_verified_on",
        "source",
    ]
    list_filter = [
        "status",
        "delivery",
        "source",
        "accepting_new_patients",
        "offers_php",
        ("conditions", admin.RelatedOnlyFieldListFilter),
        ("insurance", admin.RelatedOnlyFieldListFilter),
        ("locations__state", admin.AllValuesFieldListFilter),
    ]
    search_fields = [
        "name",
        "organization",
        "slug",
        "locations__city",
        "locations__zip_code",
        "phone",
        "intake_phone",
    ]
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = [
        "conditions",
        "modalities",
        "insurance",
        "populations",
        "languages",
        "accreditations",
        "licensed_states",
    ]
    readonly_fields = ["created_at", "updated_at"]
    # Curators paste bare domains ("example.org"); assume https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [LocationInline, WeeklySessionInline]
    list_per_page = 50
    date_hierarchy = "updated_at"
    fieldsets = [
        (None, {"fields": ["name", "slug", "organization", "description", "status"]}),
        (
            _("Level of care and intake"),
            {
                "fields": [
                    ("offers_php", "offers_outpatient"),
                    ("accepting_new_patients", "typical_wait_days"),
                    ("phone", "intake_phone"),
                    ("website", "email"),
                    "intake_notes",
                ]
            },
        ),
        (
            _("Schedule and delivery"),
            {
                "fields": [
                    ("days_per_week", "hours_per_day", "hours_per_week"),
                    ("length_weeks_min", "length_weeks_max"),
                    "delivery",
                    "licensed_states",
                ]
            },
        ),
        (
            _("Who it serves and what it offers"),
            {
                "fields": [
                    ("min_age", "max_age"),
                    "conditions",
                    "modalities",
                    "populations",
                    "languages",
                    "accreditations",
                ]
            },
        ),
        (
            _("Cost"),
            {"fields": ["insurance", "self_pay_cost_usd", ("sliding_scale", "payment_plans")]},
        ),
        (
            _("Provenance"),
            {"fields": [("source", "source_id"), "last_verified_on", ("created_at", "updated_at")]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        return super().get_queryset(request).prefetch_related("locations")

    @admin.display(description=_("City"))
    def place(self, program: Program) -> str:
        locations = list(program.locations.all())
        return str(locations[0]) if locations else "—"


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "name"]


@admin.register(Condition)
class ConditionAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "category"]
    list_filter = ["category"]


@admin.register(Modality)
class ModalityAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "kind", "abbreviation"]
    list_filter = ["kind"]


@admin.register(Insurance)
class InsuranceAdmin(VocabularyAdmin):
    list_display = [*VocabularyAdmin.list_display, "kind"]
    list_filter = ["kind"]


admin.site.register(Population, VocabularyAdmin)
admin.site.register(Language, VocabularyAdmin)
admin.site.register(Accreditation, VocabularyAdmin)


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


admin.site.site_header = _("IOPfinder administration")
admin.site.site_title = _("IOPfinder admin")
