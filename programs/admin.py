"""Admin for curating the catalogue."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from programs import services
from programs.admin_filters import (
    DuplicateListFilter,
    LevelListFilter,
    MissingDataListFilter,
    StaleListFilter,
)
from programs.imports.admin_actions import export_programs_csv
from programs.models import (
    VOCABULARY_RELATIONS,
    Accreditation,
    Condition,
    EditSuggestion,
    ImportRun,
    Insurance,
    Language,
    Location,
    Modality,
    Population,
    Program,
    State,
    WeeklySession,
)
from programs.workflow import ALLOWED_TRANSITIONS, WorkflowError


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


def _transition_action(to_status: str, description: str) -> Any:
    """An admin bulk action that moves each selected listing through the workflow."""

    def action(modeladmin: ProgramAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        modeladmin.transition(request, list(queryset), to_status)

    action.__name__ = f"make_{to_status}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "status",
        "place",
        "delivery",
        "accepting_new_patients",
        "verification",
        "source",
    ]
    actions = [
        _transition_action(Program.Status.IN_REVIEW, _("Submit selected programmes for review")),
        _transition_action(Program.Status.PUBLISHED, _("Publish selected programmes")),
        _transition_action(Program.Status.DRAFT, _("Send selected programmes back to draft")),
        _transition_action(Program.Status.ARCHIVED, _("Archive selected programmes")),
        "mark_verified",
        export_programs_csv,
    ]
    change_form_template = "admin/programs/program/change_form.html"
    object_history_template = "admin/programs/program/object_history.html"
    history_list_display = ["status"]
    list_filter = [
        "status",
        "delivery",
        "source",
        "accepting_new_patients",
        LevelListFilter,
        ("conditions", admin.RelatedOnlyFieldListFilter),
        ("insurance", admin.RelatedOnlyFieldListFilter),
        ("locations__state", admin.AllValuesFieldListFilter),
        MissingDataListFilter,
        StaleListFilter,
        DuplicateListFilter,
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
    autocomplete_fields = [*VOCABULARY_RELATIONS, "licensed_states"]
    # Status changes go through the workflow (actions and buttons), never a bare edit.
    readonly_fields = ["status", "last_verified_on", "verified_by", "created_at", "updated_at"]
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
                    "levels",
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
            {
                "fields": [
                    ("source", "source_id"),
                    ("last_verified_on", "verified_by"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        return super().get_queryset(request).prefetch_related("locations")

    @admin.display(description=_("City"))
    def place(self, program: Program) -> str:
        locations = list(program.locations.all())
        return str(locations[0]) if locations else "—"

    @admin.display(description=_("Last verified"), ordering="last_verified_on")
    def verification(self, program: Program) -> str:
        if program.last_verified_on is None:
            return gettext_now("Never (stale)")
        date = program.last_verified_on.isoformat()
        return f"{date} ({gettext_now('stale')})" if program.is_stale else date

    # --- The workflow ---------------------------------------------------------------

    def transition(self, request: HttpRequest, programs: list[Program], to_status: str) -> None:
        moved, refused = 0, []
        for program in programs:
            try:
                services.program_transition(program=program, to_status=to_status, user=request.user)
                moved += 1
            except WorkflowError as error:
                refused.append(str(error))
        if moved:
            self.message_user(
                request,
                gettext_now("%(count)d programme(s) now “%(status)s”.")
                % {"count": moved, "status": Program.Status(to_status).label},
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(
        description=_("Mark selected programmes as verified today"), permissions=["change"]
    )
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        programs = list(queryset)
        for program in programs:
            services.program_verify(program=program, user=request.user)
        self.message_user(
            request,
            gettext_now("%(count)d programme(s) marked as verified today.")
            % {"count": len(programs)},
            messages.SUCCESS,
        )

    def get_urls(self) -> list:
        urls = [
            path(
                "<int:object_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="programs_program_status",
            ),
            path(
                "<int:object_id>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="programs_program_verify",
            ),
        ]
        return urls + super().get_urls()

    def _change_url(self, program: Program) -> str:
        return reverse("admin:programs_program_change", args=[program.pk])

    def _changeable(self, request: HttpRequest, object_id: int) -> Program:
        program = get_object_or_404(Program, pk=object_id)
        if not self.has_change_permission(request, program):
            raise PermissionDenied
        return program

    @method_decorator(require_POST)
    def status_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        program = self._changeable(request, object_id)
        self.transition(request, [program], request.POST.get("to", ""))
        return HttpResponseRedirect(self._change_url(program))

    @method_decorator(require_POST)
    def verify_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        program = self._changeable(request, object_id)
        services.program_verify(program=program, user=request.user)
        self.message_user(request, gettext_now("Marked as verified today."), messages.SUCCESS)
        return HttpResponseRedirect(self._change_url(program))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        program = self.get_object(request, object_id)
        if program is not None:
            extra_context = {
                **(extra_context or {}),
                "transitions": [
                    (status, Program.Status(status).label)
                    for status in Program.Status.values
                    if status in ALLOWED_TRANSITIONS[program.status]
                ],
                "open_suggestions": program.suggestions.filter(
                    status=EditSuggestion.Status.OPEN
                ).count(),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Keeping the search table in step ------------------------------------------------

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # After the inlines (sites, sessions) and the vocabularies are saved, not before.
        super().save_related(request, form, formsets, change)
        services.program_search_refresh(program_ids=[form.instance.pk])

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        # Reverting saves the programme and its vocabularies without calling save_related.
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "POST":
            services.program_search_refresh(program_ids=[int(object_id)])
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        # Sites and sessions are edited inline, so their history belongs on this page too.
        extra_context = {
            **(extra_context or {}),
            "location_history": Location.history.filter(program_id=object_id)
            .select_related("history_user")
            .order_by("-history_date")[:200],
            "session_history": WeeklySession.history.filter(program_id=object_id)
            .select_related("history_user")
            .order_by("-history_date")[:200],
        }
        return super().history_view(request, object_id, extra_context)


class VocabularyAdmin(TranslationAdmin):
    """A term's name in English and Spanish, side by side (programs/translation.py)."""

    list_display = ["name", "slug", "sort_order"]
    search_fields = ["name", "slug"]
    ordering = ["sort_order", "name"]
    # Deleting a term rebuilds the search table once it commits (services.search_term_deleted).


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


