"""Levels of care as one bitmask (programs.levels) instead of two "also offers" flags, and
"accepting new patients" that can be unknown.

Every listing so far was an IOP (the catalogue listed nothing else), so each gets the IOP
bit, plus PHP where it offered PHP and outpatient where it offered outpatient care. Listings
imported from SAMHSA's directory and never confirmed did not say whether they take new
patients (the directory never does): they become unknown.
"""

import django.core.validators
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery

import programs.levels

# The bits as stored (programs.levels.Level), fixed here so later renames cannot move them.
OUTPATIENT, IOP, PHP = 1, 2, 4
PROGRAM_MODELS = ("Program", "HistoricalProgram")


def to_levels(apps, schema_editor):
    for name in PROGRAM_MODELS:
        model = apps.get_model("programs", name)
        model.objects.update(levels=IOP)
        model.objects.filter(offers_php=True).update(levels=F("levels").bitor(PHP))
        model.objects.filter(offers_outpatient=True).update(levels=F("levels").bitor(OUTPATIENT))
        model.objects.filter(source="samhsa_2022", last_verified_on__isnull=True).update(
            accepting_new_patients=None
        )
    program = apps.get_model("programs", "Program")
    search = apps.get_model("programs", "ProgramSearch")
    search.objects.update(
        levels=Subquery(program.objects.filter(pk=OuterRef("program_id")).values("levels")[:1]),
        accepting=Subquery(
            program.objects.filter(pk=OuterRef("program_id")).values("accepting_new_patients")[:1]
        ),
    )


def to_flags(apps, schema_editor):
    for name in PROGRAM_MODELS:
        model = apps.get_model("programs", name)
        model.objects.update(offers_php=False, offers_outpatient=False)
        model.objects.filter(levels__in=[v for v in range(64) if v & PHP]).update(offers_php=True)
        model.objects.filter(levels__in=[v for v in range(64) if v & OUTPATIENT]).update(
            offers_outpatient=True
        )
        model.objects.filter(accepting_new_patients__isnull=True).update(
            accepting_new_patients=True
        )
    search = apps.get_model("programs", "ProgramSearch")
    search.objects.filter(levels__in=[v for v in range(64) if v & PHP]).update(offers_php=True)
    search.objects.filter(accepting__isnull=True).update(accepting=True)


LEVELS_FIELD = programs.levels.LevelsField(
    default=2,
    validators=[
        django.core.validators.MinValueValidator(1, "Tick at least one level of care."),
        django.core.validators.MaxValueValidator(63),
    ],
    verbose_name="levels of care",
)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0009_vocabulary_names_per_language"),
    ]

    operations = [
        migrations.AddField(model_name="historicalprogram", name="levels", field=LEVELS_FIELD),
        migrations.AddField(model_name="program", name="levels", field=LEVELS_FIELD.clone()),
        migrations.AddField(
            model_name="programsearch",
            name="levels",
            field=models.PositiveSmallIntegerField(
                default=0, verbose_name="levels of care (bitmask)"
            ),
        ),
        migrations.AlterField(
            model_name="historicalprogram",
            name="accepting_new_patients",
            field=models.BooleanField(
                blank=True, default=None, null=True, verbose_name="accepting new patients"
            ),
        ),
        migrations.AlterField(
            model_name="program",
            name="accepting_new_patients",
            field=models.BooleanField(
                blank=True, default=None, null=True, verbose_name="accepting new patients"
            ),
        ),
        migrations.AlterField(
            model_name="programsearch",
            name="accepting",
            field=models.BooleanField(blank=True, null=True, verbose_name="accepting new patients"),
        ),
        migrations.RunPython(to_levels, to_flags),
        migrations.RemoveField(model_name="historicalprogram", name="offers_outpatient"),
        migrations.RemoveField(model_name="historicalprogram", name="offers_php"),
        migrations.RemoveField(model_name="program", name="offers_outpatient"),
        migrations.RemoveField(model_name="program", name="offers_php"),
        migrations.RemoveField(model_name="programsearch", name="offers_php"),
        migrations.AddConstraint(
            model_name="program",
            constraint=models.CheckConstraint(
                condition=models.Q(("levels__gte", 1), ("levels__lte", 63)),
                name="program_levels_valid",
            ),
        ),
    ]
