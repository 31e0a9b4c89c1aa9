from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programme catalogue")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        # Registers the OpenAPI extension that documents the list API's filters.
        from programs.api import schema  # noqa: F401
        from programs.models import VOCABULARY_RELATIONS
        from programs.vocabulary_cache import vocabulary_changed

        # A term saved or deleted: every process reads the vocabularies again.
        for model in VOCABULARY_RELATIONS.values():
            post_save.connect(vocabulary_changed, sender=model, dispatch_uid=f"vocab-{model}")
            post_delete.connect(vocabulary_changed, sender=model, dispatch_uid=f"vocab-{model}-")
