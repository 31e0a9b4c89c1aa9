"""Writes to the catalogue: demo data, curation, suggestions, and the search table in step."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from programs.demo import DemoProgram, generate_demo_programs
from programs.html_cache import catalogue_changed
from programs.imports.sync import program_history_bulk_record
from programs.models import (
    VOCABULARY_RELATIONS,
    EditSuggestion,
    Location,
    Program,
    ProgramSearch,
    WeeklySession,
)
from programs.querysets import IN_PERSON_DELIVERIES, VIRTUAL_DELIVERIES
from programs.search import (
    DAY_MASKS,
    SEARCH_RELATIONS,
    bits_by_rank,
    pack_fit_days,
    session_bit,
)
from programs.vocabulary_cache import vocabulary_changed
from programs.workflow import WorkflowError, transition_problem

BATCH_SIZE = 2000


# --- The search table ----------------------------------------------------------------


def program_search_refresh(*, program_ids: Iterable[int]) -> int:
    """Rewrite the search rows of these programmes from the catalogue; returns rows written.

    Call it after any write to a programme, its sites, sessions or vocabularies (the
    services, the admin and the imports do). Unpublished and deleted programmes lose their
    rows. A few queries per call whatever the number of programmes, so imports call it once.
    """
    ids = sorted(set(program_ids))
    if not ids:
        return 0
    bits = _search_term_bits()
    written = 0
    with transaction.atomic():
        for chunk in _chunks(ids, BATCH_SIZE):
            ProgramSearch.objects.filter(program_id__in=chunk).delete()
            rows = list(_search_rows(chunk, bits))
            ProgramSearch.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            written += len(rows)
    # Imports and seeding may have added terms in bulk (no signal): matching reads anew,
    # and no page cached before the write is served again.
    vocabulary_changed()
    catalogue_changed()
    return written


def program_search_rebuild() -> int:
    """Rebuild the whole search table (after a migration, or a vocabulary term deleted)."""
    with transaction.atomic():
        ProgramSearch.objects.all().delete()
        return program_search_refresh(program_ids=Program.objects.values_list("pk", flat=True))


def search_term_deleted(**_signal: Any) -> None:
    """A searched vocabulary's term deleted, wherever (the admin, the shell, a data fix).

    A term's bit in the search table is its rank by id among its vocabulary's terms
    (``programs.search``): removing one moves the bits after it, and pages read a
    programme's terms off those bits. Rebuild once the deletion commits (rare; seconds at
    100k).
    """
    transaction.on_commit(program_search_rebuild)


def search_term_saved(*, sender: type[Any], instance: Any, created: bool, **_signal: Any) -> None:
    """A term added below one already there (an explicit id) moves bits too: rebuild then.
    Added after the others, as ids are given, it moves nothing."""
    if created and sender._default_manager.filter(pk__gt=instance.pk).exists():
        transaction.on_commit(program_search_rebuild)


def _search_term_bits() -> dict[str, dict[int, int]]:
    """Each searched vocabulary's term bits (see ``search.term_bits``), in one query."""
    parts = [
        VOCABULARY_RELATIONS[relation]
        .objects.order_by()
        .values_list(Value(relation, output_field=CharField()), "pk")
        for relation in SEARCH_RELATIONS
    ]
    pks: dict[str, list[int]] = {relation: [] for relation in SEARCH_RELATIONS}
    for relation, pk in parts[0].union(*parts[1:], all=True):
        pks[relation].append(pk)
    return {relation: bits_by_rank(found) for relation, found in pks.items()}


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _search_rows(ids: Sequence[int], bits: dict[str, dict[int, int]]) -> Iterator[ProgramSearch]:
    """Each published programme's anchor row, site rows and virtual rows (see ProgramSearch)."""
    programs = list(
        Program.objects.filter(pk__in=ids, status=Program.Status.PUBLISHED).values(
            "pk",
            "name",
            "delivery",
            "accepting_new_patients",
            "min_age",
            "max_age",
            "hours_per_week",
            "levels",
            "sliding_scale",
            "last_verified_on",
        )
    )
    published = [program["pk"] for program in programs]
    masks: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    # Every vocabulary's links in one query (a UNION of the link tables).
    links = [
        getattr(Program, relation)
        .through.objects.filter(program_id__in=published)
        .values_list(
            Value(relation, output_field=CharField()),
            "program_id",
            f"{VOCABULARY_RELATIONS[relation]._meta.model_name}_id",
        )
        for relation in SEARCH_RELATIONS
    ]
    for relation, program_id, term_id in links[0].union(*links[1:], all=True):
        masks[program_id][relation] |= 1 << bits[relation][term_id]
    states: dict[int, list[str]] = defaultdict(list)
    for program_id, code in Program.licensed_states.through.objects.filter(
        program_id__in=published
    ).values_list("program_id", "state_id"):
        states[program_id].append(code)
    schedules: dict[int, int] = defaultdict(int)
    for program_id, weekday, start in WeeklySession.objects.filter(
        program_id__in=published
    ).values_list("program_id", "weekday", "start_time"):
        schedules[program_id] |= 1 << session_bit(weekday, start)
    sites: dict[int, list[tuple]] = defaultdict(list)
    for row in Location.objects.filter(
        program_id__in=published, latitude__isnull=False
    ).values_list("pk", "program_id", "latitude", "longitude", "state"):
        sites[row[1]].append(row)
    for program in programs:
        pk = program["pk"]
        schedule = schedules[pk]
        common = {
            "program_id": pk,
            "name": program["name"],
            "in_person": program["delivery"] in IN_PERSON_DELIVERIES,
            "virtual": program["delivery"] in VIRTUAL_DELIVERIES,
            "accepting": program["accepting_new_patients"],
            "min_age": program["min_age"],
            "max_age": program["max_age"],
            **{relation: masks[pk][relation] for relation in SEARCH_RELATIONS},
            "schedule": schedule,
            "session_days": sum(1 for day_bits in DAY_MASKS if schedule & day_bits),
            "fit_days": pack_fit_days(schedule),
            "hours_per_week": (
                float(program["hours_per_week"]) if program["hours_per_week"] is not None else None
            ),
            "levels": program["levels"],
            "sliding_scale": program["sliding_scale"],
            "last_verified_on": program["last_verified_on"],
        }
        yield ProgramSearch(**common, kind=ProgramSearch.Kind.ANCHOR)
        if common["virtual"]:
            for code in states[pk]:
                yield ProgramSearch(**common, kind=ProgramSearch.Kind.VIRTUAL, state=code)
        for location_id, _program_id, latitude, longitude, state in sites[pk]:
            yield ProgramSearch(
                **common,
                kind=ProgramSearch.Kind.SITE,
                location_id=location_id,
                latitude=latitude,
                longitude=longitude,
                state=state,
            )


