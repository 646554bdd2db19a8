"""Every write on identity: logins, accounts, roles, second factor, enterprise accounts, tokens.

Other apps call `require_role`, `require_enterprise_right` and `record_denial` from here.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

import pyotp
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts import policy
from yaojian.accounts.choices import (
    SEPARATED_ADMIN_ROLES,
    EnterpriseRight,
    Role,
    UserKind,
)
from yaojian.accounts.models import (
    ALL_ENTERPRISE_RIGHTS,
    ApiToken,
    Bureau,
    RecoveryCode,
    RoleAssignment,
    User,
    UserSession,
)
from yaojian.audit import services as audit
from yaojian.audit.choices import Outcome
from yaojian.core import crypto, validators
from yaojian.core.context import current_origin
from yaojian.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from yaojian.core.scoping import get_visible
from yaojian.core.texts import join_items
from yaojian.registry.models import Enterprise
from yaojian.workbench import services as workbench

TOKEN_PREFIX = "yj"  # noqa: S105 - the visible prefix of every API token, not a secret
RECOVERY_CODE_COUNT = 10


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    title = gettext_lazy("Wrong username or password")


class SeparationOfDuties(ValidationFailed):
    """Refused by the 等保 rule, not by a typing mistake: recorded as a denial."""

    code = "separation_of_duties"
    audit_outcome = Outcome.DENIED


class AccountLocked(DomainError):
    code = "account_locked"
    status = 403
    title = gettext_lazy("This account is locked")
    audit_outcome = Outcome.DENIED


# --- permission checks used by every app ------------------------------------------------------


def require_role(actor: Any, *roles: str, action: str = "") -> None:
    if not (actor and actor.is_authenticated and actor.is_regulator and actor.has_role(*roles)):
        record_denial(
            actor, action=action or "permission.role", detail=f"needs role {'/'.join(roles)}"
        )
        raise PermissionDenied(_("This needs the role: %(roles)s.") % {"roles": _role_names(roles)})


def require_enterprise_right(actor: Any, right: str, *, action: str = "") -> None:
    if not (actor and actor.is_authenticated and actor.has_enterprise_right(right)):
        record_denial(
            actor, action=action or "permission.enterprise_right", detail=f"needs right {right}"
        )
        raise PermissionDenied(
            _("Your account lacks the right: %(right)s. Ask your enterprise's master account.")
            % {"right": EnterpriseRight(right).label}
        )


def record_denial(actor: Any, *, action: str, detail: str = "") -> None:
    # Written in its own transaction so that it survives the rollback of the refused request.
    with transaction.atomic():
        audit.record_denied(actor, action, detail=detail)


def _role_names(roles) -> str:
    return join_items(str(Role(r).label) for r in roles)


# --- login and sessions -----------------------------------------------------------------------


@dataclass(frozen=True)
class LoginStep:
    user: User
    needs_second_factor: bool


def password_login(request: Any, *, username: str, password: str) -> LoginStep:
    """Check a username and password under the lockout policy.

    Returns the account and whether a TOTP code must follow; `complete_login` then starts
    the session. Failure counters are written even though the call raises.
    """
    username = (username or "").strip()
    anonymous = audit.Actor(username=username, kind="anonymous")
    now = timezone.now()
    user = User.objects.filter(username=username).first()
    if user and user.is_locked(now):
        _refuse_locked(user, anonymous, now)
    authenticated = auth.authenticate(request, username=username, password=password)
    if authenticated is None:
        # Logged first: the attempt that reaches the threshold raises AccountLocked below,
        # and it is a failed login all the same.
        _audit_login(anonymous, "accounts.login", Outcome.FAILED, "wrong username or password")
        if user and user.is_active:
            _count_failure(user, anonymous, now)
        raise InvalidCredentials(_("The username or password is wrong."))
    needs_second_factor = authenticated.mfa_enabled
    return LoginStep(user=authenticated, needs_second_factor=needs_second_factor)


def _refuse_locked(user: User, anonymous: audit.Actor, now) -> None:
    minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
    _audit_login(anonymous, "accounts.login", Outcome.DENIED, "locked")
    raise AccountLocked(
        _(
            "Too many wrong passwords. Try again in %(minutes)d minutes, or ask the security administrator."
        )
        % {"minutes": minutes}
    )


def _count_failure(user: User, anonymous: audit.Actor, now) -> None:
    """Count a wrong password; lock the account at the threshold (committed before raising)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.failed_logins += 1
        locked = user.failed_logins >= policy.lockout_threshold()
        if locked:
            user.failed_logins = 0
            user.locked_until = now + policy.lockout_duration()
            audit.record(
                actor=anonymous,
                action="accounts.lockout",
                obj=user,
                outcome=Outcome.DENIED,
                detail=f"locked for {settings.YAOJIAN_LOCKOUT_MINUTES} minutes",
            )
        user.save(update_fields=["failed_logins", "locked_until"])
    if locked:
        raise AccountLocked(
            _("Too many wrong passwords: the account is locked for %(minutes)d minutes.")
            % {"minutes": settings.YAOJIAN_LOCKOUT_MINUTES}
        )


