"""Writes for HSDS: export the published catalogue, import such an export back."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from programs.hsds.mapping import (
    HsdsFormatError,
    ImportedProgram,
    program_from_service,
    service_dict,
    taxonomy_dict,
    term_dict,
)
from programs.interop import TAXONOMIES, interop_chunks, interop_programs, taxonomy_terms
from programs.models import VOCABULARY_RELATIONS, Location, Program, State, WeeklySession
from programs.services import program_search_refresh

# The tabular package: each table's columns (the scalar fields we write, in the standard's names).
TABLES: dict[str, tuple[str, ...]] = {
    "services": (
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "application_process",
        "wait_time",
        "fees_description",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "last_modified",
    ),
    "organizations": ("id", "name", "description"),
    "locations": ("id", "location_type", "name", "latitude", "longitude"),
    "addresses": (
        "id",
        "location_id",
        "address_1",
        "address_2",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "service_at_locations": ("id", "service_id", "location_id"),
    "phones": ("id", "service_id", "number", "type", "description"),
    "schedules": (
        "id",
        "service_id",
        "freq",
        "wkst",
        "byday",
        "opens_at",
        "closes_at",
        "valid_from",
        "description",
        "attending_type",
    ),
    "service_areas": ("id", "service_id", "name", "description", "extent", "extent_type"),
    "languages": ("id", "service_id", "name", "code"),
    "cost_options": ("id", "service_id", "option", "currency", "amount", "amount_description"),
    "attributes": ("id", "link_id", "link_type", "link_entity", "taxonomy_term_id", "value"),
    "taxonomies": ("id", "name", "description", "uri", "version"),
    "taxonomy_terms": ("id", "code", "name", "description", "taxonomy", "taxonomy_id", "language"),
}
# Which nested list of a service fills which table.
SERVICE_LISTS = {
    "phones": "phones",
    "schedules": "schedules",
    "service_areas": "service_areas",
    "languages": "languages",
    "cost_options": "cost_options",
    "attributes": "attributes",
}


def _rows(service: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every table row one service contributes."""
    yield "services", service
    for key, table in SERVICE_LISTS.items():
        for item in service.get(key, []):
            yield table, item
    for link in service.get("service_at_locations", []):
        yield "service_at_locations", link
        yield "locations", link["location"]
        for address in link["location"].get("addresses", []):
            yield "addresses", address


def _datapackage() -> dict[str, Any]:
    return {
        "name": "iopfinder-hsds",
        "title": "IOPfinder programmes in Open Referral HSDS 3.0",
        "profile": "tabular-data-package",
        "resources": [
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "schema": {"fields": [{"name": column, "type": "string"} for column in columns]},
            }
            for table, columns in TABLES.items()
        ],
    }


def hsds_export(*, out_dir: Path, programs: Iterable[Program] | None = None) -> int:
    """Write one JSON file per published service and the tabular package; count services.

    Programmes stream in chunks (prefetching per chunk) and rows go straight to the CSV files,
    so memory stays flat however large the catalogue.
    """
    services_dir = out_dir / "services"
    services_dir.mkdir(parents=True, exist_ok=True)
    if programs is None:
        programs = interop_chunks(interop_programs(), relations=VOCABULARY_RELATIONS)
    written, organizations = 0, set()
    with ExitStack() as stack:
        writers = {}
        for table, columns in TABLES.items():
            stream = stack.enter_context((out_dir / f"{table}.csv").open("w", newline=""))
            writers[table] = csv.DictWriter(stream, columns, extrasaction="ignore")
            writers[table].writeheader()
        for program in programs:
            service = service_dict(program)
            (services_dir / f"{service['id']}.json").write_text(
                json.dumps(service, ensure_ascii=False, separators=(",", ":"))
            )
            for table, row in _rows(service):
                writers[table].writerow(row)
            organization = service["organization"]
            if organization["id"] not in organizations:
                organizations.add(organization["id"])
                writers["organizations"].writerow(organization)
            written += 1
        for taxonomy in TAXONOMIES:
            writers["taxonomies"].writerow(taxonomy_dict(taxonomy))
        for term in taxonomy_terms():
            writers["taxonomy_terms"].writerow(
                term_dict(
                    taxonomy=term.taxonomy,
                    code=term.code,
                    name=term.name,
                    description=term.description,
                )
            )
    (out_dir / "datapackage.json").write_text(json.dumps(_datapackage(), indent=1))
    return written


