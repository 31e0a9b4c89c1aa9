"""Give every existing programme and site its own public id (uuid4), and copy it into history."""

import uuid

from django.db import migrations

BATCH = 1000


def fill(apps, schema_editor):
    for live_name, history_name in (
        ("Program", "HistoricalProgram"),
        ("Location", "HistoricalLocation"),
    ):
        live = apps.get_model("programs", live_name)
        history = apps.get_model("programs", history_name)
        ids = {}
        rows = list(live.objects.filter(uuid__isnull=True).only("pk"))
        for row in rows:
            row.uuid = ids[row.pk] = uuid.uuid4()
        live.objects.bulk_update(rows, ["uuid"], batch_size=BATCH)
        # A history row carries the id its programme or site has now; deleted ones get their own.
        entries = list(history.objects.filter(uuid__isnull=True).only("history_id", "id"))
        for entry in entries:
            entry.uuid = ids.get(entry.id) or uuid.uuid4()
        history.objects.bulk_update(entries, ["uuid"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_public_ids"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
