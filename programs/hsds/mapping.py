"""Programme <-> HSDS 3.0 service: pure functions, no queries (callers prefetch)."""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from programs import levels as care_levels
from programs.interop import (
    DELIVERY_TAXONOMY,
    FACT_FIELDS,
    FACTS_TAXONOMY,
    LEVEL_TAXONOMY,
    LEVELS_OF_CARE,
    TAXONOMIES,
    TAXONOMY_BY_RELATION,
    ResultPage,
    Taxonomy,
    derived_uuid,
    eligibility_description,
    organization_name,
    organization_uuid,
    program_levels_of_care,
    related,
    term_uuid,
)
from programs.models import VOCABULARY_RELATIONS, Location, Program, Vocabulary, WeeklySession

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://openreferral.org/imls/hsds/"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # RFC 5545, Monday first like WeeklySession
# Machine-read labels the import relies on: data, never translated.
MAIN_PHONE, INTAKE_PHONE = "Main line", "Intake line"
SELF_PAY_OPTION, SLIDING_SCALE_OPTION = "Self-pay, whole programme", "Sliding-scale fees"


def _drop_empty(values: dict[str, Any]) -> dict[str, Any]:
    """HSDS fields are typed strings or numbers: leave out what we do not know."""
    return {key: value for key, value in values.items() if value not in (None, "")}


def _fact_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def page_envelope(page: ResultPage, contents: list[dict[str, Any]]) -> dict[str, Any]:
    """The standard's paging fields around one page of contents."""
    return {
        "total_items": page.total,
        "total_pages": page.pages,
        "page_number": page.number,
        "size": len(contents),
        "first_page": page.number == 1,
        "last_page": page.number >= page.pages,
        "empty": page.total == 0,
        "contents": contents,
    }


def taxonomy_dict(taxonomy: Taxonomy) -> dict[str, Any]:
    return {
        "id": taxonomy.id,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "uri": taxonomy.uri,
        "version": "1",
    }


def term_dict(
    *, taxonomy: Taxonomy, code: str, name: str, description: str, detail: bool = True
) -> dict[str, Any]:
    """A taxonomy term; ``detail=False`` leaves out the taxonomy itself (served on its own)."""
    term = {
        "id": term_uuid(taxonomy.code, code),
        "code": code,
        "name": name,
        "description": description or name,
        "taxonomy": taxonomy.name,
        "taxonomy_id": taxonomy.id,
        "language": "en",
    }
    if detail:
        term["taxonomy_detail"] = taxonomy_dict(taxonomy)
    return term


def _attribute(
    service_id: str, taxonomy: Taxonomy, code: str, name: str, description: str, value: str = ""
) -> dict[str, Any]:
    # Every attribute repeating its taxonomy would double a service's size for nothing.
    term = term_dict(taxonomy=taxonomy, code=code, name=name, description=description, detail=False)
    return _drop_empty(
        {
            "id": derived_uuid(service_id, "attribute", taxonomy.code, code),
            "link_id": service_id,
            "link_type": taxonomy.code,
            "link_entity": "service",
            "taxonomy_term_id": term["id"],
            "taxonomy_term": term,
            "value": value,
        }
    )


def organization_dict(name: str) -> dict[str, Any]:
    return {"id": organization_uuid(name), "name": name, "description": name}


def location_dict(location: Location) -> dict[str, Any]:
    location_id = str(location.uuid)
    address = _drop_empty(
        {
            "id": derived_uuid(location_id, "address"),
            "location_id": location_id,
            "address_1": location.address_line1,
            "address_2": location.address_line2,
            "city": location.city,
            "state_province": location.state,
            "postal_code": location.zip_code,
            "country": "US",
            "address_type": "physical",
        }
    )
    address.setdefault("address_1", "")  # required by the schema even when we only know the ZIP
    return _drop_empty(
        {
            "id": location_id,
            "location_type": "physical",
            "name": location.name,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "addresses": [address],
        }
    )


