"""Imports and exports of the catalogue: the SAMHSA directory and our own CSV format."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from programs.html_cache import catalogue_changed
from programs.imports import csv_format, editions, samhsa
from programs.imports.sync import ProgramRecord, Progress, SyncOptions, chunked, synchronise
from programs.models import DIRECTORY_SOURCES, DirectoryRecord, ImportRun, Program

SAMHSA_REASON = "Imported from the SAMHSA directory, edition {edition} ({file})"
CSV_REASON = "Imported from CSV ({file})"
EXAMPLES = 20  # how many row-level problems a summary lists by row


@dataclass
class ImportSummary:
    """What an import did (or, on a dry run, would do)."""

    source: str
    file_name: str
    dry_run: bool
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_confirmed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    unplaced_zips: Counter[str] = field(default_factory=Counter)
    unknown_codes: Counter[str] = field(default_factory=Counter)
    invalid_phones: int = 0
    not_in_file: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "row 12: skipped: missing name"
    warnings: list[str] = field(default_factory=list)
    code_names: dict[str, str] = field(default_factory=dict)
    edition: str = ""  # the directory edition read, for the report

    @property
    def changed_nothing(self) -> bool:
        return not (self.created or self.updated)

    def counts(self) -> dict[str, Any]:
        """The numbers, for ImportRun.counts and the data-quality dashboard."""
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "kept_confirmed": self.kept_confirmed,
            "skipped": dict(self.skipped),
            "unplaced_zips": sum(self.unplaced_zips.values()),
            "unknown_codes": dict(self.unknown_codes),
            "invalid_phones": self.invalid_phones,
            "not_in_file": len(self.not_in_file),
        }

    def lines(self) -> list[str]:
        """A plain-text report for the terminal."""
        lines = [
            f"{'Dry run: nothing written. ' if self.dry_run else ''}{self.file_name}",
            *([f"Edition: {self.edition}"] if self.edition else []),
            f"Rows read: {self.rows_read}",
            f"Created: {self.created}, updated: {self.updated}, unchanged: {self.unchanged}",
        ]
        if self.kept_confirmed:
            lines.append(
                f"Kept as curated (confirmed by the programme, not overwritten): "
                f"{self.kept_confirmed}"
            )
        skipped = sum(self.skipped.values())
        lines.append(f"Skipped: {skipped}")
        lines.extend(f"  {reason}: {count}" for reason, count in self.skipped.most_common())
        if self.source in DIRECTORY_SOURCES:
            lines.extend(self._directory_lines())
        elif self.unplaced_zips:
            lines.append(self._unplaced_line())
        lines.extend(self.problems[:EXAMPLES])
        if len(self.problems) > EXAMPLES:
            lines.append(f"… and {len(self.problems) - EXAMPLES} more rows skipped.")
        lines.extend(self.warnings)
        if self.changed_nothing and not self.dry_run:
            lines.append("Nothing changed: the catalogue already matches this file.")
        return lines

    def _unplaced_line(self) -> str:
        verb = "would be " if self.dry_run else ""
        zips = ", ".join(sorted(self.unplaced_zips))
        return (
            f"ZIP codes we could not place ({sum(self.unplaced_zips.values())} sites "
            f"{verb}imported without coordinates): {zips}"
        )

    def _directory_lines(self) -> list[str]:
        lines = [
            self._unplaced_line() if self.unplaced_zips else "ZIP codes we could not place: none"
        ]
        if self.unknown_codes:
            described = ", ".join(
                f"{code} ({self.code_names[code]}) x{count}"
                if self.code_names.get(code)
                else f"{code} (not in the file's key) x{count}"
                for code, count in self.unknown_codes.most_common()
            )
            lines.append(f"Unknown codes (not mapped, ignored): {described}")
        else:
            lines.append("Unknown codes: none")
        if self.invalid_phones:
            lines.append(f"Phone numbers left out as unusable: {self.invalid_phones}")
        if self.not_in_file:
            lines.append(
                f"Imported earlier but not in this file ({len(self.not_in_file)}, kept, not "
                f"deleted): {', '.join(self.not_in_file[:EXAMPLES])}"
                + (" …" if len(self.not_in_file) > EXAMPLES else "")
            )
        return lines


def _record_run(summary: ImportSummary, *, started: datetime.datetime, error: str = "") -> None:
    ImportRun.objects.create(
        source=summary.source,
        file_name=summary.file_name,
        started_at=started,
        finished_at=timezone.now(),
        dry_run=False,
        succeeded=not error,
        counts={} if error else summary.counts(),
        message=error or "\n".join(summary.lines()),
    )


def _synchronise_recorded(
    summary: ImportSummary,
    *,
    records: list[ProgramRecord],
    scope: QuerySet[Program] | None,
    options: SyncOptions,
    progress: Progress | None,
    started: datetime.datetime,
    owned: set[str] | None = None,
    after: Callable[[], None] | None = None,
) -> ImportSummary:
    """Synchronise in one transaction; record an ImportRun for real runs, even failed ones."""
    try:
        with transaction.atomic():
            result = synchronise(
                records=records,
                scope=scope,
                options=options,
                dry_run=summary.dry_run,
                progress=progress,
            )
            summary.created = result.created
            summary.updated = result.updated
            summary.unchanged = result.unchanged
            summary.kept_confirmed = result.kept_confirmed
            summary.not_in_file = [
                name for key, name in result.not_in_file if owned is None or key in owned
            ]
            if after is not None:
                after()
            if not summary.dry_run:
                _record_run(summary, started=started)
    except Exception as error:
        if not summary.dry_run:
            # Outside the rolled-back transaction, so the dashboard sees the failure.
            message = f"Nothing was written: {error.__class__.__name__}: {error}"
            _record_run(summary, started=started, error=message)
        raise
    return summary


def _other_editions(edition: editions.Edition) -> dict[str, list[tuple[int, samhsa.Facility]]]:
    """Every facility key another edition has imported -> (edition order, its row as read)."""
    others: dict[str, list[tuple[int, samhsa.Facility]]] = {}
    order = {e.source: n for n, e in enumerate(editions.EDITIONS)}
    rows = DirectoryRecord.objects.filter(source__in=list(editions.BY_SOURCE)).exclude(
        source=edition.source
    )
    for source, key, row in rows.values_list("source", "source_id", "row").iterator(2000):
        if row:  # a record from before rows were kept has nothing to merge
            others.setdefault(key, []).append((order[source], samhsa.Facility.from_row(row)))
    return others


def _record_provenance(edition: editions.Edition, *, rows: dict[str, dict[str, str]]) -> None:
    """Keep this edition's record of each facility imported, creating or updating only changes."""
    have = {
        key: (pk, row)
        for pk, key, row in DirectoryRecord.objects.filter(source=edition.source).values_list(
            "pk", "source_id", "row"
        )
    }
    missing = [key for key in rows if key not in have]
    program_ids: dict[str, int] = {}
    for keys in chunked(missing):
        program_ids.update(
            Program.objects.filter(
                source__in=list(editions.BY_SOURCE), source_id__in=keys
            ).values_list("source_id", "pk")
        )
    DirectoryRecord.objects.bulk_create(
        [
            DirectoryRecord(
                program_id=program_ids[key], source=edition.source, source_id=key, row=rows[key]
            )
            for key in missing
            if key in program_ids
        ],
        batch_size=1000,
    )
    DirectoryRecord.objects.bulk_update(
        [
            DirectoryRecord(pk=pk, row=rows[key])
            for key, (pk, row) in have.items()
            if key in rows and row != rows[key]
        ],
        ["row"],
        batch_size=1000,
    )
    # Bulk writes send no signal: the signs' sources on shared pages change with the records.
    catalogue_changed()


