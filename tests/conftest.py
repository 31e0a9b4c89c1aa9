"""Fixtures shared by every test package."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from rest_framework.test import APIClient

from programs.models import Program
from tests.factories import (
    ClinicianFactory,
    LocationFactory,
    ProgramFactory,
    UserFactory,
    WeeklySessionFactory,
)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Spanish pages need the compiled catalogue; `make` builds it, a bare pytest run too."""
    locale = Path(settings.BASE_DIR) / "locale"
    for po in locale.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            call_command("compilemessages", locale=[po.parent.parent.name], verbosity=0)


@pytest.fixture(autouse=True)
def fast_hashing_and_clean_throttle(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher.

    Throttles (the API's and the login's) count in the cache: every test starts and leaves
    with none.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture
def clinician_a(db):
    return ClinicianFactory(name="Dana Rivera", credentials="LCSW")


@pytest.fixture
def clinician_b(db):
    return ClinicianFactory(name="Sam Okafor", credentials="MD")


@pytest.fixture
def pending_clinician(db):
    return ClinicianFactory(approved=False, name="Pat Pending")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin@iopfinder.example", is_staff=True, is_superuser=True)


def _login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def client_a(client, clinician_a):
    return _login(client, clinician_a.user)


@pytest.fixture
def login():
    return _login


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


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
    spanish = importlib.import_module("programs.migrations.0009_vocabulary_names_per_language")
    spanish.names_per_language(apps, None)
    # The mental-health edition's terms (SMI, SED, dementia, TMS...) came in a later one.
    edition_terms = importlib.import_module("programs.migrations.0012_directory_edition_terms")
    edition_terms.add_terms(apps, None)


@pytest.fixture
def catalogue(db):
    """The directory's test catalogue, shared by the filter and API tests.

    Three published programmes in NYC, Newark and Austin, plus a virtual one and a draft.
    """
    nyc = ProgramFactory(
        name="Manhattan Evening IOP",
        description="Skills groups for depression in the evening.",
        conditions=["depression", "anxiety"],
        modalities=["cbt", "group-therapy"],
        insurance=["aetna", "medicaid"],
        languages=["en", "es"],
        populations=["lgbtq"],
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
        name="Austin Afternoon IOP",
        conditions=["depression"],
        insurance=["aetna"],
        last_verified_on=None,
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
    return {"nyc": nyc, "newark": newark, "austin": austin, "virtual": virtual}


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A test that asked for Spanish must not leave it active for the next test in the worker."""
    yield
    from django.utils import translation

    translation.deactivate()


@dataclass
class TermAddedSinceTheCopy:
    program: Program
    stale: object  # the vocabulary copy read before the term was added
    links: list  # each read of the link tables (``programs.attached.attach_terms``)


@pytest.fixture
def term_added_since_the_copy(db, monkeypatch) -> TermAddedSinceTheCopy:
    """A programme listing a term ("Gambling") added since this process read its vocabulary
    copy, as another process would add it, its search rows rewritten as every write path
    does (their mask names the new term); reads of the link tables are noted."""
    from matching.selectors import vocabulary_load
    from programs import attached
    from programs.models import Condition
    from programs.services import program_search_refresh

    program = ProgramFactory(name="Gambling IOP", conditions=["depression"])
    LocationFactory(program=program)
    stale = vocabulary_load()
    Condition.objects.bulk_create([Condition(slug="gambling", name="Gambling", sort_order=0)])
    program.conditions.add(Condition.objects.get(slug="gambling"))
    program_search_refresh(program_ids=[program.pk])
    links: list = []
    read_links = attached.attach_terms

    def noted(*args, **kwargs):
        links.append(args)
        return read_links(*args, **kwargs)

    monkeypatch.setattr(attached, "attach_terms", noted)
    return TermAddedSinceTheCopy(program=program, stale=stale, links=links)
