from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "yaojian.licensing"
    label = "licensing"
    verbose_name = _("Online service hall")
    shipped_data = "yaojian.licensing.catalogue.install_now"  # see yaojian.core.shipped