def _audit_login(actor: Any, action: str, outcome: str, detail: str) -> None:
    with transaction.atomic():
        audit.record(actor=actor, action=action, outcome=outcome, detail=detail)


def verify_second_factor(user: User, code: str) -> None:
    """Accept a current TOTP code (not one already used) or an unused recovery code.

    An account disabled or locked since its password was checked is refused
    (InvalidCredentials, AccountLocked): the login must start again.
    """
    user = User.objects.get(pk=user.pk)  # as it is now, not as it was at the password step
    anonymous = audit.Actor(username=user.username, kind="anonymous")
    if not user.is_active:
        _audit_login(anonymous, "accounts.login", Outcome.DENIED, "account disabled")
        raise InvalidCredentials(_("This account is disabled."))
    if user.is_locked():
        _refuse_locked(user, anonymous, timezone.now())
    code = (code or "").replace(" ", "").strip()
    if code.isdigit() and len(code) == 6 and user.mfa_secret:
        totp = pyotp.TOTP(crypto.sm4_decrypt(user.mfa_secret, context=_mfa_context(user)))
        now = time.time()
        for offset in (-1, 0, 1):  # one step of clock drift either way
            step = int(now // totp.interval) + offset
            if secrets.compare_digest(totp.at(step * totp.interval), code):
                if user.mfa_last_step is not None and step <= user.mfa_last_step:
                    break  # replayed code
                User.objects.filter(pk=user.pk).update(mfa_last_step=step)
                return
    elif code:
        digest = crypto.sm3(code.lower().encode())
        used = RecoveryCode.objects.filter(
            user=user, code_hash=digest, used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            _audit_login(user, "accounts.recovery_code_used", Outcome.SUCCESS, "")
            return
    _audit_login(user, "accounts.login.second_factor", Outcome.FAILED, "wrong code")
    _count_failure_quietly(user)
    raise ValidationFailed.field("code", _("The code is wrong or was already used."))


def _count_failure_quietly(user: User) -> None:
    with contextlib.suppress(AccountLocked):
        _count_failure(user, audit.Actor(username=user.username, kind="anonymous"), timezone.now())


def complete_login(request: Any, user: User) -> None:
    """Start the session, remember it for the account, reset the failure counter, audit."""
    auth.login(request, user, backend="yaojian.accounts.backends.PolicyBackend")
    if not request.session.session_key:
        request.session.save()
    origin = current_origin()
    user.language = translation.get_language() or ""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            failed_logins=0, locked_until=None, language=user.language
        )
        UserSession.objects.create(
            user=user,
            session_key=request.session.session_key,
            ip=origin.ip,
            user_agent=origin.user_agent,
        )
        audit.record(actor=user, action="accounts.login", obj=user)


def remember_language(user: User, language: str) -> None:
    """Keep the language an account switched to (one of the platform's; anything else is
    ignored, as Django's own switch ignores it)."""
    if language not in dict(settings.LANGUAGES) or user.language == language:
        return
    user.language = language
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(language=language)
        audit.record(
            actor=user, action="accounts.language", obj=user, changes={"language": language}
        )


def logout_user(request: Any) -> None:
    user = request.user
    if user.is_authenticated:
        with transaction.atomic():
            UserSession.objects.filter(session_key=request.session.session_key).delete()
            audit.record(actor=user, action="accounts.logout", obj=user)
    auth.logout(request)


def session_rekeyed(old_key: str | None, new_key: str | None) -> None:
    """Follow a session whose key changed (Django cycles it when the password changes),
    so that `end_all_sessions` still finds it."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def end_all_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


# --- regulator accounts (system administrator) and roles (security administrator) ------------


def _scoped_user(actor: Any, user_id: int) -> User:
    return get_visible(User.objects.select_related("bureau", "enterprise"), actor, pk=user_id)


@audit.audited("accounts.regulator.create")
def regulator_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    bureau_code: str,
    phone: str = "",
    email: str = "",
    roles: list[str] | None = None,
) -> tuple[User, str]:
    """Create a regulator account with a one-time password that must be changed at first login.

    Roles are not given here: the security administrator grants them (`role_grant`), so that
    the system administrator never decides who may do what.
    """
    require_role(actor, Role.SYSTEM_ADMIN, action="accounts.regulator.create")
    if roles:
        require_role(actor, Role.SECURITY_ADMIN, action="accounts.regulator.create")
    bureau = get_visible(Bureau.objects.all(), actor, region_code=bureau_code)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed.field("username", _("This username is taken."))
    temporary = _temporary_password()
    user = User(
        username=username,
        full_name=full_name,
        kind=UserKind.REGULATOR,
        bureau=bureau,
        phone=phone,
        email=email,
        must_change_password=True,
    )
    _save_new_account(user, temporary, validate=False)
    audit.record(
        actor=actor,
        action="accounts.regulator.create",
        obj=user,
        changes={"after": audit.snapshot(user, ["username", "full_name", "bureau", "kind"])},
    )
    return user, temporary


@audit.audited("accounts.user.set_active")
def user_set_active(*, actor: Any, user_id: int, active: bool) -> User:
    """Enable or disable an account; disabling ends all its sessions at once."""
    require_role(actor, Role.SYSTEM_ADMIN, action="accounts.user.set_active")
    user = _scoped_user(actor, user_id)
    if user.pk == actor.pk:
        raise ValidationFailed.field("user", _("You cannot disable your own account."))
    before = audit.snapshot(user, ["is_active"])
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else end_all_sessions(user)
    audit.record(
        actor=actor,
        action="accounts.user.set_active",
        obj=user,
        changes=audit.diff(before, audit.snapshot(user, ["is_active"])),
        detail=f"{ended} sessions ended" if not active else "",
    )
    return user


@audit.audited("accounts.role.grant")
def role_grant(*, actor: Any, user_id: int, role: str) -> RoleAssignment:
    """Grant a role. Business roles by the security administrator; the three separated
    administrator roles too, but never two of them to one account, and never to oneself."""
    require_role(actor, Role.SECURITY_ADMIN, action="accounts.role.grant")
    user = _scoped_user(actor, user_id)
    if role not in Role.values:
        raise ValidationFailed.field("role", _("Unknown role."))
    if not user.is_regulator:
        raise ValidationFailed.field("user", _("Roles are for regulator accounts only."))
    if user.pk == actor.pk:
        raise PermissionDenied(_("Nobody may change their own roles."))
    return _grant(actor, user, role)


def _grant(actor: Any, user: User, role: str) -> RoleAssignment:
    held = set(user.role_assignments.values_list("role", flat=True))
    if role in SEPARATED_ADMIN_ROLES and held & (SEPARATED_ADMIN_ROLES - {role}):
        raise SeparationOfDuties.field(
            "role",
            _(
                "The system, security and audit administrators must be different people; "
                "this account already holds %(held)s."
            )
            % {"held": _role_names(held & SEPARATED_ADMIN_ROLES)},
        )
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": actor if getattr(actor, "pk", None) else None}
    )
    if created:
        audit.record(
            actor=actor, action="accounts.role.grant", obj=user, changes={"after": {"role": role}}
        )
    user.__dict__.pop("role_set", None)
    return assignment


@audit.audited("accounts.role.revoke")
def role_revoke(*, actor: Any, user_id: int, role: str) -> None:
    require_role(actor, Role.SECURITY_ADMIN, action="accounts.role.revoke")
    user = _scoped_user(actor, user_id)
    if user.pk == actor.pk:
        raise PermissionDenied(_("Nobody may change their own roles."))
    deleted, _rows = RoleAssignment.objects.filter(user=user, role=role).delete()
    if deleted:
        audit.record(
            actor=actor, action="accounts.role.revoke", obj=user, changes={"before": {"role": role}}
        )


@audit.audited("accounts.user.unlock")
def user_unlock(*, actor: Any, user_id: int) -> User:
    require_role(actor, Role.SECURITY_ADMIN, action="accounts.user.unlock")
    user = _scoped_user(actor, user_id)
    user.locked_until, user.failed_logins = None, 0
    user.save(update_fields=["locked_until", "failed_logins"])
    audit.record(actor=actor, action="accounts.user.unlock", obj=user)
    return user


@audit.audited("accounts.mfa.reset")
def mfa_reset(*, actor: Any, user_id: int) -> User:
    """Clear a lost second factor; the account must enrol again at its next login."""
    require_role(actor, Role.SECURITY_ADMIN, action="accounts.mfa.reset")
    user = _scoped_user(actor, user_id)
    user.mfa_secret, user.mfa_enabled_at, user.mfa_last_step = "", None, None
    user.save(update_fields=["mfa_secret", "mfa_enabled_at", "mfa_last_step"])
    RecoveryCode.objects.filter(user=user).delete()
    end_all_sessions(user)
    audit.record(actor=actor, action="accounts.mfa.reset", obj=user)
    return user


# --- one's own account: password and second factor --------------------------------------------


@audit.audited("accounts.password.change")
def password_change(*, actor: User, old_password: str, new_password: str) -> None:
    if not actor.check_password(old_password):
        raise ValidationFailed.field("old_password", _("The current password is wrong."))
    if old_password == new_password:
        raise ValidationFailed.field(
            "new_password", _("The new password must differ from the current one.")
        )
    _validate_password(new_password, actor, field="new_password")
    actor.set_password(new_password)
    actor.password_changed_at = timezone.now()
    actor.must_change_password = False
    actor.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit.record(actor=actor, action="accounts.password.change", obj=actor)


def mfa_new_secret() -> str:
    return pyotp.random_base32()


def mfa_provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=str(settings.YAOJIAN_PLATFORM_NAME)
    )


@audit.audited("accounts.mfa.enable")
def mfa_enable(*, actor: User, secret: str, code: str) -> list[str]:
    """Turn on TOTP after the user proves their authenticator works; return recovery codes."""
    if not pyotp.TOTP(secret).verify((code or "").replace(" ", ""), valid_window=1):
        raise ValidationFailed.field(
            "code", _("The code does not match. Check the time on your phone and try again.")
        )
    actor.mfa_secret = crypto.sm4_encrypt(secret, context=_mfa_context(actor))
    actor.mfa_enabled_at = timezone.now()
    actor.mfa_last_step = None
    actor.save(update_fields=["mfa_secret", "mfa_enabled_at", "mfa_last_step"])
    codes = _new_recovery_codes(actor)
    audit.record(actor=actor, action="accounts.mfa.enable", obj=actor)
    return codes


@audit.audited("accounts.mfa.recovery_codes")
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    if not actor.mfa_enabled:
        raise ValidationFailed.field("mfa", _("Turn on the second factor first."))
    codes = _new_recovery_codes(actor)
    audit.record(actor=actor, action="accounts.mfa.recovery_codes", obj=actor)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}"
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=crypto.sm3(c.encode())) for c in codes
    )
    return codes


def _mfa_context(user: User) -> bytes:
    return f"mfa:{user.pk}".encode()


# --- enterprises: self-registration, sub-accounts ------------------------------------------


@audit.audited("accounts.enterprise.register")
def enterprise_register(
    *,
    actor: Any = None,
    name: str,
    uscc: str,
    kind: str,
    legal_representative: str,
    address: str,
    region_code: str,
    phone: str,
    username: str,
    password: str,
    full_name: str,
    email: str = "",
) -> User:
    """An enterprise registers itself and its master account.

    A new enterprise awaits the bureau's check (a to-do for the county bureau). An enterprise
    already in the register may be claimed once, by someone who knows its legal
    representative's name as registered.
    """
    errors: dict[str, list[str]] = {}
    try:
        uscc = validators.validate_uscc(uscc)
    except ValidationError as error:
        errors["uscc"] = error.messages
    try:
        validators.validate_region_code(region_code)
    except ValidationError as error:
        errors["region_code"] = error.messages
    if User.objects.filter(username=username).exists():
        errors["username"] = [_("This username is taken.")]
    if errors:
        field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{field}: {messages[0]}", errors=errors)
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise is not None:
        if enterprise.accounts.filter(is_enterprise_master=True).exists():
            raise Conflict(
                _(
                    "This enterprise already has a master account. Ask its administrator for a sub-account."
                ),
                code="enterprise_already_registered",
            )
        if enterprise.legal_representative != legal_representative.strip():
            raise ValidationFailed.field(
                "legal_representative",
                _("The legal representative does not match the register for this credit code."),
            )
    else:
        from yaojian.registry import services as registry

        enterprise = registry.enterprise_create_unverified(
            name=name,
            uscc=uscc,
            kind=kind,
            legal_representative=legal_representative,
            address=address,
            region_code=region_code,
            phone=phone,
        )
    user = User(
        username=username,
        full_name=full_name,
        kind=UserKind.ENTERPRISE,
        enterprise=enterprise,
        is_enterprise_master=True,
        enterprise_rights=ALL_ENTERPRISE_RIGHTS,
        phone=phone,
        email=email,
        password_changed_at=timezone.now(),
    )
    _save_new_account(user, password)
    audit.record(
        actor=user,
        action="accounts.enterprise.register",
        obj=user,
        changes={"after": {"enterprise": enterprise.uscc, "username": username}},
    )
    if enterprise.verified_at is None:
        bureau = Bureau.objects.filter(region_code=enterprise.region_code).first()
        workbench.todo_post(
            source="accounts",
            kind="enterprise.verify",
            obj=enterprise,
            bureau=bureau,
            title=lambda: (
                _("Check a self-registered enterprise: %(name)s") % {"name": enterprise.name}
            ),
            body=lambda: _("Compare the registration with the business licence and confirm it."),
            link=reverse("registry:enterprise_detail", args=[enterprise.pk]),
            due_at=timezone.now() + timezone.timedelta(days=7),
        )
    return user


@audit.audited("accounts.public.register")
def public_register(*, actor: Any = None, contact: str, full_name: str, password: str) -> User:
    """A member of the public registers with a mobile number or an e-mail address."""
    contact = (contact or "").strip()
    phone = email = ""
    if "@" in contact:
        from django.core.validators import validate_email

        try:
            validate_email(contact)
        except ValidationError:
            raise ValidationFailed.field(
                "contact", _("Enter a valid e-mail address or mobile number.")
            ) from None
        email = contact.lower()
        username = email
    else:
        try:
            phone = validators.validate_mobile(contact)
        except ValidationError as error:
            raise ValidationFailed.field("contact", error.messages[0]) from None
        username = phone
    if User.objects.filter(username=username).exists():
        raise ValidationFailed.field("contact", _("An account with this contact already exists."))
    user = User(
        username=username,
        full_name=full_name,
        kind=UserKind.PUBLIC,
        phone=phone,
        email=email,
        password_changed_at=timezone.now(),
    )
    _save_new_account(user, password)
    audit.record(actor=user, action="accounts.public.register", obj=user)
    return user


def _master_of(actor: Any) -> Enterprise:
    if not (
        actor and actor.is_authenticated and actor.is_enterprise_user and actor.is_enterprise_master
    ):
        record_denial(actor, action="accounts.subaccount", detail="not a master account")
        raise PermissionDenied(_("Only the enterprise's master account can manage sub-accounts."))
    return actor.enterprise


def _subaccount(actor: Any, user_id: int) -> User:
    enterprise = _master_of(actor)
    user = User.objects.filter(
        pk=user_id, enterprise=enterprise, is_enterprise_master=False
    ).first()
    if user is None:
        raise NotFound()
    return user


def _clean_rights(rights: list[str]) -> list[str]:
    unknown = [r for r in rights if r not in ALL_ENTERPRISE_RIGHTS]
    if unknown:
        raise ValidationFailed.field(
            "rights", _("Unknown rights: %(rights)s") % {"rights": ", ".join(unknown)}
        )
    return sorted(set(rights))


@audit.audited("accounts.subaccount.create")
def subaccount_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    rights: list[str],
    password: str,
) -> User:
    enterprise = _master_of(actor)
    if User.objects.filter(username=username).exists():
        raise ValidationFailed.field("username", _("This username is taken."))
    user = User(
        username=username,
        full_name=full_name,
        kind=UserKind.ENTERPRISE,
        enterprise=enterprise,
        enterprise_rights=_clean_rights(rights),
        phone=phone,
        email=email,
        must_change_password=True,
    )
    _save_new_account(user, password)
    audit.record(
        actor=actor,
        action="accounts.subaccount.create",
        obj=user,
        changes={"after": {"username": username, "rights": user.enterprise_rights}},
    )
    return user


@audit.audited("accounts.subaccount.rights")
def subaccount_set_rights(*, actor: Any, user_id: int, rights: list[str]) -> User:
    user = _subaccount(actor, user_id)
    before = {"rights": user.enterprise_rights}
    user.enterprise_rights = _clean_rights(rights)
    user.save(update_fields=["enterprise_rights"])
    audit.record(
        actor=actor,
        action="accounts.subaccount.rights",
        obj=user,
        changes=audit.diff(before, {"rights": user.enterprise_rights}),
    )
    return user


@audit.audited("accounts.subaccount.set_active")
def subaccount_set_active(*, actor: Any, user_id: int, active: bool) -> User:
    user = _subaccount(actor, user_id)
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else end_all_sessions(user)
    audit.record(
        actor=actor,
        action="accounts.subaccount.set_active",
        obj=user,
        changes={"after": {"is_active": active}},
        detail=f"{ended} sessions ended",
    )
    return user


# --- API tokens for machine clients --------------------------------------------------------------


@audit.audited("accounts.token.create")
def token_create(
    *,
    actor: Any,
    name: str,
    rights: list[str] | None = None,
    enterprise: Enterprise | None = None,
    expires_at=None,
) -> tuple[ApiToken, str]:
    """Create a token for the actor's enterprise (or, from the command line, a named one).

    The plain token is returned once and never stored.
    """
    if enterprise is None:
        require_enterprise_right(actor, EnterpriseRight.TOKENS, action="accounts.token.create")
        enterprise = actor.enterprise
    if not (name or "").strip():
        raise ValidationFailed.field(
            "name", _("Give the token a name, such as the system that uses it.")
        )
    rights = _clean_rights(
        rights if rights is not None else [EnterpriseRight.VIEW, EnterpriseRight.TRACE]
    )
    if getattr(actor, "is_authenticated", False):
        # A sub-account may not mint a credential stronger than itself.
        lacking = [r for r in rights if not actor.has_enterprise_right(r)]
        if lacking:
            raise ValidationFailed.field(
                "rights",
                _("A token cannot hold rights your account lacks: %(rights)s.")
                % {"rights": join_items(str(EnterpriseRight(r).label) for r in lacking)},
            )
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        enterprise=enterprise,
        name=name.strip(),
        prefix=prefix,
        token_hash=crypto.sm3(secret.encode()),
        rights=rights,
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=expires_at,
    )
    audit.record(
        actor=actor,
        action="accounts.token.create",
        obj=token,
        changes={"after": {"name": token.name, "prefix": prefix, "enterprise": enterprise.uscc}},
    )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


@audit.audited("accounts.token.revoke")
def token_revoke(*, actor: Any, token_id: int | None = None, prefix: str | None = None) -> ApiToken:
    tokens = ApiToken.objects.all()
    if getattr(actor, "is_authenticated", False):
        require_enterprise_right(actor, EnterpriseRight.TOKENS, action="accounts.token.revoke")
        tokens = tokens.filter(enterprise_id=actor.enterprise_id)
    token = tokens.filter(
        **({"pk": token_id} if token_id is not None else {"prefix": prefix})
    ).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="accounts.token.revoke", obj=token)
    return token


class TokenInvalid(DomainError):
    code = "token_invalid"
    status = 401
    title = gettext_lazy("The API token is malformed, unknown, expired or revoked")
    audit_outcome = Outcome.DENIED


def token_authenticate(raw: str) -> ApiToken:
    """The token for a bearer credential, or TokenInvalid (audited). Touches last-used time."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        _audit_login(
            audit.Actor(kind="machine"),
            "accounts.token.authenticate",
            Outcome.DENIED,
            "malformed token",
        )
        raise TokenInvalid(_("The token is malformed: expected yj_<prefix>_<secret>."))
    token = ApiToken.objects.select_related("enterprise").filter(prefix=parts[1]).first()
    if token is None or not crypto.constant_time_equal(
        token.token_hash, crypto.sm3(parts[2].encode())
    ):
        _audit_login(
            audit.Actor(kind="machine"),
            "accounts.token.authenticate",
            Outcome.DENIED,
            f"unknown token {parts[1]}",
        )
        raise TokenInvalid(
            _("This token is not known: check that it was copied whole, or create a new one.")
        )
    if not token.is_usable:
        _audit_login(
            audit.Actor(kind="machine", org=token.enterprise.uscc),
            "accounts.token.authenticate",
            Outcome.DENIED,
            f"revoked or expired token {token.prefix}",
        )
        raise TokenInvalid(_("This token was revoked or has expired."))
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > settings.YAOJIAN_TOKEN_TOUCH_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- helpers ---------------------------------------------------------------------------------


def _temporary_password() -> str:
    return secrets.token_urlsafe(9) + "-A7"


def _save_new_account(user: User, password: str, *, validate: bool = True) -> User:
    """Set the password (checked against the policy unless generated here), validate, save."""
    if validate:
        _validate_password(password, user, field="password")
    user.set_password(password)
    _full_clean(user, exclude=["password"])
    user.save()
    return user


def _validate_password(password: str, user: User, *, field: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(
            f"{field}: {error.messages[0]}", errors={field: error.messages}
        ) from None


def _full_clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise ValidationFailed.from_django(error) from None
