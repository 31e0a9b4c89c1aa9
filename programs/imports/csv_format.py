"""Our own CSV format for programmes: one row per programme, documented in docs/csv-format.md.

Scalar fields are plain cells; vocabularies and licensed states are slugs/codes separated by
``|``; locations and weekly sessions are JSON arrays in one cell each, so every field of a
programme survives a round trip exactly. Reading validates every row against the model's
own field rules and reports each bad row with its line number; nothing is returned for
writing unless every row is valid.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from programs import levels as care_levels
from programs.geo import plausible_coordinates, zip_place
from programs.imports.sync import (
    LOCATION_FIELDS,
    SESSION_FIELDS,
    ProgramRecord,
    chunked,
)
from programs.models import VOCABULARY_RELATIONS, Location, Program, WeeklySession
from programs.states import STATE_CODES

LIST_SEPARATOR = "|"
RELATION_COLUMNS = tuple(VOCABULARY_RELATIONS)  # conditions, modalities, insurance, …
# The format's columns, in the order an export writes them (docs/csv-format.md).
COLUMNS = (
    "slug",
    "name",
    "organization",
    "description",
    "status",
    "accepting_new_patients",
    "typical_wait_days",
    "levels",
    "phone",
    "intake_phone",
    "website",
    "email",
    "intake_notes",
    "days_per_week",
    "hours_per_day",
    "hours_per_week",
    "length_weeks_min",
    "length_weeks_max",
    "delivery",
    "licensed_states",
    "min_age",
    "max_age",
    "self_pay_cost_usd",
    "sliding_scale",
    "payment_plans",
    "source",
    "source_id",
    "last_verified_on",
    "verified_by",
    *RELATION_COLUMNS,
    "locations",
    "sessions",
)
# A plain Program field a cell: all but the key and the relations (lists, JSON, a username).
SCALAR_COLUMNS = tuple(
    column
    for column in COLUMNS
    if column != "slug" and not Program._meta.get_field(column).is_relation
)
REQUIRED_COLUMNS = ("name",)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
TRUE_WORDS = {"true", "yes", "1", "y"}
FALSE_WORDS = {"false", "no", "0", "n"}
UNKNOWN_WORDS = {"", "unknown"}  # a three-state cell (accepting new patients) left open


class CsvFormatError(ValueError):
    """The CSV cannot be imported; ``errors`` lists every problem, each with its line."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


@dataclass
class ParsedCsv:
    records: list[ProgramRecord]
    columns: frozenset[str]
    fields: tuple[str, ...]  # Program attnames the file sets
    relations: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)
    unplaced_zips: Counter[str] = field(default_factory=Counter)


# --- Writing ------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# A cell starting with one of these is run as a formula by spreadsheets (CSV injection):
# written with a leading apostrophe, which reading the file takes off again (OWASP advice).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _restored(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text


def _time(value: datetime.time) -> str:
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def write_programs_csv(*, queryset: QuerySet[Program], stream: IO[str]) -> int:
    """Write ``queryset`` to ``stream``; returns the number of programmes written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    programs = (
        queryset.order_by("pk")
        .select_related("verified_by")
        .prefetch_related("licensed_states", "locations", "sessions", *RELATION_COLUMNS)
    )
    written = 0
    # Iterate in chunks so prefetching stays bounded for large catalogues.
    for program in programs.iterator(chunk_size=1000):
        row: dict[str, str] = {
            "slug": program.slug,
            "verified_by": program.verified_by.get_username() if program.verified_by else "",
            "licensed_states": LIST_SEPARATOR.join(
                sorted(state.code for state in program.licensed_states.all())
            ),
        }
        for column in SCALAR_COLUMNS:
            row[column] = _cell(getattr(program, column))
        row["levels"] = LIST_SEPARATOR.join(care_levels.codes_of(program.levels))
        for relation in RELATION_COLUMNS:
            row[relation] = LIST_SEPARATOR.join(
                sorted(term.slug for term in getattr(program, relation).all())
            )
        locations = sorted(program.locations.all(), key=lambda location: location.pk)
        row["locations"] = json.dumps(
            [{name: getattr(location, name) for name in LOCATION_FIELDS} for location in locations],
            ensure_ascii=False,
        )
        row["sessions"] = json.dumps(
            [
                {
                    "weekday": WEEKDAYS[session.weekday],
                    "start_time": _time(session.start_time),
                    "end_time": _time(session.end_time),
                    "label": session.label,
                }
                for session in program.sessions.all()
            ],
            ensure_ascii=False,
        )
        writer.writerow([_neutralised(row[column]) for column in COLUMNS])
        written += 1
    return written


# --- Reading ------------------------------------------------------------------------------


def _rows(stream: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line of the record, cells): a quoted cell may span several lines."""
    reader = csv.reader(stream)
    previous = 0
    for cells in reader:
        yield previous + 1, [_restored(cell) for cell in cells]
        previous = reader.line_num


