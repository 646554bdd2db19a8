"""The HTTP API: django-ninja under /api/, version 1 routers under /api/v1/.

Authentication: an enterprise API token (`Authorization: Bearer yj_…`) or the browser
session (with its CSRF token). Every error is an RFC 7807 problem (application/problem+json)
whose `code` is stable and whose `errors` name the fields.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from yaojian.core.errors import DomainError

PROBLEM = "application/problem+json"


class TokenAuth(HttpBearer):
    """An enterprise machine client's token."""

    def authenticate(self, request: HttpRequest, token: str):
        from yaojian.accounts.principal import MachinePrincipal
        from yaojian.accounts.services import token_authenticate

        return MachinePrincipal(token_authenticate(token))


class BrowserSession(SessionAuth):
    """The logged-in user of the pages (CSRF checked on unsafe methods)."""

    def authenticate(self, request: HttpRequest, key):
        from yaojian.accounts import policy

        user = super().authenticate(request, key)
        if user is not None and policy.pending_step(user):
            return None  # finish the login policy in the pages first
        return user


class YaojianAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Error responses are RFC 7807 problems: document them as application/problem+json."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status) >= "400" and "application/json" in content:
                        content[PROBLEM] = content.pop("application/json")
        return schema


# Pydantic's messages are English only; the common ones are given in the user's language.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "int_parsing": gettext_lazy("Enter a whole number."),
    "int_type": gettext_lazy("Enter a whole number."),
    "float_parsing": gettext_lazy("Enter a number."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "date_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": gettext_lazy("Enter a date and time in ISO 8601 form."),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "string_type": gettext_lazy("Enter text."),
    "list_type": gettext_lazy("Enter a list."),
    "string_pattern_mismatch": gettext_lazy("Not in the expected form."),
    "greater_than": gettext_lazy("Must be more than %(gt)s."),
    "less_than": gettext_lazy("Must be less than %(lt)s."),
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "decimal_parsing": gettext_lazy("Enter a number."),
}


def validation_message(item: dict) -> str:
    template = VALIDATION_MESSAGES.get(item.get("type", ""))
    if template is None:
        return str(item.get("msg", ""))
    try:
        return str(template) % {k: v for k, v in (item.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(item.get("msg", ""))


api = YaojianAPI(
    title="yaojian API",
    version="1.0.0",
    description=__doc__,
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[TokenAuth(), BrowserSession()],
    urls_namespace="api",
)


def problem(request: HttpRequest, status: int, body: dict):
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


@api.exception_handler(DomainError)
def on_domain_error(request, error: DomainError):
    return problem(request, error.status, error.as_problem())


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, error: NinjaValidationError):
    errors = []
    for item in error.errors:
        # ninja puts where the value came from first ("query", "body"…), and "payload" after
        # "body" for a JSON body; a parameter that is itself named "payload" must keep its name
        location = [str(part) for part in item.get("loc", ())]
        if location[:2] == ["body", "payload"]:
            location = location[2:]
        elif location and location[0] in (
            "body",
            "query",
            "path",
            "form",
            "file",
            "header",
            "cookie",
        ):
            location = location[1:]
        errors.append({"field": ".".join(location), "message": validation_message(item)})
    return problem(
        request,
        422,
        {
            "type": "https://yaojian.local/problems/validation_failed",
            "title": _("Some fields are not valid"),
            "status": 422,
            "code": "validation_failed",
            "detail": "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]),
            "errors": errors,
        },
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, error):
    return problem(
        request,
        401,
        {
            "type": "https://yaojian.local/problems/authentication_required",
            "title": _("Please log in"),
            "status": 401,
            "code": "authentication_required",
            "detail": _("Send an API token as 'Authorization: Bearer yj_…' or log in."),
        },
    )


@api.exception_handler(Http404)
def on_not_found(request, error):
    return problem(
        request,
        404,
        {
            "type": "https://yaojian.local/problems/not_found",
            "title": _("Not found"),
            "status": 404,
            "code": "not_found",
            "detail": _("Not found"),
        },
    )


@api.exception_handler(HttpError)
def on_http_error(request, error: HttpError):
    return problem(
        request,
        error.status_code,
        {
            "type": "about:blank",
            "title": str(error.message),
            "status": error.status_code,
            "code": "http_error",
            "detail": str(error.message),
        },
    )


def _register_routers() -> None:
    from yaojian.accounts.api import router as accounts_router
    from yaojian.audit.api import router as audit_router
    from yaojian.core.api import router as core_router
    from yaojian.datacenter.imports.api import router as imports_router
    from yaojian.datacenter.quality.api import router as quality_router
    from yaojian.elicence.api import router as elicence_router
    from yaojian.enforcement.api import router as enforcement_router
    from yaojian.inspection.api import router as inspection_router
    from yaojian.licensing.api import router as licensing_router
    from yaojian.portal.api import router as portal_router
    from yaojian.registry.api import router as registry_router
    from yaojian.sampling.api import router as sampling_router
    from yaojian.trace.api import public_router as trace_public_router
    from yaojian.trace.api import router as trace_router
    from yaojian.vigilance.api import router as vigilance_router
    from yaojian.workbench.api import router as workbench_router

    # The public verification first: URLs are matched in this order, and it is by far the
    # most requested address (a province's public scanning packs all day).
    api.add_router("/v1/public/trace", trace_public_router)
    api.add_router("/v1/", core_router)
    api.add_router("/v1/", accounts_router)
    api.add_router("/v1/registry/imports", imports_router)
    api.add_router("/v1/registry", registry_router)
    api.add_router("/v1/", workbench_router)
    api.add_router("/v1/audit", audit_router)
    api.add_router("/v1/quality", quality_router)
    api.add_router("/v1/elicence", elicence_router)
    api.add_router("/v1/licensing", licensing_router)
    api.add_router("/v1/public", portal_router)
    api.add_router("/v1/trace", trace_router)
    api.add_router("/v1/inspection", inspection_router)
    api.add_router("/v1/sampling", sampling_router)
    api.add_router("/v1/enforcement", enforcement_router)
    api.add_router("/v1/vigilance", vigilance_router)


_register_routers()


def not_found(request: HttpRequest, exception=None):
    """The site's 404: a problem document under /api/ and /epcis/, the 404 page elsewhere."""
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith(("/api/", "/epcis/")):
        return JsonResponse(
            {
                "type": "https://yaojian.local/problems/not_found",
                "title": _("Not found"),
                "status": 404,
                "code": "not_found",
                "detail": _("No API operation has this address."),
            },
            status=404,
            content_type=PROBLEM,
        )
    return render(request, "404.html", status=404)
