"""Programme -> FHIR R4 resources (HealthcareService, Location, Organization): pure functions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from programs.interop import (
    eligibility_description,
    organization_name,
    organization_uuid,
    program_levels_of_care,
    related,
)
from programs.models import Location, Program

FHIR_VERSION = "4.0.1"
SYSTEM = "https://iopfinder.org/fhir/CodeSystem"
SERVICE_CATEGORY = "http://terminology.hl7.org/CodeSystem/service-category"
NDH = "http://hl7.org/fhir/us/ndh"
NEW_PATIENTS_URL = f"{NDH}/StructureDefinition/base-ext-newpatients"
DELIVERY_METHOD_URL = f"{NDH}/StructureDefinition/base-ext-delivery-method"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# HL7 service categories: every listing is mental health care; substance use adds Drug/Alcohol.
MENTAL_HEALTH = {"system": SERVICE_CATEGORY, "code": "24", "display": "Mental Health"}
DRUG_ALCOHOL = {"system": SERVICE_CATEGORY, "code": "13", "display": "Drug/Alcohol"}


def _concept(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": f"{SYSTEM}/{system}", "code": code, "display": display}]}


def _reference(kind: str, identifier: str, display: str = "") -> dict[str, Any]:
    reference = {"reference": f"{kind}/{identifier}"}
    if display:
        reference["display"] = display
    return reference


def service_categories(program: Program) -> list[dict[str, Any]]:
    codings = [MENTAL_HEALTH]
    if any(c.category != "mental_health" for c in related(program, "conditions")):
        codings.append(DRUG_ALCOHOL)
    return [{"coding": [coding]} for coding in codings]


def available_times(program: Program) -> list[dict[str, Any]]:
    """Weekly sessions, one entry per start and end time with every weekday it meets."""
    days_by_time: dict[tuple[str, str], list[str]] = defaultdict(list)
    for session in related(program, "sessions"):
        key = (f"{session.start_time:%H:%M:%S}", f"{session.end_time:%H:%M:%S}")
        days_by_time[key].append(DAYS[session.weekday])
    return [
        {"daysOfWeek": days, "availableStartTime": start, "availableEndTime": end}
        for (start, end), days in sorted(days_by_time.items())
    ]


def _telecom(program: Program) -> list[dict[str, Any]]:
    telecom = []
    for system, value in (
        ("phone", program.intake_phone or program.phone),
        ("url", program.website),
        ("email", program.email),
    ):
        if value:
            telecom.append({"system": system, "value": value, "use": "work"})
    return telecom


def _extensions(program: Program) -> list[dict[str, Any]]:
    methods = []
    if program.offers_in_person:
        methods.append("physical")
    if program.offers_virtual:
        methods.append("virtual")
    new_patients = []
    # Unknown openings (imported listings) publish no new-patients extension at all: NDH has
    # no "unknown" code, and "newpt" would claim what the listing never said.
    if program.accepting_new_patients is not None:
        accepting = "newpt" if program.accepting_new_patients else "nopt"
        new_patients.append(
            {
                "url": NEW_PATIENTS_URL,
                "extension": [
                    {
                        "url": "acceptingPatients",
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": f"{NDH}/CodeSystem/AcceptingPatientsCS",
                                    "code": accepting,
                                }
                            ]
                        },
                    }
                ],
            }
        )
    return [
        *new_patients,
        *(
            {
                "url": DELIVERY_METHOD_URL,
                "extension": [
                    {
                        "url": "deliveryMethodtype",
                        "valueCodeableConcept": {
                            "coding": [{"system": f"{NDH}/CodeSystem/DeliveryMethodCS", "code": m}]
                        },
                    }
                ],
            }
            for m in methods
        ),
    ]


def healthcare_service(program: Program) -> dict[str, Any]:
    organization = organization_name(program)
    resource: dict[str, Any] = {
        "resourceType": "HealthcareService",
        "id": str(program.uuid),
        "meta": {"lastUpdated": program.updated_at.isoformat(timespec="milliseconds")},
        "extension": _extensions(program),
        "active": True,
        "providedBy": _reference("Organization", organization_uuid(organization), organization),
        "category": service_categories(program),
        "type": [
            _concept("therapies", term.slug, term.name) for term in related(program, "modalities")
        ],
        "specialty": [
            _concept("conditions", term.slug, term.name) for term in related(program, "conditions")
        ],
        "location": [
            _reference("Location", str(site.uuid)) for site in related(program, "locations")
        ],
        "name": program.name,
        "telecom": _telecom(program),
        "eligibility": [
            {"code": {"text": "Age and population"}, "comment": eligibility_description(program)}
        ],
        "program": [
            _concept("levels-of-care", level.code, str(level.name))
            for level in program_levels_of_care(program)
        ],
        "communication": [
            {"coding": [{"system": "urn:ietf:bcp:47", "code": term.slug, "display": term.name}]}
            for term in related(program, "languages")
        ],
        "appointmentRequired": True,
        "availableTime": available_times(program),
    }
    if program.description:
        resource["comment"] = program.description
    if program.intake_notes:
        resource["extraDetails"] = program.intake_notes
    if program.offers_virtual:
        resource["coverageArea"] = [
            {
                "identifier": {"system": "https://www.usps.com", "value": state.code},
                "display": state.name,
            }
            for state in related(program, "licensed_states")
        ]
    return {key: value for key, value in resource.items() if value not in ([], "", None)}


def location(site: Location) -> dict[str, Any]:
    program = site.program
    address = {
        "use": "work",
        "type": "physical",
        "line": [line for line in (site.address_line1, site.address_line2) if line],
        "city": site.city,
        "state": site.state,
        "postalCode": site.zip_code,
        "country": "US",
    }
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "id": str(site.uuid),
        "status": "active",
        "name": site.name or program.name,
        "mode": "instance",
        "address": {key: value for key, value in address.items() if value},
        "managingOrganization": _reference(
            "Organization", organization_uuid(organization_name(program))
        ),
    }
    if site.has_coordinates:
        resource["position"] = {"latitude": site.latitude, "longitude": site.longitude}
    return resource


def organization(identifier: str, name: str) -> dict[str, Any]:
    return {"resourceType": "Organization", "id": identifier, "active": True, "name": name}


def bundle(
    *, entries: list[dict[str, Any]], total: int, base: str, self_url: str, next_url: str
) -> dict[str, Any]:
    links = [{"relation": "self", "url": self_url}]
    if next_url:
        links.append({"relation": "next", "url": next_url})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}{entry['resourceType']}/{entry['id']}",
                "resource": entry,
                "search": {"mode": "match"},
            }
            for entry in entries
        ],
    }


def operation_outcome(*, code: str, diagnostics: str) -> dict[str, Any]:
    """The body of every FHIR error: one issue with a FHIR issue-type code."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }
