"""Moving the models out of the matching app keeps every row, and live links keep working.

The database is rolled back to where main stood before the move (clinicians, shortlists,
items and share links all in ``matching``), filled, then migrated forward.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from matching.clinicians.models import Clinician
from matching.shortlists.models import ShareLink, Shortlist, ShortlistItem
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = ("matching", "0001_clinicians_shortlists")
MOVED_APPS = {"matching", "clinicians", "shortlists"}


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def database_before_the_move(vocabularies):
    """Roll the three apps back to main's state; everything else stays at its latest."""
    executor = _migrate([BEFORE_THE_MOVE, ("clinicians", None), ("shortlists", None)])
    others = [node for node in _leaves(executor) if node[0] not in MOVED_APPS]
    old_apps = executor.loader.project_state([*others, BEFORE_THE_MOVE]).apps
    yield old_apps
    # Whatever the test did, leave the database fully migrated for the next test.
    _migrate(_leaves(MigrationExecutor(connection)))


def test_migrating_forward_keeps_every_row_and_live_links_open(database_before_the_move, client):
    old = database_before_the_move
    OldClinician = old.get_model("matching", "Clinician")
    OldShortlist = old.get_model("matching", "Shortlist")
    OldItem = old.get_model("matching", "ShortlistItem")
    OldShareLink = old.get_model("matching", "ShareLink")
    now = timezone.now()

    approved = OldClinician.objects.create(
        user_id=UserFactory().pk,
        name="Dana Rivera",
        credentials="LCSW",
        organisation="Riverside Family Practice",
        is_approved=True,
        approved_at=now - datetime.timedelta(days=10),
    )
    pending = OldClinician.objects.create(
        user_id=UserFactory().pk, name="Pat Pending", credentials="MD", organisation="Clinic"
    )
    shortlist = OldShortlist.objects.create(
        clinician_id=approved.pk,
        title="Evening IOPs",
        patient_label="JD-1",
        message="Call the first one this week.",
        match_answers=[["Where", "10001"]],
    )
    alpha = ProgramFactory(name="Alpha Evening IOP")
    beta = ProgramFactory(name="Beta Day IOP")
    OldItem.objects.create(shortlist_id=shortlist.pk, program_id=alpha.pk, note="Ask", position=0)
    OldItem.objects.create(shortlist_id=shortlist.pk, program_id=beta.pk, note="", position=1)
    OldShareLink.objects.create(
        shortlist_id=shortlist.pk, token="live-token", expires_at=now + datetime.timedelta(days=5)
    )
    OldShareLink.objects.create(
        shortlist_id=shortlist.pk,
        token="revoked-token",
        expires_at=now + datetime.timedelta(days=5),
        revoked_at=now,
    )
    ContentType.objects.get_or_create(app_label="matching", model="clinician")

    _migrate(_leaves(MigrationExecutor(connection)))

    assert list(Clinician.objects.values_list("pk", "name", "is_approved")) == [
        (approved.pk, "Dana Rivera", True),
        (pending.pk, "Pat Pending", False),
    ]
    moved = Shortlist.objects.get()
    assert (moved.pk, moved.clinician_id, moved.title, moved.patient_label) == (
        shortlist.pk,
        approved.pk,
        "Evening IOPs",
        "JD-1",
    )
    assert moved.message == "Call the first one this week."
    assert moved.match_answers == [["Where", "10001"]]
    assert list(ShortlistItem.objects.values_list("program__name", "note", "position")) == [
        ("Alpha Evening IOP", "Ask", 0),
        ("Beta Day IOP", "", 1),
    ]
    assert sorted(ShareLink.objects.values_list("token", flat=True)) == [
        "live-token",
        "revoked-token",
    ]
    assert list(ShareLink.objects.live().values_list("token", flat=True)) == ["live-token"]
    # Permissions and admin history hang on the content type, which follows the model.
    assert ContentType.objects.filter(app_label="clinicians", model="clinician").exists()
    assert not ContentType.objects.filter(app_label="matching", model="clinician").exists()

    page = client.get("/s/live-token/")
    assert page.status_code == 200
    assert "Alpha Evening IOP" in page.content.decode()
    assert "Call the first one this week." in page.content.decode()
    assert client.get("/s/revoked-token/").status_code == 404