def _bool(text: str, *, unknown: bool = False) -> bool:
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    expected = "true, false or unknown" if unknown else "true or false"
    raise ValidationError(f"expected {expected}, got {text!r}")


def _levels(text: str) -> int:
    codes = [part.strip().lower() for part in text.split(LIST_SEPARATOR) if part.strip()]
    unknown = sorted(set(codes) - set(care_levels.CODES))
    if unknown:
        raise ValidationError(
            f"unknown level(s) {', '.join(unknown)} (use {', '.join(care_levels.CODES)})"
        )
    return care_levels.mask_of(codes)


def _scalar(name: str, text: str) -> Any:
    model_field = Program._meta.get_field(name)
    text = text.strip()
    if name == "levels" and text:
        return _levels(text)
    if model_field.null and model_field.get_internal_type() == "BooleanField":
        return None if text.lower() in UNKNOWN_WORDS else _bool(text, unknown=True)
    if text == "":
        if model_field.has_default():
            return model_field.get_default()
        return None if model_field.null else ""
    if model_field.get_internal_type() == "BooleanField":
        return _bool(text)
    return model_field.to_python(text)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.message_dict.items()
        ]
    return [" ".join(str(m) for m in error.messages)]


def _only_keys(item: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(item) - set(allowed)
    if unknown:
        raise ValidationError(f"unknown key(s) {', '.join(sorted(unknown))}")


class _RowReader:
    """Parses and validates one row at a time against the catalogue's rules."""

    def __init__(self, columns: list[str]) -> None:
        self.columns = columns
        self.terms = {
            relation: set(model.objects.values_list("slug", flat=True))
            for relation, model in VOCABULARY_RELATIONS.items()
        }
        self.users: dict[str, int] = {}
        if "verified_by" in columns:
            user_model = get_user_model()
            self.users = dict(user_model.objects.values_list(user_model.USERNAME_FIELD, "pk"))
        self.warnings: list[str] = []
        self.unplaced_zips: Counter[str] = Counter()

    def record(self, line: int, values: dict[str, str]) -> tuple[ProgramRecord | None, list[str]]:
        errors: list[str] = []
        fields: dict[str, Any] = {}
        for name in SCALAR_COLUMNS:
            if name in values:
                try:
                    fields[name] = _scalar(name, values[name])
                except ValidationError as error:
                    errors.extend(f"{name}: {m}" for m in _messages(error))
        if "source" in fields and not fields["source"]:
            fields["source"] = Program.Source.CSV
        if "verified_by" in values:
            username = values["verified_by"].strip()
            fields["verified_by_id"] = self.users.get(username) if username else None
            if username and fields["verified_by_id"] is None:
                self.warnings.append(
                    f"line {line}: verified_by: no user {username!r} here; left empty"
                )
        terms: dict[str, frozenset[str]] = {}
        for relation in RELATION_COLUMNS:
            if relation in values:
                slugs = self._list(values[relation])
                unknown = sorted(slugs - self.terms[relation])
                if unknown:
                    errors.append(f"{relation}: unknown slug(s) {', '.join(unknown)}")
                terms[relation] = slugs
        states = frozenset()
        if "licensed_states" in values:
            states = frozenset(s.upper() for s in self._list(values["licensed_states"]))
            unknown_states = sorted(states - set(STATE_CODES))
            if unknown_states:
                errors.append(f"licensed_states: unknown state(s) {', '.join(unknown_states)}")
        locations = self._json_list(values, "locations", self._location, errors)
        sessions = self._json_list(values, "sessions", self._session, errors)
        slug = values.get("slug", "").strip()
        program = Program(slug=slug, **fields)
        checked = {*fields, "slug"} if slug else set(fields)
        exclude = [f.name for f in Program._meta.fields if f.name not in checked]
        try:
            program.clean_fields(exclude=exclude)
            program.clean()
        except ValidationError as error:
            errors.extend(_messages(error))
        if errors:
            return None, errors
        return (
            ProgramRecord(
                key=slug,
                row=line,
                fields=fields,
                terms=terms,
                licensed_states=states,
                locations=locations,
                sessions=sessions,
                create_fields={"slug": slug} if slug else {},
            ),
            [],
        )

    @staticmethod
    def _list(text: str) -> frozenset[str]:
        return frozenset(part.strip() for part in text.split(LIST_SEPARATOR) if part.strip())

    @staticmethod
    def _json_list(
        values: dict[str, str], column: str, parse: Any, errors: list[str]
    ) -> list[dict[str, Any]]:
        text = values.get(column, "").strip()
        if not text:
            return []
        try:
            items = json.loads(text)
        except json.JSONDecodeError as error:
            errors.append(f"{column}: not valid JSON ({error.msg} at character {error.pos})")
            return []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            errors.append(f"{column}: expected a JSON list of objects")
            return []
        parsed = []
        for number, item in enumerate(items, start=1):
            try:
                parsed.append(parse(item))
            except ValidationError as error:
                errors.extend(f"{column} {number}: {m}" for m in _messages(error))
        return parsed

    def _location(self, item: dict[str, Any]) -> dict[str, Any]:
        _only_keys(item, LOCATION_FIELDS)
        values = {name: item.get(name) for name in LOCATION_FIELDS}
        for name in LOCATION_FIELDS:
            if name not in ("latitude", "longitude"):
                values[name] = str(values[name] or "").strip()
        values["state"] = values["state"].upper()
        placed_here = "latitude" not in item and "longitude" not in item
        if placed_here:
            # Hand-written files may leave coordinates out: place the ZIP offline.
            place = zip_place(values["zip_code"]) if values["zip_code"] else None
            values["latitude"] = place.latitude if place else None
            values["longitude"] = place.longitude if place else None
        if (values["latitude"] is None) != (values["longitude"] is None):
            raise ValidationError("give both latitude and longitude, or neither")
        location = Location(**values)
        location.clean_fields(exclude=["program"])
        values["latitude"], values["longitude"] = location.latitude, location.longitude
        if location.has_coordinates and not plausible_coordinates(
            location.latitude, location.longitude
        ):
            # 0,0 (or a point outside the US) is a placeholder, not a place: keep the site
            # off the map, as for a ZIP we cannot place, rather than "0 miles" from everyone.
            values["latitude"] = values["longitude"] = None
            placed_here = True
        if placed_here and values["latitude"] is None:
            self.unplaced_zips[values["zip_code"]] += 1
        return values

    @staticmethod
    def _session(item: dict[str, Any]) -> dict[str, Any]:
        _only_keys(item, SESSION_FIELDS)
        weekday = item.get("weekday")
        if isinstance(weekday, str) and weekday.strip().lower() in WEEKDAYS:
            weekday = WEEKDAYS.index(weekday.strip().lower())
        elif not (isinstance(weekday, int) and 0 <= weekday <= 6):
            raise ValidationError(f"weekday: expected monday … sunday, got {weekday!r}")
        session = WeeklySession(
            weekday=weekday,
            start_time=item.get("start_time"),
            end_time=item.get("end_time"),
            label=str(item.get("label") or ""),
        )
        session.clean_fields(exclude=["program"])
        session.clean()
        return {name: getattr(session, name) for name in SESSION_FIELDS}


def read_programs_csv(stream: IO[str]) -> ParsedCsv:
    """Parse and validate a whole CSV; raise CsvFormatError unless every row is valid."""
    try:
        rows = list(_rows(stream))
    except csv.Error as error:
        raise CsvFormatError(f"The file is not readable CSV text: {error}") from error
    if not rows:
        raise CsvFormatError("The CSV file is empty.")
    _line, header = rows[0]
    columns = [column.strip() for column in header]
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise CsvFormatError(f"Unknown column(s): {', '.join(unknown)} (see docs/csv-format.md).")
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise CsvFormatError(f"Column(s) given twice: {', '.join(repeated)}.")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CsvFormatError(f"Missing required column(s): {', '.join(missing)}.")
    body = [(line, cells) for line, cells in rows[1:] if any(cell.strip() for cell in cells)]
    if not body:
        raise CsvFormatError("The CSV file has a header but no programmes.")

    reader = _RowReader(columns)
    records: list[ProgramRecord] = []
    errors: list[str] = []
    seen_slugs: dict[str, int] = {}
    seen_sources: dict[tuple[str, str], int] = {}
    for line, cells in body:
        if len(cells) != len(columns):
            errors.append(f"line {line}: expected {len(columns)} cells, found {len(cells)}")
            continue
        record, row_errors = reader.record(line, dict(zip(columns, cells, strict=True)))
        if record is not None:
            if record.key and (earlier := seen_slugs.get(record.key)):
                row_errors.append(f"slug: {record.key!r} is also on line {earlier}")
            source_key = (record.fields.get("source", ""), record.fields.get("source_id", ""))
            if source_key[1] and (earlier := seen_sources.get(source_key)):
                row_errors.append(f"source_id: {source_key[1]!r} is also on line {earlier}")
            seen_slugs.setdefault(record.key, line)
            seen_sources.setdefault(source_key, line)
        if row_errors:
            errors.extend(f"line {line}: {message}" for message in row_errors)
        elif record is not None:
            records.append(record)
    errors.extend(_source_conflicts(records))
    if errors:
        raise CsvFormatError(
            f"{len({e.split(':')[0] for e in errors})} row(s) are invalid; nothing was imported.",
            errors,
        )
    relations = tuple(r for r in RELATION_COLUMNS if r in columns)
    fields = tuple(c for c in SCALAR_COLUMNS if c in columns)
    if "verified_by" in columns:
        fields += ("verified_by_id",)
    return ParsedCsv(
        records=records,
        columns=frozenset(columns),
        fields=fields,
        relations=relations,
        warnings=reader.warnings,
        unplaced_zips=reader.unplaced_zips,
    )


def _source_conflicts(records: list[ProgramRecord]) -> list[str]:
    """A source record may belong to one programme only (the catalogue's unique constraint)."""
    wanted = {
        (r.fields.get("source"), r.fields["source_id"]): r
        for r in records
        if r.fields.get("source_id")
    }
    errors = []
    ids = sorted({source_id for _source, source_id in wanted})
    for ids_chunk in chunked(ids):
        for source, source_id, slug in Program.objects.filter(source_id__in=ids_chunk).values_list(
            "source", "source_id", "slug"
        ):
            record = wanted.get((source, source_id))
            if record is not None and record.key != slug:
                errors.append(
                    f"line {record.row}: source_id: {source_id!r} already belongs to the "
                    f"programme {slug!r}"
                )
    return errors