@dataclass(frozen=True)
class HsdsImportResult:
    created: int
    updated: int


def _read(in_dir: Path) -> list[ImportedProgram]:
    files = sorted((in_dir / "services").glob("*.json")) if in_dir.is_dir() else []
    if not files:
        raise HsdsFormatError(
            _("%(path)s holds no services/*.json files from an HSDS export.") % {"path": in_dir}
        )
    imported = []
    for path in files:
        try:
            service = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise HsdsFormatError(
                _("%(file)s is not JSON: %(problem)s") % {"file": path.name, "problem": error}
            ) from error
        if not isinstance(service, dict):
            raise HsdsFormatError(_("%(file)s is not an HSDS service.") % {"file": path.name})
        imported.append(program_from_service(service))
    return imported


def _unique_slug(name: str, identifier: str) -> str:
    base = slugify(name)[:200] or "programme"
    if Program.objects.filter(slug=base).exclude(uuid=identifier).exists():
        return f"{base}-{identifier[:8]}"
    return base


def _write(item: ImportedProgram, terms: dict[str, dict[str, Any]]) -> tuple[int, bool]:
    """Create or update one programme from its service: its pk, and whether it was new."""
    program = Program.objects.filter(uuid=item.uuid).first()
    created = program is None
    if program is None:
        program = Program(
            uuid=item.uuid,
            source=Program.Source.HSDS,
            source_id=item.uuid,
            slug=_unique_slug(item.fields["name"], item.uuid),
        )
    for name, value in item.fields.items():
        setattr(program, name, value)
    program.full_clean()
    program.save()
    for relation in VOCABULARY_RELATIONS:
        wanted = item.terms.get(relation, set())
        unknown = sorted(wanted - terms[relation].keys())
        if unknown:
            raise HsdsFormatError(
                _("Service %(name)s uses unknown %(relation)s: %(terms)s")
                % {"name": program.name, "relation": relation, "terms": ", ".join(unknown)}
            )
        getattr(program, relation).set([terms[relation][slug] for slug in wanted])
    program.licensed_states.set(State.objects.filter(code__in=item.licensed_states))
    kept = [site["uuid"] for site in item.locations]
    program.locations.exclude(uuid__in=kept).delete()
    for values in item.locations:
        values = dict(values)
        identifier = values.pop("uuid")
        site = Location.objects.filter(uuid=identifier).first()
        if site is not None and site.program_id != program.pk:
            raise HsdsFormatError(
                _("Site %(id)s belongs to another programme.") % {"id": identifier}
            )
        if site is None:
            site = Location(program=program, uuid=identifier)
        for name, value in values.items():
            setattr(site, name, value)
        site.full_clean()
        site.save()
    program.sessions.all().delete()
    for values in item.sessions:
        session = WeeklySession(program=program, **values)
        session.full_clean()
        session.save()
    return program.pk, created


def hsds_import(*, in_dir: Path) -> HsdsImportResult:
    """Import an HSDS export (idempotent by service id); on any bad service nothing is written."""
    items = _read(in_dir)
    terms = {
        relation: {term.slug: term for term in model.objects.all()}
        for relation, model in VOCABULARY_RELATIONS.items()
    }
    created = updated = 0
    try:
        with transaction.atomic():
            written = []
            for item in items:
                pk, was_created = _write(item, terms)
                written.append(pk)
                created += was_created
                updated += not was_created
            # The directory and matching search their own table: keep it in step.
            program_search_refresh(program_ids=written)
    except ValidationError as error:
        messages = "; ".join(error.messages)
        raise HsdsFormatError(
            _("A service cannot be saved: %(problem)s") % {"problem": messages}
        ) from error
    return HsdsImportResult(created=created, updated=updated)
