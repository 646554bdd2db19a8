"""The data the platform ships with: the licensing matters and the inspection checklists.

Their data migrations install them. When the tables have been emptied since (a test flush, a
database restored without them), `install()` puts back what is missing and leaves edited
rows alone; `python manage.py install_shipped_data` does it for an operator, and the demo
loader and the test fixtures call it too, so every path installs the same data the same way.

An app names its installer in its AppConfig: `shipped_data`, the dotted path of a function
that takes no argument and returns how many rows it added.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.module_loading import import_string


def install() -> dict[str, int]:
    """Put back the shipped data that is missing: rows added, by app label."""
    return {
        config.label: import_string(config.shipped_data)()
        for config in apps.get_app_configs()
        if getattr(config, "shipped_data", None)
    }
