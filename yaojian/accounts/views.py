"""Pages for logging in and out, one's own account, registration and account management."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from yaojian.accounts import forms, selectors, services
from yaojian.accounts.choices import Role
from yaojian.accounts.middleware import session_expired_notice
from yaojian.accounts.models import User
from yaojian.core.errors import DomainError, NotFound, PermissionDenied
from yaojian.core.forms import apply_errors, paginate

PENDING_KEY = "second_factor_pending"
PENDING_SECONDS = 300


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def home(request):
    """Where each kind of account lands after logging in."""
    user = request.user
    if not user.is_authenticated:
        return redirect("portal:home")
    if user.is_regulator:
        return redirect("workbench:home")
    if user.is_enterprise_user:
        return redirect("portal:enterprise_home")
    return redirect("portal:home")


def login_view(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request, reverse("accounts:home")))
    form = forms.LoginForm(request.POST or None)
    if getattr(request, "session_expired", False) and request.method == "GET":
        messages.info(request, session_expired_notice(request))
    if request.method == "POST" and form.is_valid():
        try:
            step = services.password_login(
                request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            target = _safe_next(request, reverse("accounts:home"))
            if step.needs_second_factor:
                request.session[PENDING_KEY] = {
                    "user": step.user.pk,
                    "at": timezone.now().timestamp(),
                    "next": target,
                }
                return redirect("accounts:login_verify")
            services.complete_login(request, step.user)
            return redirect(target)
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


def login_verify(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or timezone.now().timestamp() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.warning(request, _("Please enter your username and password again."))
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"]).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = forms.SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_second_factor(user, form.cleaned_data["code"])
        except (services.AccountLocked, services.InvalidCredentials) as error:
            # Locked or disabled since the password step: start again from the password.
            request.session.pop(PENDING_KEY, None)
            messages.error(request, str(error.detail))
            return redirect("accounts:login")
        except DomainError as error:
            apply_errors(form, error)
            if User.objects.get(pk=user.pk).is_locked():
                request.session.pop(PENDING_KEY, None)
                messages.error(request, _("Too many wrong codes: the account is locked."))
                return redirect("accounts:login")
        else:
            request.session.pop(PENDING_KEY, None)
            services.complete_login(request, user)
            return redirect(pending["next"])
    return render(request, "accounts/login_verify.html", {"form": form})


def set_language(request):
    """Django's switch (cookie, then back to the page); a signed-in account also keeps the
    choice, for what reaches it outside a page."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        services.remember_language(request.user, request.POST.get("language", ""))
    return response


@require_POST
def logout_view(request):
    services.logout_user(request)
    messages.success(request, _("You have logged out."))
    return redirect("portal:home")


# --- one's own account --------------------------------------------------------------------------


def _base_template(user) -> str:
    return (
        "workbench/base.html" if user.is_authenticated and user.is_regulator else "portal/base.html"
    )


@login_required
def account(request):
    return render(
        request,
        "accounts/account.html",
        {
            "base_template": _base_template(request.user),
            "sessions": request.user.sessions.order_by("-created_at")[:10],
            "recovery_left": request.user.recovery_codes.filter(used_at__isnull=True).count(),
        },
    )


@login_required
def password_change(request):
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as error:
            apply_errors(form, error)
        else:
            from django.contrib.auth import update_session_auth_hash

            old_key = request.session.session_key
            update_session_auth_hash(request, request.user)  # gives the session a new key
            services.session_rekeyed(old_key, request.session.session_key)
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:account")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "base_template": _base_template(request.user)},
    )


@login_required
def mfa_setup(request):
    """Enrol an authenticator: scan the QR code, confirm with a code, keep the recovery codes."""
    user = request.user
    secret = request.session.get("mfa_secret") or services.mfa_new_secret()
    request.session["mfa_secret"] = secret
    form = forms.SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_enable(actor=user, secret=secret, code=form.cleaned_data["code"])
        except DomainError as error:
            apply_errors(form, error)
        else:
            request.session.pop("mfa_secret", None)
            messages.success(
                request, _("The second factor is on. Keep the recovery codes somewhere safe.")
            )
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "base_template": _base_template(user)},
            )
    uri = services.mfa_provisioning_uri(user, secret)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#0f2942")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret,
            "base_template": _base_template(user),
        },
    )


@login_required
@require_POST
def recovery_codes(request):
    try:
        codes = services.recovery_codes_regenerate(actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.detail))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "base_template": _base_template(request.user)},
    )


# --- registration ---------------------------------------------------------------------------------


