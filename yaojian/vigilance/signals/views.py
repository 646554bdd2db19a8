"""Pages of signal detection for the province monitoring centre (under /workbench/vigilance/signals/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.core.errors import DomainError
from yaojian.vigilance.signals import access, engine, selectors, services, workflows
from yaojian.vigilance.signals.choices import SignalAction, SignalStatus

METHOD_LABELS = {"prr": "PRR", "ror": "ROR", "bcpnn": "BCPNN", "mgps": "MGPS"}


def _int(value, default=None, *, low=1, high=1_000_000):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


@login_required
def home(request):
    user = access.require_view(request.user)
    runs = list(selectors.run_list(user)[:20])
    counts = {
        status: selectors.signal_list(user, status=status).count() for status in SignalStatus.values
    }
    return render(
        request,
        "vigilance/signals/home.html",
        {
            "nav": "vigilance",
            "runs": runs,
            "latest": selectors.latest_run(user),
            "counts": [(SignalStatus(s).label, s, n) for s, n in counts.items()],
            "presets": engine.PRESETS,
            "can_act": access.can_act(user),
        },
    )


@login_required
@require_POST
def run_start(request):
    user = request.user
    data = {
        "preset": request.POST.get("preset") or None,
        "since": request.POST.get("since") or None,
        "until": request.POST.get("until") or None,
        "stratify": request.POST.get("stratify") == "on",
    }
    try:
        run = services.run_request(actor=user, parameters=data)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.detail)
        for field, problems in error.errors.items():
            for problem in problems:
                messages.error(request, f"{field}: {problem}")
        return redirect("vigilance:signal_home")
    messages.success(
        request, _("Run #%(id)s queued; it is computed in the background.") % {"id": run.pk}
    )
    return redirect("vigilance:signal_run", run_id=run.pk)


@login_required
def run_detail(request, run_id: int):
    user = access.require_view(request.user)
    run = selectors.run_get(user, run_id)
    methods = [m for m in request.GET.getlist("method") if m in METHOD_LABELS]
    flagged = request.GET.get("flagged") == "1"
    min_n = _int(request.GET.get("min_n"))
    product = request.GET.get("product", "").strip()[:100]
    event = request.GET.get("event", "").strip()[:100]
    order = request.GET.get("order", "eb05")
    rows = selectors.result_list(
        user,
        run,
        methods=methods,
        flagged_only=flagged,
        min_n=min_n,
        product=product,
        event=event,
        order=order,
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    chart_product = request.GET.get("chart_product", "").strip()[:250]
    if not chart_product and page.object_list:
        chart_product = page.object_list[0].product
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "vigilance",
        "run": run,
        "page": page,
        "methods": methods,
        "method_labels": METHOD_LABELS,
        "flagged": flagged,
        "min_n": min_n or "",
        "product": product,
        "event": event,
        "order": order,
        "query": query.urlencode(),
        "chart_product": chart_product,
        "charts": {
            "product": chart_product,
            "intervals": selectors.product_chart(user, run, chart_product) if chart_product else [],
            "volcano": selectors.volcano(user, run),
            "labels": {
                "ebgm": _("EBGM"),
                "interval": _("EB05–EB95"),
                "ic": _("IC"),
                "chi2": _("chi-square"),
                "flagged": _("Flagged"),
                "other": _("Not flagged"),
            },
        },
    }
    template = (
        "vigilance/signals/results_table.html"
        if request.headers.get("HX-Request")
        else "vigilance/signals/run.html"
    )
    return render(request, template, context)


@login_required
def signal_list(request):
    user = access.require_view(request.user)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.signal_list(user, status=status, query=query), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "vigilance/signals/signal_list.html",
        {
            "nav": "vigilance",
            "page": page,
            "status": status,
            "q": query,
            "statuses": SignalStatus.choices,
        },
    )


@login_required
def signal_detail(request, signal_id: int):
    user = access.require_view(request.user)
    signal = selectors.signal_get(user, signal_id)
    return render(
        request,
        "vigilance/signals/signal_detail.html",
        {
            "nav": "vigilance",
            "signal": signal,
            "history": selectors.signal_history(user, signal),
            "steps": workflows.available(signal.status) if access.can_act(user) else [],
            "actions": SignalAction.choices,
        },
    )


@login_required
@require_POST
def signal_step(request, signal_id: int):
    try:
        services.signal_transition(
            actor=request.user,
            signal_id=signal_id,
            action=request.POST.get("step", "")[:40],
            note=request.POST.get("note", "")[:4000],
            action_kind=request.POST.get("action", "")[:40],
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.detail)
        for problems in error.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Step recorded."))
    return redirect("vigilance:signal_detail", signal_id=signal_id)
