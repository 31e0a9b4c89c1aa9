from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programme catalogue")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        # Registers the OpenAPI extension that documents the list API's filters.
        from programs.api import schema  # noqa: F401
        from programs.html_cache import catalogue_changed
        from programs.models import (
            VOCABULARY_RELATIONS,
            DirectoryRecord,
            Location,
            Program,
            State,
            WeeklySession,
        )
        from programs.search import SEARCH_RELATIONS
        from programs.services import search_term_deleted, search_term_saved
        from programs.vocabulary_cache import vocabulary_changed

        # A term saved or deleted: every process reads the vocabularies again.
        for model in VOCABULARY_RELATIONS.values():
            post_save.connect(vocabulary_changed, sender=model, dispatch_uid=f"vocab-{model}")
            post_delete.connect(vocabulary_changed, sender=model, dispatch_uid=f"vocab-{model}-")
        # A searched term deleted, or added below another: its bits moved, the table is rebuilt.
        for relation in SEARCH_RELATIONS:
            model = VOCABULARY_RELATIONS[relation]
            post_save.connect(search_term_saved, sender=model, dispatch_uid=f"bits-{model}")
            post_delete.connect(search_term_deleted, sender=model, dispatch_uid=f"bits-{model}-")
        # Anything a catalogue page shows changed: no cached page of it is served again.
        for model in (
            Program,
            Location,
            WeeklySession,
            DirectoryRecord,
            State,
            *VOCABULARY_RELATIONS.values(),
        ):
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"html-{model}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"html-{model}-")
        for field in Program._meta.many_to_many:
            m2m_changed.connect(
                catalogue_changed, sender=field.remote_field.through, dispatch_uid=f"html-{field}"
            )
        # A deploy migrates: pages rendered by the old templates and catalogue are not served.
        post_migrate.connect(catalogue_changed, sender=self, dispatch_uid="html-migrate")
