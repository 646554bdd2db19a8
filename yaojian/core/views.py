from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from yaojian.core import health


@never_cache
@require_GET
def healthz(request):
    healthy, checks = health.run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503
    )


def csrf_failure(request, reason=""):
    """A forged or stale form: say so plainly, change nothing."""
    from yaojian.accounts.services import record_denial

    record_denial(request.user, action="security.csrf_rejected", detail=reason)
    return render(
        request,
        "core/error.html",
        {
            "error": {
                "status": 403,
                "title": _("This form has expired or did not come from this site"),
                "detail": _(
                    "For your security nothing was saved. Reload the page and submit the form again."
                ),
            }
        },
        status=403,
    )
