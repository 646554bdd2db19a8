from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatacenterConfig(AppConfig):
    name = "yaojian.datacenter"
    label = "datacenter"
    verbose_name = _("Data centre")