def service_at_location_dict(program: Program, location: Location) -> dict[str, Any]:
    return {
        # A site belongs to exactly one programme: the link between them shares the site's id.
        "id": str(location.uuid),
        "service_id": str(program.uuid),
        "location_id": str(location.uuid),
        "location": location_dict(location),
    }


def delivery_label(program: Program) -> str:
    """How a programme is delivered, in the active language.

    Not ``get_delivery_display()``: it makes every choice's lazy label hashable on each call,
    translating all of them, and an export asks once per session.
    """
    return str(Program.Delivery(program.delivery).label)


def schedule_dict(
    program: Program, session: WeeklySession, delivery: str | None = None
) -> dict[str, Any]:
    service_id = str(program.uuid)
    opens, closes = f"{session.start_time:%H:%M}", f"{session.end_time:%H:%M}"
    return _drop_empty(
        {
            "id": derived_uuid(service_id, "schedule", session.weekday, opens, closes),
            "service_id": service_id,
            "freq": "WEEKLY",
            "wkst": "MO",
            "byday": BYDAY[session.weekday],
            "opens_at": opens,
            "closes_at": closes,
            "valid_from": program.last_verified_on.isoformat() if program.last_verified_on else "",
            "description": session.label,
            "attending_type": delivery_label(program) if delivery is None else delivery,
        }
    )


def _terms(program: Program, relation: str) -> list[Vocabulary]:
    return related(program, relation)


def fees_description(program: Program) -> str:
    """Insurance, self-pay and sliding scale in one sentence each."""
    parts = []
    insurers = [term.name for term in _terms(program, "insurance")]
    if insurers:
        parts.append(_("Accepts %(insurers)s.") % {"insurers": ", ".join(insurers)})
    if program.self_pay_cost_usd:
        parts.append(
            _("Self-pay about $%(cost)s for the whole programme.")
            % {"cost": f"{program.self_pay_cost_usd:,}"}
        )
    if program.sliding_scale:
        parts.append(_("Sliding-scale fees."))
    if program.payment_plans:
        parts.append(_("Payment plans."))
    return " ".join(parts)


def _cost_options(program: Program, service_id: str) -> list[dict[str, Any]]:
    options = []
    if program.self_pay_cost_usd is not None:
        options.append(
            {
                "id": derived_uuid(service_id, "cost", "self_pay"),
                "service_id": service_id,
                "option": SELF_PAY_OPTION,
                "currency": "USD",
                "amount": program.self_pay_cost_usd,
            }
        )
    if program.sliding_scale:
        options.append(
            {
                "id": derived_uuid(service_id, "cost", "sliding_scale"),
                "service_id": service_id,
                "option": SLIDING_SCALE_OPTION,
                "amount_description": _("Fees set by income."),
            }
        )
    return options


def _phones(program: Program, service_id: str) -> list[dict[str, Any]]:
    phones = []
    for kind, number, description in (
        ("main", program.phone, MAIN_PHONE),
        ("intake", program.intake_phone, INTAKE_PHONE),
    ):
        if number:
            phones.append(
                {
                    "id": derived_uuid(service_id, "phone", kind),
                    "service_id": service_id,
                    "number": number,
                    "type": "voice",
                    "description": description,
                }
            )
    return phones


@functools.cache
def _fact_labels(language: str | None) -> dict[str, str]:
    """The facts' field labels in ``language`` (the active one), translated once."""
    return {name: str(Program._meta.get_field(name).verbose_name) for name in FACT_FIELDS.values()}


def _attributes(program: Program, service_id: str) -> list[dict[str, Any]]:
    attributes = []
    for relation, taxonomy in TAXONOMY_BY_RELATION.items():
        for term in _terms(program, relation):
            attributes.append(
                _attribute(service_id, taxonomy, term.slug, term.name, term.description)
            )
    for level in program_levels_of_care(program):
        attributes.append(
            _attribute(service_id, LEVEL_TAXONOMY, level.code, str(level.name), str(level.name))
        )
    delivery = delivery_label(program)
    attributes.append(
        _attribute(service_id, DELIVERY_TAXONOMY, program.delivery, delivery, delivery)
    )
    labels = _fact_labels(get_language())
    for code, name in FACT_FIELDS.items():
        value = getattr(program, name)
        if value is not None:
            label = labels[name]
            attributes.append(
                _attribute(service_id, FACTS_TAXONOMY, code, label, label, _fact_value(value))
            )
    return attributes