def samhsa_import(
    *,
    path: Path,
    dry_run: bool = False,
    levels: Iterable[str] | None = None,
    edition: str = "",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one edition of SAMHSA's directory; raise SamhsaFileError for a file we cannot use.

    The edition is ``edition`` (checked against the workbook's key) or recognised from the
    workbook. A facility another edition already listed (the same key) updates that listing,
    with both editions' codes; programmes only other editions list are never "not in file".
    """
    started = timezone.now()
    path = Path(path)
    directory = samhsa.read_directory(path)
    chosen = editions.edition_for(directory, path, named=edition)
    level_codes = frozenset(code.upper() for code in (levels or chosen.default_levels))
    if unknown_levels := sorted(level_codes - set(chosen.settings)):
        raise samhsa.SamhsaFileError(
            f"--levels: {', '.join(unknown_levels)} is not a setting code of the "
            f"{chosen.slug} edition (its settings: {', '.join(chosen.settings)})."
        )
    summary = ImportSummary(
        source=chosen.source,
        file_name=path.name,
        dry_run=dry_run,
        rows_read=len(directory.facilities),
        code_names=directory.code_names,
        edition=chosen.title,
    )
    if unreviewed := chosen.unreviewed(directory.code_names):
        summary.warnings.append(
            f"The file's key lists {len(unreviewed)} code(s) the {chosen.slug} table has not "
            f"reviewed: {', '.join(unreviewed)}."
        )
    tables = {n: e for n, e in enumerate(editions.EDITIONS)}
    own_order = editions.EDITIONS.index(chosen)
    others = _other_editions(chosen)
    records: list[ProgramRecord] = []
    rows: dict[str, dict[str, str]] = {}
    first_row: dict[str, int] = {}
    for facility in directory.facilities:
        key = facility.key
        also = sorted([*others.get(key, ()), (own_order, facility)], key=lambda item: item[0])
        also = [(tables[n], other) for n, other in also] if len(also) > 1 else []
        mapped = samhsa.facility_to_record(facility, levels=level_codes, table=chosen, also=also)
        if mapped.record is None:
            summary.skipped[mapped.skip_reason] += 1
            if mapped.skip_reason not in (samhsa.NOT_IOP, samhsa.NOT_SELECTED):
                summary.problems.append(f"row {facility.row}: skipped: {mapped.skip_reason}")
            continue
        if (earlier := first_row.get(mapped.record.key)) is not None:
            summary.skipped["duplicate facility"] += 1
            summary.problems.append(
                f"row {facility.row}: skipped: duplicate of row {earlier} ({facility.name1})"
            )
            continue
        first_row[mapped.record.key] = facility.row
        rows[key] = facility.as_row()
        summary.unknown_codes.update(mapped.unknown_codes)
        if mapped.unplaced_zip:
            summary.unplaced_zips[mapped.unplaced_zip] += 1
        summary.invalid_phones += len(mapped.invalid_phones)
        records.append(mapped.record)

    options = SyncOptions(
        key_field="source_id",
        managed_fields=samhsa.MANAGED_FIELDS,
        managed_relations=samhsa.MANAGED_RELATIONS,
        manage_sessions=False,
        create_defaults={"source": chosen.source, "status": Program.Status.PUBLISHED},
        protect_verified=True,
        change_reason=SAMHSA_REASON.format(edition=chosen.slug, file=path.name)[:100],
    )
    return _synchronise_recorded(
        summary,
        records=records,
        # Every directory listing, so a facility another edition created is found by its key;
        # only this edition's own records can be "not in this file".
        scope=Program.objects.filter(source__in=list(editions.BY_SOURCE)),
        owned=set(
            DirectoryRecord.objects.filter(source=chosen.source).values_list("source_id", flat=True)
        )
        | set(
            Program.objects.filter(source=chosen.source)
            .exclude(directory_records__source=chosen.source)
            .values_list("source_id", flat=True)
        ),
        after=None if dry_run else (lambda: _record_provenance(chosen, rows=rows)),
        options=options,
        progress=progress,
        started=started,
    )


def programs_import_csv(
    *,
    stream: IO[str],
    file_name: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import programmes in our CSV format; raise CsvFormatError listing every bad row."""
    started = timezone.now()
    parsed = csv_format.read_programs_csv(stream)
    summary = ImportSummary(
        source=Program.Source.CSV,
        file_name=file_name,
        dry_run=dry_run,
        rows_read=len(parsed.records),
        warnings=parsed.warnings,
        unplaced_zips=parsed.unplaced_zips,
    )
    options = SyncOptions(
        key_field="slug",
        managed_fields=parsed.fields,
        managed_relations=parsed.relations,
        manage_states="licensed_states" in parsed.columns,
        manage_locations="locations" in parsed.columns,
        manage_sessions="sessions" in parsed.columns,
        create_defaults={"source": Program.Source.CSV},
        change_reason=CSV_REASON.format(file=file_name)[:100],
    )
    return _synchronise_recorded(
        summary,
        records=parsed.records,
        scope=None,
        options=options,
        progress=progress,
        started=started,
    )


def programs_export_csv(*, queryset: QuerySet[Program], stream: IO[str]) -> int:
    """Write the programmes, with locations and weekly sessions, in our CSV format; count them."""
    return csv_format.write_programs_csv(queryset=queryset, stream=stream)
