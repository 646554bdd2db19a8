from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "yaojian.inspection"
    label = "inspection"
    verbose_name = _("Inspections")
    shipped_data = "yaojian.inspection.standard.install_now"  # see yaojian.core.shipped
