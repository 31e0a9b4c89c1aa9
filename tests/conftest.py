"""Fixtures shared by every test package."""

from __future__ import annotations

import pytest

from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory


@pytest.fixture
def program_factory():
    return ProgramFactory


@pytest.fixture
def location_factory():
    return LocationFactory


@pytest.fixture
def session_factory():
    return WeeklySessionFactory


@pytest.fixture
def manhattan_program(db):
    """A published in-person IOP in Manhattan with evening sessions."""
    program = ProgramFactory(
        name="Midtown Evening IOP",
        conditions=["depression", "anxiety"],
        modalities=["cbt", "group-therapy"],
        insurance=["aetna", "medicaid"],
        languages=["en", "es"],
    )
    LocationFactory(program=program)
    WeeklySessionFactory(program=program, weekday=0)
    WeeklySessionFactory(program=program, weekday=2)
    WeeklySessionFactory(program=program, weekday=4)
    return program


@pytest.fixture
def vocabularies(transactional_db):
    """Reload the vocabularies that a transactional test's flush removed.

    They come from a data migration, so a TransactionTestCase-style flush empties them.
    """
    import importlib

    from django.apps import apps

    migration = importlib.import_module("programs.migrations.0002_load_vocabularies")
    migration.load(apps, None)
