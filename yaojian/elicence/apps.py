from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElicenceConfig(AppConfig):
    name = "yaojian.elicence"
    label = "elicence"
    verbose_name = _("Electronic licences")
