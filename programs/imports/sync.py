"""Bring the catalogue in line with a list of programme records, in bulk, with history.

Both importers (SAMHSA and our CSV) turn their input into ``ProgramRecord``s and hand them
here. The engine reads what exists in a few queries per thousand programmes, compares,
and writes only the differences with bulk statements. Because bulk writes skip the model
signals django-simple-history listens to, it writes the history rows itself (one per
created or changed programme, with its vocabulary snapshot), so the admin's history page
shows each change and its reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from programs.models import VOCABULARY_RELATIONS, Location, Program, WeeklySession

LOCATION_FIELDS = (
    "name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
)
SESSION_FIELDS = ("weekday", "start_time", "end_time", "label")
CHUNK = 900  # below SQLite's bound-parameter limits, large enough to keep queries few
BATCH = 1000

T = TypeVar("T")
# progress(items, description) -> the same items, perhaps drawn as a bar on a terminal.
Progress = Callable[[Sequence[Any], str], Iterable[Any]]


@dataclass
class ProgramRecord:
    """What one programme should look like after the import."""

    key: str  # the identity within its source: a source_id or a slug; "" means always new
    row: int  # where it came from (spreadsheet row or CSV line), for messages
    fields: dict[str, Any]  # Program attnames -> values
    terms: dict[str, frozenset[str]]  # relation -> vocabulary slugs
    licensed_states: frozenset[str]
    locations: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    create_fields: dict[str, Any] = field(default_factory=dict)  # only when created


@dataclass(frozen=True)
class SyncOptions:
    """Which parts of a programme the import owns, and how new ones start."""

    key_field: str  # "source_id" or "slug"
    managed_fields: tuple[str, ...]
    managed_relations: tuple[str, ...]
    manage_states: bool = True
    manage_locations: bool = True
    manage_sessions: bool = True
    create_defaults: dict[str, Any] = field(default_factory=dict)
    # Leave alone programmes a curator has confirmed since they were imported.
    protect_verified: bool = False
    change_reason: str = ""


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_confirmed: int = 0
    # (key, name) of each scoped programme no record names
    not_in_file: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Snapshot:
    pk: int
    fields: dict[str, Any]
    terms: dict[str, dict[str, int]] = field(default_factory=dict)  # slug -> through pk
    states: dict[str, int] = field(default_factory=dict)  # code -> through pk
    locations: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    sessions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _target(relation: str) -> str:
    return f"{VOCABULARY_RELATIONS[relation]._meta.model_name}_id"


def _session_sort(values: dict[str, Any]) -> tuple:
    return (values["weekday"], values["start_time"], values["end_time"], values["label"])


def _load_snapshots(
    rows: list[dict[str, Any]], options: SyncOptions, slugs_by_id: dict[str, dict[int, str]]
) -> dict[int, _Snapshot]:
    snapshots = {
        row["id"]: _Snapshot(pk=row["id"], fields={f: row[f] for f in options.managed_fields})
        for row in rows
    }
    ids = list(snapshots)
    for ids_chunk in chunked(ids):
        for relation in options.managed_relations:
            through = getattr(Program, relation).through
            target = _target(relation)
            names = slugs_by_id[relation]
            for pk, program_id, target_id in through.objects.filter(
                program_id__in=ids_chunk
            ).values_list("pk", "program_id", target):
                snapshots[program_id].terms.setdefault(relation, {})[names[target_id]] = pk
        if options.manage_states:
            for pk, program_id, code in Program.licensed_states.through.objects.filter(
                program_id__in=ids_chunk
            ).values_list("pk", "program_id", "state_id"):
                snapshots[program_id].states[code] = pk
        if options.manage_locations:
            for values in (
                Location.objects.filter(program_id__in=ids_chunk)
                .order_by("pk")
                .values("pk", "program_id", *LOCATION_FIELDS)
            ):
                pk, program_id = values.pop("pk"), values.pop("program_id")
                snapshots[program_id].locations.append((pk, values))
        if options.manage_sessions:
            for values in WeeklySession.objects.filter(program_id__in=ids_chunk).values(
                "pk", "program_id", *SESSION_FIELDS
            ):
                pk, program_id = values.pop("pk"), values.pop("program_id")
                snapshots[program_id].sessions.append((pk, values))
    for snapshot in snapshots.values():
        snapshot.sessions.sort(key=lambda item: _session_sort(item[1]))
    return snapshots


def _differs(record: ProgramRecord, snapshot: _Snapshot, options: SyncOptions) -> bool:
    if any(snapshot.fields[name] != value for name, value in record.fields.items()):
        return True
    for relation in options.managed_relations:
        if set(snapshot.terms.get(relation, {})) != record.terms.get(relation, frozenset()):
            return True
    if options.manage_states and set(snapshot.states) != record.licensed_states:
        return True
    if options.manage_locations and [v for _pk, v in snapshot.locations] != record.locations:
        return True
    if options.manage_sessions:
        wanted = sorted(record.sessions, key=_session_sort)
        if [v for _pk, v in snapshot.sessions] != wanted:
            return True
    return False


class _Writer:
    """Collects the bulk writes of one synchronisation and runs them in order."""

    def __init__(self, options: SyncOptions, slugs: dict[str, dict[str, int]]) -> None:
        self.options = options
        self.ids = slugs  # relation -> slug -> id
        self.now = timezone.now()
        self._reset()

    def _reset(self) -> None:
        # Flushed every CHUNK programmes: a whole first import holds ~200k vocabulary rows,
        # too many model instances to keep in memory at once.
        relations = self.options.managed_relations
        self.through_new: dict[str, list[Model]] = {r: [] for r in relations}
        self.through_gone: dict[str, list[int]] = {r: [] for r in relations}
        self.states_new: list[Model] = []
        self.states_gone: list[int] = []
        self.locations_new: list[Location] = []
        self.locations_changed: list[Location] = []
        self.locations_gone: list[int] = []
        self.sessions_new: list[WeeklySession] = []
        self.sessions_changed: list[WeeklySession] = []
        self.sessions_gone: list[int] = []

    def children(self, program_id: int, record: ProgramRecord, snapshot: _Snapshot | None) -> None:
        options = self.options
        for relation in options.managed_relations:
            through = getattr(Program, relation).through
            target = _target(relation)
            have = snapshot.terms.get(relation, {}) if snapshot else {}
            want = record.terms.get(relation, frozenset())
            self.through_new[relation].extend(
                through(program_id=program_id, **{target: self.ids[relation][slug]})
                for slug in sorted(want - set(have))
            )
            self.through_gone[relation].extend(pk for slug, pk in have.items() if slug not in want)
        if options.manage_states:
            have_states = snapshot.states if snapshot else {}
            state_through = Program.licensed_states.through
            self.states_new.extend(
                state_through(program_id=program_id, state_id=code)
                for code in sorted(record.licensed_states - set(have_states))
            )
            self.states_gone.extend(
                pk for code, pk in have_states.items() if code not in record.licensed_states
            )
        if options.manage_locations:
            self._pair(
                Location,
                program_id,
                snapshot.locations if snapshot else [],
                record.locations,
                self.locations_new,
                self.locations_changed,
                self.locations_gone,
            )
        if options.manage_sessions:
            self._pair(
                WeeklySession,
                program_id,
                snapshot.sessions if snapshot else [],
                sorted(record.sessions, key=_session_sort),
                self.sessions_new,
                self.sessions_changed,
                self.sessions_gone,
            )

    @staticmethod
    def _pair(
        model: type[Model],
        program_id: int,
        have: list[tuple[int, dict[str, Any]]],
        want: list[dict[str, Any]],
        new: list,
        changed: list,
        gone: list[int],
    ) -> None:
        # Update in place by position, so an edited address keeps its row and history.
        for (pk, old), values in zip(have, want, strict=False):
            if old != values:
                changed.append(model(pk=pk, program_id=program_id, **values))
        new.extend(model(program_id=program_id, **values) for values in want[len(have) :])
        gone.extend(pk for pk, _old in have[len(want) :])

    def flush(self) -> None:
        options = self.options
        for relation in options.managed_relations:
            through = getattr(Program, relation).through
            for pks in chunked(self.through_gone[relation]):
                through.objects.filter(pk__in=pks).delete()
            through.objects.bulk_create(self.through_new[relation], batch_size=BATCH)
        state_through = Program.licensed_states.through
        for pks in chunked(self.states_gone):
            state_through.objects.filter(pk__in=pks).delete()
        state_through.objects.bulk_create(self.states_new, batch_size=BATCH)

        for pks in chunked(self.locations_gone):
            # A queryset delete still sends post_delete, which records the site's history.
            Location.objects.filter(pk__in=pks).delete()
        self._write_children(Location, LOCATION_FIELDS, self.locations_new, self.locations_changed)
        for pks in chunked(self.sessions_gone):
            WeeklySession.objects.filter(pk__in=pks).delete()
        self._write_children(
            WeeklySession, SESSION_FIELDS, self.sessions_new, self.sessions_changed
        )
        self._reset()

    def _write_children(
        self, model: type[Model], fields: tuple[str, ...], new: list, changed: list
    ) -> None:
        model._default_manager.bulk_update(changed, fields, batch_size=BATCH)
        model._default_manager.bulk_create(new, batch_size=BATCH)
        history = getattr(model, "history", None)
        if history is None:
            return
        when = {"default_change_reason": self.options.change_reason, "default_date": self.now}
        history.bulk_history_create(new, batch_size=BATCH, **when)
        history.bulk_history_create(changed, update=True, batch_size=BATCH, **when)


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:200].strip("-") or "programme"
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    taken.add(slug)
    return slug


def program_history_bulk_record(
    programs: list[Program], *, update: bool, reason: str, now: datetime.datetime
) -> None:
    """One history row per programme, plus its vocabulary snapshot (as simple-history keeps)."""
    if not programs:
        return
    history_model = Program.history.model
    m2m_models = {
        field.name: model
        for field, model in HistoricalRecords.m2m_models.items()
        if field.model is Program
    }
    for batch in chunked(programs, CHUNK):
        records = Program.history.bulk_history_create(
            batch,
            update=update,
            default_change_reason=reason,
            default_date=now,
        )
        by_program = {record.id: record.pk for record in records}
        if None in by_program.values():  # no RETURNING: read the new history ids back
            by_program = dict(
                history_model.objects.filter(id__in=list(by_program), history_date=now).values_list(
                    "id", "history_id"
                )
            )
        ids = list(by_program)
        for relation, m2m_model in m2m_models.items():
            through = getattr(Program, relation).through
            target = _target(relation)
            m2m_model.objects.bulk_create(
                [
                    m2m_model(
                        id=pk,
                        program_id=program_id,
                        history_id=by_program[program_id],
                        **{target: target_id},
                    )
                    for pk, program_id, target_id in through.objects.filter(
                        program_id__in=ids
                    ).values_list("pk", "program_id", target)
                ],
                batch_size=BATCH,
            )


def synchronise(
    *,
    records: list[ProgramRecord],
    scope: QuerySet[Program] | None,
    options: SyncOptions,
    dry_run: bool,
    progress: Progress | None = None,
) -> SyncResult:
    """Create, update or leave each record's programme; the caller holds the transaction.

    ``scope`` is every programme the import owns (all SAMHSA programmes); programmes in it
    that no record names are reported in ``not_in_file``. With no scope, the programmes are
    looked up by the records' keys.
    """
    progress = progress or (lambda items, _description: items)
    slugs_by_relation = {
        relation: dict(model.objects.values_list("slug", "pk"))
        for relation, model in VOCABULARY_RELATIONS.items()
    }
    ids_to_slugs = {
        relation: {pk: slug for slug, pk in mapping.items()}
        for relation, mapping in slugs_by_relation.items()
    }
    # Without repeats: "name" and "last_verified_on" may be managed fields as well.
    columns = list(
        dict.fromkeys(
            ("id", options.key_field, "name", "last_verified_on", *options.managed_fields)
        )
    )
    keys = [record.key for record in records if record.key]
    if scope is not None:
        rows = list(scope.values(*columns))
    else:
        rows = []
        for keys_chunk in chunked(keys):
            filters = {f"{options.key_field}__in": keys_chunk}
            rows.extend(Program.objects.filter(**filters).values(*columns))
    by_key = {row[options.key_field]: row for row in rows}
    snapshots = _load_snapshots(rows, options, ids_to_slugs)

    result = SyncResult()
    wanted_keys = set(keys)
    result.not_in_file = sorted(
        (
            (row[options.key_field], row["name"])
            for row in rows
            if row[options.key_field] not in wanted_keys
        ),
        key=lambda item: (item[1], item[0]),
    )
    writer = _Writer(options, slugs_by_relation)
    to_create: list[tuple[Program, ProgramRecord]] = []
    to_update: dict[int, ProgramRecord] = {}
    taken_slugs: set[str] = set()
    if not dry_run:
        taken_slugs = set(Program.objects.values_list("slug", flat=True))
        if options.key_field == "slug":
            taken_slugs.update(keys)  # a generated slug must not take one a later row names
    for record in progress(records, "Comparing"):
        row = by_key.get(record.key) if record.key else None
        if row is None:
            result.created += 1
            if dry_run:
                continue
            program = Program(
                **{**options.create_defaults, **record.create_fields, **record.fields}
            )
            if not program.slug:
                program.slug = _unique_slug(program.name, taken_slugs)
            if options.key_field == "source_id" and not program.source_id:
                program.source_id = record.key
            to_create.append((program, record))
            continue
        snapshot = snapshots[row["id"]]
        if options.protect_verified and row["last_verified_on"] is not None:
            result.kept_confirmed += 1
            continue
        if not _differs(record, snapshot, options):
            result.unchanged += 1
            continue
        result.updated += 1
        to_update[row["id"]] = record
    if dry_run:
        return result

    created = Program.objects.bulk_create([p for p, _r in to_create], batch_size=BATCH)
    if created and created[0].pk is None:  # backends without RETURNING
        ids = dict(
            Program.objects.filter(slug__in=[p.slug for p in created]).values_list("slug", "pk")
        )
        for program in created:
            program.pk = ids[program.slug]
    for batch in progress(list(chunked(to_create)), "Writing new programmes"):
        for program, record in batch:
            writer.children(program.pk, record, None)
        writer.flush()

    updated: list[Program] = []
    update_ids = list(to_update)
    for ids_chunk in progress(list(chunked(update_ids)), "Writing changes"):
        for program in Program.objects.filter(pk__in=ids_chunk):
            record = to_update[program.pk]
            for name, value in record.fields.items():
                setattr(program, name, value)
            program.updated_at = writer.now
            updated.append(program)
            writer.children(program.pk, record, snapshots[program.pk])
        writer.flush()
    Program.objects.bulk_update(updated, [*options.managed_fields, "updated_at"], batch_size=BATCH)
    reason = options.change_reason
    program_history_bulk_record(created, update=False, reason=reason, now=writer.now)
    program_history_bulk_record(updated, update=True, reason=reason, now=writer.now)
    # Imported here, not at the top: programs.services imports this module.
    from programs.services import program_search_refresh

    program_search_refresh(program_ids=[program.pk for program in created] + update_ids)
    return result
