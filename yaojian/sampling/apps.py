from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "yaojian.sampling"
    label = "sampling"
    verbose_name = _("Sampling and testing")
