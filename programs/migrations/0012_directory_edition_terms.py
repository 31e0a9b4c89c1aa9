"""Terms the mental-health directory and the signs of quality need, and provenance so far.

New conditions (serious mental illness, serious emotional disturbance, dementia), therapies
(TMS, ECT) and a service (accepts people already taking medication for opioid or alcohol
use). Every programme already imported from the 2022 substance-use directory gets its
provenance record (its row is filled in by the next import of that edition).
"""

from django.db import migrations

TERMS = {
    # model: [(slug, English, Spanish, extra fields)]
    "Condition": [
        (
            "serious-mental-illness",
            "Serious mental illness (SMI)",
            "Enfermedad mental grave",
            {"category": "mental_health", "sort_order": 16},
        ),
        (
            "serious-emotional-disturbance",
            "Serious emotional disturbance in children (SED)",
            "Trastorno emocional grave en niños y adolescentes",
            {"category": "mental_health", "sort_order": 17},
        ),
        (
            "dementia",
            "Alzheimer's disease and dementia",
            "Enfermedad de Alzheimer y demencia",
            {"category": "mental_health", "sort_order": 18},
        ),
    ],
    "Modality": [
        (
            "tms",
            "Transcranial magnetic stimulation",
            "Estimulación magnética transcraneal",
            {"kind": "therapy", "abbreviation": "TMS", "sort_order": 27},
        ),
        (
            "ect",
            "Electroconvulsive therapy",
            "Terapia electroconvulsiva",
            {"kind": "therapy", "abbreviation": "ECT", "sort_order": 28},
        ),
        (
            "moud-accepted",
            "Accepts people already taking medication for opioid or alcohol use",
            "Acepta a personas que ya toman medicación para el consumo de opioides o alcohol",
            {"kind": "service", "sort_order": 29},
        ),
    ],
}


def add_terms(apps, schema_editor):
    for model_name, rows in TERMS.items():
        model = apps.get_model("programs", model_name)
        for slug, english, spanish, extra in rows:
            model.objects.update_or_create(
                slug=slug,
                defaults={"name": english, "name_en": english, "name_es": spanish, **extra},
            )
    Program = apps.get_model("programs", "Program")
    DirectoryRecord = apps.get_model("programs", "DirectoryRecord")
    DirectoryRecord.objects.bulk_create(
        [
            DirectoryRecord(program_id=pk, source="samhsa_2022", source_id=key, row={})
            for pk, key in Program.objects.filter(source="samhsa_2022")
            .exclude(source_id="")
            .values_list("pk", "source_id")
        ],
        batch_size=1000,
    )


def remove_terms(apps, schema_editor):
    for model_name, rows in TERMS.items():
        apps.get_model("programs", model_name).objects.filter(
            slug__in=[row[0] for row in rows]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0011_directory_editions"),
    ]

    operations = [migrations.RunPython(add_terms, remove_terms)]
