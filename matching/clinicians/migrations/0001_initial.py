# Clinician moved here from the matching app; its table keeps its name and rows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('matching', '0001_clinicians_shortlists'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # State only: the table already exists, created by matching's 0001.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Clinician',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, verbose_name='full name')),
                        ('credentials', models.CharField(help_text='For example MD, PsyD, LCSW, LPC, NP.', max_length=100, verbose_name='credentials')),
                        ('organisation', models.CharField(max_length=200, verbose_name='organisation')),
                        ('is_approved', models.BooleanField(db_index=True, default=False, verbose_name='approved')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='signed up')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='clinician', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'clinician',
                        'verbose_name_plural': 'clinicians',
                        'db_table': 'matching_clinician',
                        'ordering': ['name', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('is_approved', False), ('approved_at__isnull', False), _connector='OR'), name='clinician_approved_has_date')],
                    },
                ),
            ],
        ),
    ]
