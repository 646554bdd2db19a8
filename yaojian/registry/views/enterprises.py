"""The enterprise register and the enterprise file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yaojian.core.forms import paginate
from yaojian.core.pages import regulator
from yaojian.registry import selectors, services
from yaojian.registry.choices import EnterpriseKind, EnterpriseStatus
from yaojian.registry.views.common import can_edit, list_page, region_choices

EXPORT_COLUMNS = [
    (gettext_lazy("Name"), lambda e: e.name),
    (gettext_lazy("Unified social credit code"), lambda e: e.uscc),
    (gettext_lazy("Type"), lambda e: e.get_kind_display()),
    (gettext_lazy("Legal representative"), lambda e: e.legal_representative),
    (gettext_lazy("Registered address"), lambda e: e.address),
    (gettext_lazy("Jurisdiction"), lambda e: e.region_name),
    (gettext_lazy("Status"), lambda e: e.get_status_display()),
    (gettext_lazy("Supervision grade"), lambda e: e.risk_grade),
    (gettext_lazy("Verified by the bureau at"), lambda e: e.verified_at),
]
EXPIRY_WINDOWS = [
    ("30", gettext_lazy("Licence expires within 30 days")),
    ("90", gettext_lazy("Licence expires within 90 days")),
    ("180", gettext_lazy("Licence expires within 180 days")),
    ("expired", gettext_lazy("Licence expired but marked valid")),
]


def _filters(request) -> dict:
    get = request.GET
    return {
        "query": get.get("q", "").strip(),
        "kind": get.get("kind", ""),
        "region_code": get.get("region", ""),
        "status": get.get("status", ""),
        "verified": get.get("verified", ""),
        "expiring": get.get("expiring", ""),
        "sort": get.get("sort", "name"),
    }


@login_required
def enterprise_list(request):
    user = regulator(request)
    filters = _filters(request)
    return list_page(
        request,
        selectors.enterprise_list(user, **filters),
        template="registry/enterprise_list.html",
        rows_template="registry/enterprise_rows.html",
        nav="enterprises",
        export_name="enterprises",
        export_sheet=_("Enterprises"),
        columns=EXPORT_COLUMNS,
        context={
            "filters": filters,
            "kinds": EnterpriseKind.choices,
            "statuses": EnterpriseStatus.choices,
            "divisions": region_choices(user),
            "windows": EXPIRY_WINDOWS,
        },
    )


@login_required
def enterprise_detail(request, pk: int):
    """The enterprise file (一企一档): identity, licences, products, people, sites, timeline."""
    user = request.user
    if not user.is_regulator:
        selectors.enterprise_get(user, pk)  # 404 outside scope, like everyone else
        return redirect("portal:enterprise_home")
    kind = request.GET.get("kind", "")
    file = selectors.enterprise_file(user, pk, timeline_kind=kind)
    timeline = paginate(request, file.timeline, per_page=20)
    if request.headers.get("HX-Request") and request.GET.get("part") == "timeline":
        return render(
            request, "registry/timeline.html", {"timeline": timeline, "file": file, "kind": kind}
        )
    return render(
        request,
        "registry/enterprise_file.html",
        {
            "nav": "enterprises",
            "file": file,
            "enterprise": file.enterprise,
            "timeline": timeline,
            "kind": kind,
            "accounts": file.enterprise.accounts.order_by("-is_enterprise_master", "username"),
            "can_edit": can_edit(user),
        },
    )


@login_required
@require_POST
def enterprise_reveal_id(request, pk: int):
    """Show the legal representative's ID number in clear (an audited sensitive read)."""
    regulator(request)
    number = selectors.enterprise_legal_representative_id(request.user, pk)
    return render(request, "registry/revealed_id.html", {"number": number or _("not recorded")})


@login_required
@require_POST
def enterprise_verify(request, pk: int):
    services.enterprise_verify(actor=regulator(request), enterprise_id=pk)
    messages.success(request, _("The enterprise is marked as verified."))
    return redirect("registry:enterprise_detail", pk=pk)