def demo_programs_seed(
    *,
    count: int,
    seed: int,
    today: datetime.date | None = None,
    clear: bool = False,
    skip: int = 0,
) -> int:
    """Create ``count`` deterministic demo programmes in bulk; returns how many were created.

    ``skip`` leaves out the first programmes of the sequence, so a catalogue can grow in
    stages (1k, then 9k more…) and still equal one seeded in a single run.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    today = today or datetime.date.today()
    with transaction.atomic():
        if clear:
            Program.objects.filter(source=Program.Source.DEMO).delete()
        batch: list[DemoProgram] = []
        created = 0
        for index, demo in enumerate(generate_demo_programs(count, seed, today)):
            if index < skip:
                continue
            batch.append(demo)
            if len(batch) >= BATCH_SIZE:
                created += _write_batch(batch)
                batch = []
        if batch:
            created += _write_batch(batch)
    return created


def _write_batch(batch: Iterable[DemoProgram]) -> int:
    batch = list(batch)
    programs = Program.objects.bulk_create([demo.program for demo in batch])
    if programs and programs[0].pk is None:
        # Backends without RETURNING: read the keys back by their unique slugs.
        ids = dict(
            Program.objects.filter(slug__in=[p.slug for p in programs]).values_list("slug", "pk")
        )
        for program in programs:
            program.pk = ids[program.slug]
    locations, sessions = [], []
    for demo in batch:
        for location in demo.locations:
            location.program = demo.program
            locations.append(location)
        for session in demo.sessions:
            session.program = demo.program
            sessions.append(session)
    Location.objects.bulk_create(locations)
    WeeklySession.objects.bulk_create(sessions)

    for relation, model in VOCABULARY_RELATIONS.items():
        ids = dict(model.objects.values_list("slug", "pk"))
        through = getattr(Program, relation).through
        target = f"{model._meta.model_name}_id"
        through.objects.bulk_create(
            [
                through(program_id=demo.program.pk, **{target: ids[slug]})
                for demo in batch
                for slug in demo.terms.get(relation, [])
            ]
        )
    state_through = Program.licensed_states.through
    state_through.objects.bulk_create(
        [
            state_through(program_id=demo.program.pk, state_id=code)
            for demo in batch
            for code in demo.licensed_states
        ]
    )
    # A first history row for each listing, so an admin's first edit shows what it changed.
    now = timezone.now()
    reason = _("Demo data created")
    program_history_bulk_record(programs, update=False, reason=reason, now=now)
    Location.history.bulk_history_create(locations, default_change_reason=reason, default_date=now)
    WeeklySession.history.bulk_history_create(
        sessions, default_change_reason=reason, default_date=now
    )
    program_search_refresh(program_ids=[program.pk for program in programs])
    return len(programs)


# --- Curation: the workflow, verification and edit suggestions -------------------------


def program_transition(
    *, program: Program, to_status: str, user: AbstractBaseUser | None, reason: str = ""
) -> Program:
    """Move a programme along the workflow, or raise WorkflowError saying why not."""
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        problem = transition_problem(locked, to_status)
        if problem:
            raise WorkflowError(problem)
        locked.status = to_status
        locked._history_user = user
        locked._change_reason = reason or _("Status changed to “%(status)s”") % {
            "status": Program.Status(to_status).label
        }
        locked.save(update_fields=["status", "updated_at"])
        program_search_refresh(program_ids=[locked.pk])
    program.status = locked.status
    return locked


def program_verify(
    *, program: Program, user: AbstractBaseUser, today: datetime.date | None = None
) -> Program:
    """Stamp a programme as confirmed today by this admin."""
    with transaction.atomic():
        program.last_verified_on = today or timezone.localdate()
        program.verified_by = user
        program._history_user = user
        program._change_reason = _("Verified with the programme")
        program.save(update_fields=["last_verified_on", "verified_by", "updated_at"])
        program_search_refresh(program_ids=[program.pk])
    return program


def suggestion_create(
    *,
    program: Program,
    kind: str,
    message: str,
    changes: dict[str, Any],
    contact_email: str = "",
    from_program_staff: bool = False,
) -> EditSuggestion:
    """Queue a correction from the public or programme staff for an admin to review."""
    current = {field: getattr(program, field) for field in EditSuggestion.EDITABLE_FIELDS}
    proposed = {
        field: value
        for field, value in changes.items()
        if field in EditSuggestion.EDITABLE_FIELDS
        and value not in (None, "")
        and value != current[field]
    }
    suggestion = EditSuggestion(
        program=program,
        kind=kind,
        message=message,
        changes=proposed,
        contact_email=contact_email,
        from_program_staff=from_program_staff,
    )
    suggestion.full_clean()
    suggestion.save()
    return suggestion


def suggestion_accept(*, suggestion: EditSuggestion, user: AbstractBaseUser) -> Program:
    """Apply a suggestion's changes to its programme (recorded in the history) and close it."""
    _require_open(suggestion)
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=suggestion.program_id)
        reason = _("Suggestion #%(number)d accepted") % {"number": suggestion.pk}
        if suggestion.changes:
            for field, value in suggestion.changes.items():
                if field in EditSuggestion.EDITABLE_FIELDS:
                    setattr(program, field, value)
            try:
                program.full_clean(exclude=_unrelated_fields(suggestion.changes))
            except ValidationError as error:
                raise WorkflowError(
                    _("The suggested values are not valid: %(errors)s")
                    % {"errors": " ".join(error.messages)}
                ) from error
            program._history_user = user
            program._change_reason = reason
            program.save()
            program_search_refresh(program_ids=[program.pk])
        if (
            suggestion.kind == EditSuggestion.Kind.CLOSED
            and program.status != Program.Status.ARCHIVED
        ):
            program = program_transition(
                program=program, to_status=Program.Status.ARCHIVED, user=user, reason=reason
            )
        _close(suggestion, EditSuggestion.Status.ACCEPTED, user)
    return program


def suggestion_reject(
    *, suggestion: EditSuggestion, user: AbstractBaseUser, reason: str
) -> EditSuggestion:
    """Close a suggestion without changing the programme; a reason is required."""
    _require_open(suggestion)
    if not reason.strip():
        raise WorkflowError(_("Say why the suggestion is rejected."))
    suggestion.rejection_reason = reason.strip()
    _close(suggestion, EditSuggestion.Status.REJECTED, user)
    return suggestion


def _require_open(suggestion: EditSuggestion) -> None:
    if suggestion.status != EditSuggestion.Status.OPEN:
        raise WorkflowError(_("This suggestion has already been reviewed."))


def _close(suggestion: EditSuggestion, status: str, user: AbstractBaseUser) -> None:
    suggestion.status = status
    suggestion.reviewed_at = timezone.now()
    suggestion.reviewed_by = user
    suggestion.save(update_fields=["status", "rejection_reason", "reviewed_at", "reviewed_by"])


def _unrelated_fields(changes: dict[str, Any]) -> list[str]:
    """Validate only what a suggestion touches: imported listings may predate today's rules."""
    return [f.name for f in Program._meta.concrete_fields if f.name not in changes]