def register_enterprise(request):
    form = forms.EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.enterprise_register(**form.cleaned_data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            services.complete_login(request, user)
            messages.success(
                request,
                _(
                    "Your enterprise is registered. The bureau will check it against the business licence."
                ),
            )
            return redirect("portal:enterprise_home")
    return render(request, "accounts/register_enterprise.html", {"form": form})


def register_public(request):
    form = forms.PublicRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.public_register(**form.cleaned_data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            services.complete_login(request, user)
            messages.success(request, _("Your account is ready."))
            return redirect("portal:home")
    return render(request, "accounts/register_public.html", {"form": form})


# --- the enterprise master account: sub-accounts and API tokens ---------------------------------------


def _require_enterprise(request):
    if not (request.user.is_authenticated and request.user.is_enterprise_user):
        raise NotFound()


@login_required
def enterprise_accounts(request):
    _require_enterprise(request)
    form = forms.SubaccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subaccount_create(actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise  # a 403 page: a sub-account does not manage sub-accounts
        except DomainError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Sub-account created."))
            return redirect("accounts:enterprise_accounts")
    return render(
        request,
        "accounts/enterprise_accounts.html",
        {
            "form": form,
            "accounts": selectors.subaccount_list(request.user),
            "right_choices": forms.RIGHT_CHOICES,
        },
    )


@login_required
@require_POST
def enterprise_account_rights(request, user_id: int):
    _require_enterprise(request)
    form = forms.RightsForm(request.POST)
    if form.is_valid():
        services.subaccount_set_rights(
            actor=request.user, user_id=user_id, rights=form.cleaned_data["rights"]
        )
        messages.success(request, _("Rights saved."))
    else:
        for error in form.errors.get("rights", []):
            messages.error(request, error)
    return redirect("accounts:enterprise_accounts")


@login_required
@require_POST
def enterprise_account_active(request, user_id: int):
    _require_enterprise(request)
    active = request.POST.get("active") == "1"
    services.subaccount_set_active(actor=request.user, user_id=user_id, active=active)
    messages.success(
        request,
        _("Sub-account enabled.")
        if active
        else _("Sub-account disabled; its sessions were ended."),
    )
    return redirect("accounts:enterprise_accounts")


@login_required
def enterprise_tokens(request):
    _require_enterprise(request)
    form = forms.TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                rights=form.cleaned_data["rights"],
            )
        except PermissionDenied:
            raise  # a 403 page: the form is not even shown without the right
        except DomainError as error:
            apply_errors(form, error)
        else:
            created = {"token": token, "raw": raw}
            form = forms.TokenForm()
    return render(
        request,
        "accounts/enterprise_tokens.html",
        {
            "form": form,
            "tokens": selectors.token_list(request.user),
            "created": created,
            "can_manage": request.user.has_enterprise_right("tokens"),
        },
    )


@login_required
@require_POST
def enterprise_token_revoke(request, token_id: int):
    _require_enterprise(request)
    services.token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("Token revoked: clients using it are refused from now on."))
    return redirect("accounts:enterprise_tokens")


# --- regulator accounts: system and security administrators --------------------------------------


def _require_admin(request):
    user = request.user
    if not (
        user.is_authenticated
        and user.is_regulator
        and user.has_role(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
    ):
        services.record_denial(user, action="accounts.users.view", detail="not an administrator")
        raise PermissionDenied(_("Only the system or security administrator manages accounts."))


@login_required
def users(request):
    _require_admin(request)
    users = selectors.regulator_list(
        request.user,
        query=request.GET.get("q", ""),
        bureau_code=request.GET.get("bureau", ""),
        role=request.GET.get("role", ""),
    )
    bureaus = selectors.bureau_list(request.user)
    form = forms.RegulatorForm(request.POST or None, bureaus=bureaus)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            user, temporary = services.regulator_create(actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise  # a 403 page: only the system administrator sees the form
        except DomainError as error:
            apply_errors(form, error)
        else:
            created = {"user": user, "password": temporary}
            form = forms.RegulatorForm(bureaus=bureaus)
    return render(
        request,
        "accounts/users.html",
        {
            "page": paginate(request, users),
            "bureaus": bureaus,
            "form": form,
            "created": created,
            "roles": Role.choices,
            "role_form": forms.RoleForm(),
            "is_sysadmin": request.user.has_role(Role.SYSTEM_ADMIN),
            "is_secadmin": request.user.has_role(Role.SECURITY_ADMIN),
        },
    )


@login_required
@require_POST
def user_action(request, user_id: int, action: str):
    _require_admin(request)
    actor = request.user
    try:
        if action == "disable":
            services.user_set_active(actor=actor, user_id=user_id, active=False)
            messages.success(request, _("Account disabled; all its sessions were ended."))
        elif action == "enable":
            services.user_set_active(actor=actor, user_id=user_id, active=True)
            messages.success(request, _("Account enabled."))
        elif action == "unlock":
            services.user_unlock(actor=actor, user_id=user_id)
            messages.success(request, _("Account unlocked."))
        elif action == "reset-mfa":
            services.mfa_reset(actor=actor, user_id=user_id)
            messages.success(request, _("Second factor cleared; the user must enrol again."))
        elif action == "grant":
            services.role_grant(actor=actor, user_id=user_id, role=request.POST.get("role", ""))
            messages.success(request, _("Role granted."))
        elif action == "revoke":
            services.role_revoke(actor=actor, user_id=user_id, role=request.POST.get("role", ""))
            messages.success(request, _("Role withdrawn."))
        else:
            raise NotFound()
    except (PermissionDenied, NotFound):
        raise
    except DomainError as error:
        messages.error(request, str(error.detail))
    return redirect(_safe_next(request, reverse("accounts:users")))
