"""Pages of the service hall: the enterprise's side in the government-service portal, the
regulators' side in the work portal, and the catalogue editor."""

from yaojian.licensing.views.enterprise import (
    apply,
    hall,
    material_delete,
    material_upload,
    my_application,
)
from yaojian.licensing.views.matters import matter_edit, matter_list, matter_new
from yaojian.licensing.views.regulator import (
    application_act,
    application_detail,
    application_list,
    efficiency,
    material_download,
)

__all__ = [
    "application_act",
    "application_detail",
    "application_list",
    "apply",
    "efficiency",
    "hall",
    "material_delete",
    "material_download",
    "material_upload",
    "matter_edit",
    "matter_list",
    "matter_new",
    "my_application",
]
