"""The enterprise's inspection pages (government-service portal): its inspections, findings,
deadlines, and the rectification it submits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import EnterpriseRight
from yaojian.core.errors import DomainError
from yaojian.core.pages import enterprise_user, error_text, reraise_access
from yaojian.inspection import selectors, services
from yaojian.inspection.choices import Status
from yaojian.inspection.views.common import uploads


@login_required
def my_list(request):
    user = enterprise_user(request)
    rows = selectors.inspection_list(user).order_by("-submitted_at", "-pk")
    return render(
        request,
        "inspection/my_list.html",
        {"inspections": list(rows[:200]), "today": timezone.localdate()},
    )


@login_required
def my_detail(request, inspection_id: int):
    user = enterprise_user(request)
    inspection = selectors.inspection_get(user, inspection_id)
    return render(
        request,
        "inspection/my_detail.html",
        {
            "inspection": inspection,
            "items": [
                item
                for item in selectors.items_of(inspection)
                if item.answer and item.answer.result == "non_compliant"
            ],
            "general_findings": list(inspection.findings.filter(item__isnull=True)),
            "photos": list(inspection.photos.all()),
            "rectifications": list(inspection.rectifications.prefetch_related("evidence")),
            "may_rectify": inspection.status == Status.RECTIFYING
            and user.has_enterprise_right(EnterpriseRight.RESPOND),
            "today": timezone.localdate(),
            "form_error": None,
        },
    )


@login_required
@require_POST
def my_rectify(request, inspection_id: int):
    user = enterprise_user(request)
    try:
        services.rectification_submit(
            actor=user,
            inspection_id=inspection_id,
            statement=request.POST.get("statement", ""),
            files=uploads(request, "files"),
        )
    except DomainError as error:
        reraise_access(error)
        messages.error(request, error_text(error))
        return redirect("inspection:my_detail", inspection_id=inspection_id)
    messages.success(request, _("Your rectification is submitted; the inspector will review it."))
    return redirect("inspection:my_detail", inspection_id=inspection_id)
