"""Writes for FHIR: the bulk NDJSON export of the published catalogue."""

from __future__ import annotations

import json
from typing import IO

from programs.fhir.mapping import healthcare_service, location, organization
from programs.fhir.selectors import FHIR_RELATIONS
from programs.interop import (
    interop_chunks,
    interop_programs,
    organization_name,
    organization_uuid,
    related,
)


def fhir_export_ndjson(*, stream: IO[str]) -> int:
    """Write every published HealthcareService, Location and Organization, one a line; count them."""
    written, organizations = 0, set()
    for program in interop_chunks(interop_programs(), relations=FHIR_RELATIONS):
        resources = [healthcare_service(program)]
        resources += [location(site) for site in related(program, "locations")]
        name = organization_name(program)
        identifier = organization_uuid(name)
        if identifier not in organizations:
            organizations.add(identifier)
            resources.append(organization(identifier, name))
        for resource in resources:
            stream.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n")
        written += len(resources)
    return written
