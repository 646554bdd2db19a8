"""The government-service portal: public pages and the enterprise's home."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.core import regions
from yaojian.core.errors import NotFound
from yaojian.core.forms import paginate
from yaojian.registry import selectors as registry
from yaojian.workbench import selectors as inbox
from yaojian.workbench import services as inbox_services


def home(request):
    return render(request, "portal/home.html", {"nav": "home"})


def verify(request):
    """Verify a pack's traceability code (Chinese, GS1 DataMatrix or Digital Link, UDI) or an
    electronic licence (its number, its QR code's content or link) in one box."""
    from yaojian.core.context import client_ip
    from yaojian.elicence import payload
    from yaojian.elicence import selectors as elicence
    from yaojian.trace import codes as trace_codes
    from yaojian.trace.services import verify as trace

    code = request.GET.get("code", "")[:2000]
    context = {"nav": "verify", "code": code, "batch": request.GET.get("batch", "")[:40]}
    text = code.strip()
    if text and not payload.looks_like_payload(text) and trace_codes.looks_like_code(text):
        try:
            context["trace"] = trace.verify(
                text,
                ip=client_ip(request.META) or "",
                region_code=request.GET.get("region", "")[:6],
                batch_no=context["batch"],
            )
        except trace.RateLimited as error:
            context["trace_error"] = str(error.detail)
        return render(request, "portal/verify.html", context)
    context["check"] = elicence.verify_input(code)
    return render(request, "portal/verify.html", context)


def _position(request) -> tuple[float, float] | None:
    """The visitor's position, when the browser gave one (lat/lng in the query)."""
    try:
        latitude, longitude = float(request.GET["lat"]), float(request.GET["lng"])
    except (KeyError, ValueError):
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return latitude, longitude
    return None


def pharmacies(request):
    query = request.GET.get("q", "").strip()
    region_code = request.GET.get("region", "")
    near = _position(request)
    page = paginate(
        request,
        registry.public_pharmacies(query=query, region_code=region_code, near=near),
        per_page=20,
    )
    if near:
        for pharmacy in page.object_list:
            pharmacy.distance = registry.distance_km(pharmacy, near)
    context = {
        "nav": "pharmacies",
        "page": page,
        "query": query,
        "region_code": region_code,
        "near": near,
        "cities": regions.children_of_province(),
        "tile_url": settings.YAOJIAN_TILE_URL,
        "tile_attribution": settings.YAOJIAN_TILE_ATTRIBUTION,
        "today": timezone.localdate(),
        "geolocation_messages": {
            "unsupported": _("This browser cannot tell its position."),
            "locating": _("Asking the browser for your position…"),
            "denied": _(
                "The browser did not give a position; the list stays in order of district and name."
            ),
        },
    }
    template = (
        "portal/pharmacy_results.html"
        if request.headers.get("HX-Request")
        else "portal/pharmacies.html"
    )
    return render(request, template, context)


def publications(request):
    """What the law requires to be published, newest first, by kind and searchable."""
    from yaojian.portal import publications as published

    kind = request.GET.get("kind", "")
    kind = kind if kind in published.Kind.values else ""
    query = request.GET.get("q", "")[:100]
    page = paginate(request, published.visible(kind=kind, query=query), per_page=20)
    language = translation.get_language() or "zh-hans"
    rows = [(item, *item.text(language)) for item in page.object_list]
    return render(
        request,
        "portal/publications.html",
        {
            "nav": "publications",
            "kinds": published.Kind.choices,
            "kind": kind,
            "q": query,
            "page": page,
            "rows": rows,
        },
    )


def publication_detail(request, pk: int):
    from yaojian.portal import publications as published

    item = published.visible_one(pk)
    title, summary, fields = item.text(translation.get_language() or "zh-hans")
    return render(
        request,
        "portal/publication_detail.html",
        {"nav": "publications", "item": item, "title": title, "summary": summary, "fields": fields},
    )


def complaints(request):
    return render(request, "portal/complaints.html", {"nav": "complaints"})


def _enterprise_user(request):
    if not (request.user.is_authenticated and request.user.is_enterprise_user):
        raise NotFound()
    return request.user


@login_required
def enterprise_home(request):
    user = _enterprise_user(request)
    enterprise = registry.enterprise_get(user, user.enterprise_id)
    return render(
        request,
        "portal/enterprise_home.html",
        {
            "nav": "enterprise",
            "enterprise": enterprise,
            "messages_list": inbox.message_list(user)[:5],
            "accounts_count": enterprise.accounts.count(),
            "tokens_count": enterprise.api_tokens.filter(revoked_at__isnull=True).count(),
            "licences": registry.licence_list(user, holder_id=enterprise.pk).order_by("kind"),
            "people": registry.person_list(user, enterprise_id=enterprise.pk),
        },
    )


@login_required
def my_applications(request):
    """The enterprise's applications in the service hall, newest first."""
    from yaojian.licensing import selectors as licensing

    user = _enterprise_user(request)
    applications = licensing.application_list(user).select_related("licence")
    return render(
        request,
        "portal/my_applications.html",
        {"nav": "enterprise", "page": paginate(request, applications)},
    )


@login_required
def messages_view(request):
    if request.user.is_regulator:
        return redirect("workbench:messages")
    return render(
        request,
        "portal/messages.html",
        {
            "page": paginate(request, inbox.message_list(request.user)),
        },
    )


@login_required
@require_POST
def messages_read_all(request):
    inbox_services.messages_mark_all_read(actor=request.user)
    return redirect("portal:messages")