def service_dict(program: Program, *, full: bool = True) -> dict[str, Any]:
    """One programme as an HSDS service; ``full=False`` keeps only its one-to-one fields."""
    service_id = str(program.uuid)
    organization = organization_name(program)
    service = _drop_empty(
        {
            "id": service_id,
            "organization_id": organization_uuid(organization),
            "name": program.name,
            "description": program.description,
            "url": program.website,
            "email": program.email,
            "status": "active",
            "application_process": program.intake_notes,
            "wait_time": (
                _("About %(days)s days") % {"days": program.typical_wait_days}
                if program.typical_wait_days is not None
                else ""
            ),
            "minimum_age": program.min_age,
            "maximum_age": program.max_age,
            "assured_date": (
                program.last_verified_on.isoformat() if program.last_verified_on else ""
            ),
            "assurer_email": program.verified_by.email if program.verified_by else "",
            "last_modified": program.updated_at.isoformat(timespec="milliseconds"),
        }
    )
    if not full:
        return service
    service.update(
        _drop_empty(
            {
                "fees_description": fees_description(program),
                "eligibility_description": eligibility_description(program),
                "accreditations": ", ".join(
                    term.name for term in _terms(program, "accreditations")
                ),
            }
        )
    )
    service["organization"] = organization_dict(organization)
    service["phones"] = _phones(program, service_id)
    delivery = delivery_label(program)
    service["schedules"] = [
        schedule_dict(program, session, delivery) for session in related(program, "sessions")
    ]
    service["service_areas"] = (
        [
            {
                "id": derived_uuid(service_id, "service_area", state.code),
                "service_id": service_id,
                "name": state.name,
                "extent": state.code,
                "extent_type": "text",
                "description": _("Licensed to treat people living in %(state)s.")
                % {"state": state.name},
            }
            for state in related(program, "licensed_states")
        ]
        if program.offers_virtual
        else []
    )
    service["service_at_locations"] = [
        service_at_location_dict(program, location) for location in related(program, "locations")
    ]
    service["languages"] = [
        {
            "id": derived_uuid(service_id, "language", language.slug),
            "service_id": service_id,
            "name": language.name,
            "code": language.slug,
        }
        for language in _terms(program, "languages")
    ]
    service["cost_options"] = _cost_options(program, service_id)
    service["attributes"] = _attributes(program, service_id)
    return service


# --- Reading a service back -------------------------------------------------------------------


class HsdsFormatError(ValueError):
    """A service we cannot read, with a message that says which one and why."""


@dataclass
class ImportedProgram:
    """What one HSDS service says about a programme, ready for the import service to write."""

    uuid: str
    fields: dict[str, Any]
    terms: dict[str, set[str]] = field(default_factory=dict)
    licensed_states: set[str] = field(default_factory=set)
    locations: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)


_TAXONOMY_BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
_BOOLEAN_FACTS = {"accepting_new_patients", "payment_plans"}
_DECIMAL_FACTS = {"hours_per_day", "hours_per_week"}


def _fact(name: str, value: str) -> object:
    if name in _BOOLEAN_FACTS:
        return value.strip().lower() == "true"
    if name in _DECIMAL_FACTS:
        return Decimal(value)
    return int(value)


def _time(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text[:5])


