"""Admins export selected programmes as CSV from the programme list."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from programs.imports.csv_format import COLUMNS
from tests.factories import LocationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_admin_action_exports_only_the_selected_programmes(admin_client):
    chosen = ProgramFactory(name="Chosen IOP")
    LocationFactory(program=chosen)
    ProgramFactory(name="Other IOP")

    response = admin_client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "export_programs_csv", "_selected_action": [chosen.pk]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["name"] for row in rows] == ["Chosen IOP"]
    assert list(rows[0]) == list(COLUMNS)
    assert '"zip_code": "10001"' in rows[0]["locations"]


def test_export_action_is_offered_in_the_programme_list(admin_client):
    ProgramFactory()
    response = admin_client.get(reverse("admin:programs_program_changelist"))
    assert "Export selected programmes as CSV" in response.content.decode()
