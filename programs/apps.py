from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programme catalogue")

    def ready(self) -> None:
        # Registers the OpenAPI extension that documents the list API's filters.
        from programs.api import schema  # noqa: F401
