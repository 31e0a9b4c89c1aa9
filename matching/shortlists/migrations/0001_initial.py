# Shortlist, ShortlistItem and ShareLink moved here from the matching app; their
# tables keep their names and rows.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('matching', '0001_clinicians_shortlists'),
        ('clinicians', '0001_initial'),
    ]

    operations = [
        # State only: the tables already exist, created by matching's 0001.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Shortlist',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=120, verbose_name='title')),
                        ('patient_label', models.CharField(blank=True, help_text='Optional, for you only: initials or a reference. Do not enter names, dates of birth or other identifying details.', max_length=40, verbose_name='patient label')),
                        ('message', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='message to the patient')),
                        ('match_answers', models.JSONField(blank=True, default=list, verbose_name='match answers')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('clinician', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shortlists', to='clinicians.clinician', verbose_name='clinician')),
                    ],
                    options={
                        'verbose_name': 'shortlist',
                        'verbose_name_plural': 'shortlists',
                        'db_table': 'matching_shortlist',
                        'ordering': ['-updated_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ShareLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(max_length=64, unique=True, verbose_name='token')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('expires_at', models.DateTimeField(verbose_name='expires')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked')),
                        ('last_opened_at', models.DateTimeField(blank=True, null=True, verbose_name='last opened')),
                        ('shortlist', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='share_links', to='shortlists.shortlist', verbose_name='shortlist')),
                    ],
                    options={
                        'verbose_name': 'share link',
                        'verbose_name_plural': 'share links',
                        'db_table': 'matching_sharelink',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ShortlistItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('note', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(1000)], verbose_name='note for the patient')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                        ('program', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shortlist_items', to='programs.program', verbose_name='programme')),
                        ('shortlist', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='shortlists.shortlist', verbose_name='shortlist')),
                    ],
                    options={
                        'verbose_name': 'shortlisted programme',
                        'verbose_name_plural': 'shortlisted programmes',
                        'db_table': 'matching_shortlistitem',
                        'ordering': ['position', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='shortlist',
                    index=models.Index(fields=['clinician', '-updated_at'], name='shortlist_recent'),
                ),
                migrations.AddConstraint(
                    model_name='shortlistitem',
                    constraint=models.UniqueConstraint(fields=('shortlist', 'program'), name='shortlist_item_unique_program'),
                ),
            ],
        ),
    ]
