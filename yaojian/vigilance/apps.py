from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VigilanceConfig(AppConfig):
    name = "yaojian.vigilance"
    label = "vigilance"
    verbose_name = _("Adverse reactions")
