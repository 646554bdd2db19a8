"""Login policy: password complexity, lockout and expiry (configurable in settings)."""

from __future__ import annotations

import datetime as dt
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of: lower-case letters, capital letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of: lower-case letters, capital "
                    "letters, digits and symbols."
                ),
                code="password_classes",
                params={"n": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "Mix at least %(n)d of: lower-case letters, capital letters, digits and symbols."
        ) % {"n": self.min_classes}


def lockout_threshold() -> int:
    return settings.YAOJIAN_LOCKOUT_THRESHOLD


def lockout_duration() -> dt.timedelta:
    return dt.timedelta(minutes=settings.YAOJIAN_LOCKOUT_MINUTES)


def password_expired(user, now=None) -> bool:
    max_age = settings.YAOJIAN_PASSWORD_MAX_AGE_DAYS
    if not max_age or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return (now or timezone.now()) - changed > dt.timedelta(days=max_age)


def mfa_required(user) -> bool:
    return bool(settings.YAOJIAN_REQUIRE_MFA and user.is_regulator)


PASSWORD_CHANGE, MFA_ENROLMENT = "password_change", "mfa_enrolment"


def pending_step(user) -> str | None:
    """What the login policy makes this account do before anything else, if anything.

    The pages redirect to that step; the API refuses the session until it is done.
    """
    if user.must_change_password or password_expired(user):
        return PASSWORD_CHANGE
    if mfa_required(user) and not user.mfa_enabled:
        return MFA_ENROLMENT
    return None
