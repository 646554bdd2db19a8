"""Settings of the electronic-licence system, with their defaults.

YAOJIAN_PUBLIC_URL           the platform's address as the public reaches it, put into QR codes
                             (default http://127.0.0.1:8000)
YAOJIAN_ELICENCE_FONT        the Chinese font file embedded in PDFs (default: found by fontconfig)
YAOJIAN_ELICENCE_VERIFY_CACHE how many verified signatures are remembered per process (20000)

Each is read from Django's settings, or else from the environment variable of the same name.
"""

from __future__ import annotations

import os

from django.conf import settings


def setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value in (None, ""):
        value = os.environ.get(name, default)
    return str(value)


def public_url() -> str:
    return setting("YAOJIAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
