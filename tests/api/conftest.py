"""Fixtures for the public API tests."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from programs.models import Program
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttles count requests in the cache: every test starts (and leaves) with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def catalogue(db):
    """Published programmes in Manhattan, Newark and Austin, a virtual one, and a draft."""
    nyc = ProgramFactory(
        name="Manhattan Evening IOP",
        description="Skills groups for depression in the evening.",
        conditions=["depression", "anxiety"],
        modalities=["cbt", "group-therapy"],
        insurance=["aetna", "medicaid"],
        languages=["en", "es"],
        populations=["lgbtq"],
        accreditations=["joint-commission"],
        last_verified_on=datetime.date(2026, 9, 1),
    )
    LocationFactory(program=nyc)
    WeeklySessionFactory(
        program=nyc, weekday=0, start_time=datetime.time(18), end_time=datetime.time(21)
    )
    newark = ProgramFactory(
        name="Newark Morning IOP",
        organization="Garden State Health",
        conditions=["alcohol-use", "co-occurring"],
        modalities=["dbt"],
        insurance=["cigna"],
        languages=["en"],
        populations=["veterans"],
        accepting_new_patients=False,
        min_age=13,
        max_age=17,
        last_verified_on=datetime.date(2026, 11, 1),
    )
    LocationFactory(
        program=newark,
        city="Newark",
        state="NJ",
        zip_code="07102",
        latitude=40.7357,
        longitude=-74.1724,
    )
    WeeklySessionFactory(
        program=newark, weekday=1, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    WeeklySessionFactory(
        program=newark, weekday=5, start_time=datetime.time(10), end_time=datetime.time(13)
    )
    austin = ProgramFactory(
        name="Austin Afternoon IOP", conditions=["depression"], insurance=["aetna"]
    )
    LocationFactory(
        program=austin,
        city="Austin",
        state="TX",
        zip_code="78701",
        latitude=30.2672,
        longitude=-97.7431,
    )
    WeeklySessionFactory(
        program=austin, weekday=3, start_time=datetime.time(13), end_time=datetime.time(16)
    )
    virtual = ProgramFactory(
        name="Telehealth IOP",
        delivery=Program.Delivery.VIRTUAL,
        licensed_states=["NY", "TX"],
        conditions=["depression"],
        last_verified_on=datetime.date(2025, 1, 1),
    )
    draft = ProgramFactory(name="Draft IOP", status=Program.Status.DRAFT, conditions=["depression"])
    LocationFactory(program=draft)
    return {"nyc": nyc, "newark": newark, "austin": austin, "virtual": virtual, "draft": draft}
