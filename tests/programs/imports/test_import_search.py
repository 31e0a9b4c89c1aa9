"""A SAMHSA import keeps the search table in step (the CSV import: tests/programs/test_search_sync.py)."""

import pytest

from programs.imports.services import samhsa_import
from tests.programs.imports.conftest import facility
from tests.programs.test_search_sync import directory

pytestmark = pytest.mark.django_db


def test_a_samhsa_import_shows_up_in_search(make_workbook):
    samhsa_import(
        path=make_workbook([facility(service_code_info="SA * OP OIT * CBT * PI MD * ADLT")])
    )
    assert directory("near=Denver, CO") == ["Front Range Recovery"]
