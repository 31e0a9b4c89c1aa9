import pytest
from django.core.cache import cache

from matching.shortlists.services import share_link_create
from tests.factories import (
    ClinicianFactory,
    ProgramFactory,
    ShortlistFactory,
    ShortlistItemFactory,
    UserFactory,
)

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def fast_hashing_and_clean_throttle(settings):
    # Argon2 is deliberately slow; tests that are not about hashing use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def shortlist_a(clinician_a):
    """Clinician A's shortlist with two programmes, in order."""
    shortlist = ShortlistFactory(clinician=clinician_a, title="Evening IOPs", patient_label="JD-1")
    ShortlistItemFactory(
        shortlist=shortlist, program=ProgramFactory(name="Alpha Evening IOP"), position=0
    )
    ShortlistItemFactory(
        shortlist=shortlist, program=ProgramFactory(name="Beta Day IOP"), position=1
    )
    return shortlist


@pytest.fixture
def live_link(shortlist_a):
    return share_link_create(shortlist=shortlist_a)


def _login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def client_a(client, clinician_a):
    return _login(client, clinician_a.user)


@pytest.fixture
def login():
    return _login
