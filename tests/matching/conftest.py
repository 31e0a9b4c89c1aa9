import datetime

import pytest

from matching.intake import Intake
from programs.geo import geocode
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory


def make_intake(**overrides) -> Intake:
    values = {
        "conditions": ("depression", "anxiety"),
        "severity": "moderate",
        "location": "10001",
        "radius": 25,
        "format": "either",
        "place": geocode(overrides.pop("location", "10001")),
    }
    values.update(overrides)
    return Intake(**values)


def add_sessions(program, *slots: tuple[int, int], hours: int = 2):
    """Weekly sessions at (weekday, starting hour) slots; Monday is 0."""
    for weekday, hour in slots:
        WeeklySessionFactory(
            program=program,
            weekday=weekday,
            start_time=datetime.time(hour),
            end_time=datetime.time(hour + hours),
        )
    return program


@pytest.fixture
def intake_factory():
    return make_intake


@pytest.fixture
def evening_cbt_program(db):
    program = ProgramFactory(
        name="Evening CBT IOP",
        conditions=["depression", "anxiety"],
        modalities=["cbt", "group-therapy", "family-therapy"],
        insurance=["aetna", "medicaid"],
        languages=["en", "es"],
        populations=["veterans"],
        last_verified_on=datetime.date(2026, 10, 1),
    )
    LocationFactory(program=program)
    for day in (0, 2, 4):
        WeeklySessionFactory(
            program=program, weekday=day, start_time=datetime.time(18), end_time=datetime.time(21)
        )
    return program