# The buttons of the suggestion's change form that close it (change_form.html).
REVIEW_BUTTONS = {"_accept", "_reject"}


def _shown(value: object) -> object:
    """A field value as a curator reads it: yes/no for booleans, a dash for nothing."""
    if isinstance(value, bool):
        return gettext_now("Yes") if value else gettext_now("No")
    return "—" if value in (None, "") else value


@admin.register(EditSuggestion)
class EditSuggestionAdmin(admin.ModelAdmin):
    list_display = ["program", "kind", "from_program_staff", "status", "created_at"]
    list_filter = ["status", "kind", "from_program_staff"]
    search_fields = ["program__name", "message", "contact_email"]
    list_select_related = ["program"]
    change_form_template = "admin/programs/editsuggestion/change_form.html"
    fields = [
        "program",
        "kind",
        "from_program_staff",
        "message",
        "comparison",
        "contact_email",
        "created_at",
        "status",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
    ]
    readonly_fields = [f for f in fields if f != "rejection_reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("Proposed changes"))
    def comparison(self, suggestion: EditSuggestion) -> str:
        if not suggestion.changes:
            return gettext_now("No field values proposed.")
        program = suggestion.program
        rows = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td><strong>{}</strong></td></tr>',
            (
                (
                    capfirst(Program._meta.get_field(field).verbose_name),
                    _shown(getattr(program, field)),
                    _shown(value),
                )
                for field, value in suggestion.changes.items()
                if field in EditSuggestion.EDITABLE_FIELDS
            ),
        )
        return format_html(
            '<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
            '<th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            gettext_now("Field"),
            gettext_now("Now"),
            gettext_now("Suggested"),
            rows,
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST" and object_id and REVIEW_BUTTONS & set(request.POST):
            return self.review(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def review(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Accept or reject: back to the list when it worked, to the suggestion with why not."""
        suggestion = self.get_object(request, unquote(object_id))
        if suggestion is None:  # the admin's own "no such object" answer
            return super().changeform_view(request, object_id)
        if not self.has_change_permission(request, suggestion):
            raise PermissionDenied
        form = self.get_form(request, suggestion, change=True)(request.POST, instance=suggestion)
        if not form.is_valid():  # shown with its errors, as for any change
            return super().changeform_view(request, object_id)
        try:
            if "_accept" in request.POST:
                services.suggestion_accept(suggestion=suggestion, user=request.user)
                done = gettext_now("Suggestion accepted: the listing is updated.")
            else:
                services.suggestion_reject(
                    suggestion=suggestion, user=request.user, reason=suggestion.rejection_reason
                )
                done = gettext_now("Suggestion rejected.")
        except WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.log_change(request, suggestion, self.construct_change_message(request, form, []))
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:programs_editsuggestion_changelist"))


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "source", "file_name", "dry_run", "succeeded"]
    list_filter = ["source", "succeeded", "dry_run"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.site_header = _("IOPfinder administration")
admin.site.site_title = _("IOPfinder admin")