def program_from_service(service: dict[str, Any]) -> ImportedProgram:
    """Read an HSDS service (as ``service_dict`` writes it) back into programme values."""
    try:
        imported = ImportedProgram(
            uuid=str(uuid.UUID(str(service["id"]))),
            fields={
                "name": service["name"],
                "organization": (service.get("organization") or {}).get("name", ""),
                "description": service.get("description", ""),
                "website": service.get("url", ""),
                "email": service.get("email", ""),
                "intake_notes": service.get("application_process", ""),
                "min_age": int(service.get("minimum_age", 18)),
                "max_age": (
                    int(service["maximum_age"]) if service.get("maximum_age") is not None else None
                ),
                "last_verified_on": (
                    datetime.date.fromisoformat(service["assured_date"])
                    if service.get("assured_date")
                    else None
                ),
                "status": (
                    Program.Status.PUBLISHED
                    if service.get("status") == "active"
                    else Program.Status.ARCHIVED
                ),
                "phone": "",
                "intake_phone": "",
                "self_pay_cost_usd": None,
                "sliding_scale": False,
                "delivery": Program.Delivery.IN_PERSON,
                "levels": 0,
                **{name: None for name in FACT_FIELDS.values()},
                "accepting_new_patients": None,
                "payment_plans": False,
            },
        )
        if imported.fields["name"] == imported.fields["organization"]:
            imported.fields["organization"] = ""  # the programme stood for its own organisation
        for phone in service.get("phones", []):
            key = "intake_phone" if phone.get("description") == INTAKE_PHONE else "phone"
            imported.fields[key] = imported.fields[key] or phone["number"]
        for option in service.get("cost_options", []):
            if option.get("option") == SELF_PAY_OPTION:
                imported.fields["self_pay_cost_usd"] = int(option["amount"])
            elif option.get("option") == SLIDING_SCALE_OPTION:
                imported.fields["sliding_scale"] = True
        relations = {taxonomy.code: relation for relation, taxonomy in TAXONOMY_BY_RELATION.items()}
        levels = {level.code: level.bit for level in LEVELS_OF_CARE}
        for attribute in service.get("attributes", []):
            term = attribute.get("taxonomy_term") or {}
            taxonomy = _TAXONOMY_BY_ID.get(term.get("taxonomy_id", ""))
            code = term.get("code", "")
            if taxonomy is None:
                continue  # another directory's taxonomy: nothing of ours to set
            if taxonomy.relation:
                imported.terms.setdefault(relations[taxonomy.code], set()).add(code)
            elif taxonomy is LEVEL_TAXONOMY and levels.get(code):
                imported.fields["levels"] |= levels[code]
            elif taxonomy is DELIVERY_TAXONOMY:
                imported.fields["delivery"] = code
            elif taxonomy is FACTS_TAXONOMY and code in FACT_FIELDS:
                imported.fields[FACT_FIELDS[code]] = _fact(FACT_FIELDS[code], attribute["value"])
        # A service from a directory without our levels of care is taken as an IOP, as
        # every listing was before levels of care existed.
        imported.fields["levels"] = imported.fields["levels"] or int(care_levels.Level.IOP)
        imported.terms.setdefault("languages", set()).update(
            language["code"] for language in service.get("languages", []) if language.get("code")
        )
        for relation in VOCABULARY_RELATIONS:
            imported.terms.setdefault(relation, set())
        imported.licensed_states = {area["extent"] for area in service.get("service_areas", [])}
        for link in service.get("service_at_locations", []):
            location = link["location"]
            address = (location.get("addresses") or [{}])[0]
            imported.locations.append(
                {
                    "uuid": str(uuid.UUID(str(location["id"]))),
                    "name": location.get("name", ""),
                    "address_line1": address.get("address_1", ""),
                    "address_line2": address.get("address_2", ""),
                    "city": address["city"],
                    "state": address["state_province"],
                    "zip_code": address["postal_code"],
                    "latitude": location.get("latitude"),
                    "longitude": location.get("longitude"),
                }
            )
        for schedule in service.get("schedules", []):
            imported.sessions.append(
                {
                    "weekday": BYDAY.index(schedule["byday"]),
                    "start_time": _time(schedule["opens_at"]),
                    "end_time": _time(schedule["closes_at"]),
                    "label": schedule.get("description", ""),
                }
            )
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        name = service.get("name") or service.get("id") if isinstance(service, dict) else "?"
        raise HsdsFormatError(
            _("Service %(name)s cannot be read: %(problem)s")
            % {"name": name, "problem": f"{type(error).__name__} {error}"}
        ) from error
    return imported
