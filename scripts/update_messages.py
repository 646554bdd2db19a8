"""Refresh the Chinese catalogue from the code (needs gettext's xgettext): `make messages-update`.

New messages arrive untranslated; translate them in yaojian/locale/zh_Hans/LC_MESSAGES/django.po.
"""

import os
import sys
from pathlib import Path

# Test code and vendored files carry no interface text.
MESSAGE_IGNORE = [
    ".venv/*",
    "node_modules/*",
    "var/*",
    "staticfiles/*",
    "*/tests/*",
    "yaojian/testing/*",
    "yaojian/static/vendor/*",
    "bench/*",
    "scripts/*",
]

if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yaojian.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command(
        "makemessages", locale=["zh_Hans"], no_obsolete=True, ignore_patterns=MESSAGE_IGNORE
    )
