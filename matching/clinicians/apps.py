from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CliniciansConfig(AppConfig):
    name = "matching.clinicians"
    label = "clinicians"
    verbose_name = _("Clinicians")
