"""The regulators' traceability pages: anomalies, a pack's path, a batch's holders, recalls."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import Role
from yaojian.core import scoping
from yaojian.core.errors import DomainError
from yaojian.core.pages import regulator as _regulator
from yaojian.trace import anomalies, selectors
from yaojian.trace.choices import RecallLevel
from yaojian.trace.services import recall as recall_service


@login_required
def overview(request):
    user = _regulator(request)
    rule = request.GET.get("rule", "")
    rows = selectors.anomalies_visible(user)
    if rule in anomalies.RULES:
        rows = rows.filter(rule=rule)
    listed = list(rows[:200])
    for anomaly in listed:
        anomaly.rule_info = anomalies.RULES.get(anomaly.rule)
    return render(
        request,
        "trace/overview.html",
        {
            "nav": "trace",
            "anomalies": listed,
            "rules": anomalies.RULES.values(),
            "rule": rule,
            "recalls": list(selectors.recalls_visible(user)[:10]),
            "batch_query": request.GET.get("batch", ""),
            "batches": list(
                selectors.batches_visible(user).filter(batch_no__icontains=request.GET["batch"])[
                    :50
                ]
            )
            if request.GET.get("batch")
            else [],
        },
    )


@login_required
def code_path(request):
    user = _regulator(request)
    code = request.GET.get("code", "").strip()[:512]
    found = selectors.code_path(user, code) if code else None
    return render(request, "trace/code_path.html", {"nav": "trace", "code": code, "found": found})


@login_required
def batch_detail(request, batch_id: int):
    user = _regulator(request)
    batch = selectors.batch_get(user, batch_id)
    holders = selectors.batch_holders(user, batch)
    return render(
        request,
        "trace/batch_detail.html",
        {
            "nav": "trace",
            "batch": batch,
            "holders": holders,
            "total": sum(h["packs"] for h in holders),
            "levels": RecallLevel.choices,
            "may_recall": user.has_role(Role.APPROVER, Role.LEADER),
            "recalls": list(batch.recalls.all()),
        },
    )


@login_required
@require_POST
def recall_issue(request, batch_id: int):
    user = _regulator(request)
    batch = selectors.batch_get(user, batch_id)
    try:
        recall = recall_service.recall_issue(
            actor=user,
            batch_ids=[batch.pk],
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        for field_messages in error.errors.values() or [[str(error.detail)]]:
            for message in field_messages:
                messages.error(request, message)
        return redirect("trace:batch_detail", batch_id=batch.pk)
    messages.success(
        request,
        _("Recall %(number)s issued; every holder was notified.") % {"number": recall.number},
    )
    return redirect("trace:recall_detail", recall_id=recall.pk)


@login_required
def recall_detail(request, recall_id: int):
    user = _regulator(request)
    recall = scoping.get_visible(selectors.recalls_visible(user), user, pk=recall_id)
    return render(
        request,
        "trace/recall_detail.html",
        {
            "nav": "trace",
            "recall": recall,
            "progress": recall_service.recall_progress(recall),
            "may_complete": user.has_role(Role.APPROVER, Role.LEADER),
        },
    )


@login_required
@require_POST
def recall_complete(request, recall_id: int):
    user = _regulator(request)
    try:
        recall_service.recall_complete(actor=user, recall_id=recall_id)
        messages.success(request, _("The recall is completed."))
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        messages.error(request, str(error.detail))
    return redirect("trace:recall_detail", recall_id=recall_id)


@login_required
def flows(request, enterprise_id: int):
    """An enterprise's inbound and outbound flows by product and counterpart, with a chart."""
    from django.utils.dateparse import parse_date

    from yaojian.registry.selectors import enterprise_get

    user = _regulator(request)
    enterprise = enterprise_get(user, enterprise_id)

    def day(name: str):
        # an unreadable date is ignored (the form shows what was applied)
        try:
            return parse_date(request.GET.get(name, "")[:10])
        except ValueError:
            return None

    since, until = day("since"), day("until")
    found = selectors.flows(user, enterprise.pk, since=since, until=until)
    chart = {
        "enterprise": enterprise.name,
        "inbound": found["inbound"][:30],
        "outbound": found["outbound"][:30],
    }
    return render(
        request,
        "trace/flows.html",
        {
            "nav": "trace",
            "enterprise": enterprise,
            "found": found,
            "chart": chart,
            "since": request.GET.get("since", ""),
            "until": request.GET.get("until", ""),
        },
    )
