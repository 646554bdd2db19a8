from __future__ import annotations

from django.http import QueryDict
from django.shortcuts import render

from yaojian.core.context import Origin, _current, client_ip
from yaojian.core.errors import AuthenticationRequired, DomainError


class RequestContextMiddleware:
    """Record the request's origin (IP, user agent, channel) for the audit log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith(("/api/", "/epcis/")) else "web"
        token = _current.set(
            Origin(
                ip=client_ip(request.META),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                channel=channel,
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class DomainErrorMiddleware:
    """Render a domain error raised by a page view as a readable page with its status code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, AuthenticationRequired):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        template = (
            "core/error_fragment.html" if request.headers.get("HX-Request") else "core/error.html"
        )
        return render(request, template, {"error": exception}, status=exception.status)


class NullCharacterMiddleware:
    """Drop NUL characters from the query string before any view reads it.

    No field of the platform can hold one and no typed character produces it; PostgreSQL
    refuses it in text with an error that would otherwise surface as a server error. The
    API's schema allows any string in a query parameter, so the character is removed rather
    than the request refused (the rest of the value is validated as usual)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.META.get(
            "QUERY_STRING", ""
        ):
            cleaned = QueryDict(mutable=True)
            for name, values in request.GET.lists():
                cleaned.setlist(name.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
