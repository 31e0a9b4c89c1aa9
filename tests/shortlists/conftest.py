"""Fixtures for the shortlist tests; clinicians and logins come from tests/conftest.py."""

import pytest

from matching.shortlists.services import share_link_create
from tests.factories import ProgramFactory, ShortlistFactory, ShortlistItemFactory


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
