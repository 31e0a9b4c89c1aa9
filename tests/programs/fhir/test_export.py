"""export_fhir writes bulk NDJSON: one valid R4B resource a line."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_export_fhir_writes_each_service_site_and_organisation_once(
    catalogue, tmp_path, parse_fhir
):
    out = tmp_path / "bulk.ndjson"
    call_command("export_fhir", str(out))
    resources = [json.loads(line) for line in out.read_text().splitlines()]
    for resource in resources:
        parse_fhir(resource)
    kinds = [resource["resourceType"] for resource in resources]
    assert kinds.count("HealthcareService") == 4
    assert kinds.count("Location") == 3
    assert kinds.count("Organization") == len(
        {r["id"] for r in resources if r["resourceType"] == "Organization"}
    )
