# Clinician moved to the clinicians app, Shortlist, ShortlistItem and ShareLink to the
# shortlists app. Nothing changes in the database: the tables keep their names and rows.
# The content types follow the models, so permissions and admin history stay attached.

from django.db import migrations

MOVED = {
    "clinician": "clinicians",
    "shortlist": "shortlists",
    "shortlistitem": "shortlists",
    "sharelink": "shortlists",
}


def content_types_forward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        if not ContentType.objects.filter(app_label=app_label, model=model).exists():
            ContentType.objects.filter(app_label="matching", model=model).update(app_label=app_label)


def content_types_backward(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        if not ContentType.objects.filter(app_label="matching", model=model).exists():
            ContentType.objects.filter(app_label=app_label, model=model).update(app_label="matching")


class Migration(migrations.Migration):

    dependencies = [
        ("matching", "0001_clinicians_shortlists"),
        ("clinicians", "0001_initial"),
        ("shortlists", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ShareLink"),
                migrations.DeleteModel(name="ShortlistItem"),
                migrations.DeleteModel(name="Shortlist"),
                migrations.DeleteModel(name="Clinician"),
            ],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
