"""Session policy on every request: idle expiry notice, forced password change, MFA enrolment."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from yaojian.accounts import policy

# Paths a user may reach while the policy asks them to do something first.
ALWAYS_ALLOWED = ("/static/", "/healthz", "/api/", "/epcis/", "/i18n/", "/logout/", "/login/")


def session_expired_notice(request) -> str:
    return _(
        "Your session ended after %(minutes)d minutes without activity. Please log in again."
    ) % {"minutes": request.idle_timeout_minutes}


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.idle_timeout_minutes = settings.YAOJIAN_IDLE_TIMEOUT_MINUTES
        # A session cookie (not an emptied one) whose session is gone: it timed out or was ended.
        request.session_expired = bool(
            request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            and not request.user.is_authenticated
            and not request.session.keys()
        )
        response = self._enforce(request) or self.get_response(request)
        if request.session_expired and self._redirects_to_login(response):
            # Said now: this response deletes the dead session cookie, so the login page
            # the browser loads next can no longer tell that a session expired.
            messages.info(request, session_expired_notice(request))
        return self._htmx_login_redirect(request, response)

    @staticmethod
    def _redirects_to_login(response) -> bool:
        return response.status_code == 302 and response.get("Location", "").startswith(
            reverse("accounts:login")
        )

    def _enforce(self, request):
        # the path first: reading request.user loads the session, which the API's and the
        # public pages' requests (the busiest, such as public verification) need not do here
        if request.path.startswith(ALWAYS_ALLOWED):
            return None
        user = request.user
        if not user.is_authenticated:
            return None
        step = policy.pending_step(user)
        if step == policy.PASSWORD_CHANGE:
            target, notice = (
                reverse("accounts:password_change"),
                _("Please set a new password before you continue."),
            )
        elif step == policy.MFA_ENROLMENT:
            target, notice = (
                reverse("accounts:mfa_setup"),
                _("Regulator accounts need a second factor. Set up your authenticator app."),
            )
        else:
            return None
        if request.path == target:
            return None
        messages.warning(request, notice)
        return redirect(target)

    @staticmethod
    def _htmx_login_redirect(request, response):
        """An htmx request whose session expired: send the whole page to the login form."""
        if request.headers.get("HX-Request") and SessionPolicyMiddleware._redirects_to_login(
            response
        ):
            redirect_response = HttpResponse(status=204)
            redirect_response["HX-Redirect"] = response["Location"]
            return redirect_response
        return response
