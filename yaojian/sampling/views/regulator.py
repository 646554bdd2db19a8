"""The regulators' sampling pages (work portal): overview, plans, tasks, the sampling record form,
laboratory result entry, risk control. Thin: parse, call one selector or service, render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import Role
from yaojian.core import excel
from yaojian.core.errors import DomainError, NotFound, ValidationFailed
from yaojian.core.pages import regulator as _regulator
from yaojian.sampling import selectors, services, workflows
from yaojian.sampling.choices import (
    Category,
    Conclusion,
    Measure,
    PaymentMethod,
    PlanStatus,
    Risk,
    Stage,
    TaskStatus,
)

RESULT_ROWS = 8


def _errors(error: DomainError) -> dict[str, list[str]]:
    """Field errors for a form; access errors propagate to the error page."""
    if error.status in (401, 403, 404):
        raise error
    return error.errors or {"": [str(error.detail)]}


def _flash(request, error: DomainError) -> None:
    for field_messages in _errors(error).values():
        for message in field_messages:
            messages.error(request, message)


def _date(value: str) -> dt.date | None:
    try:
        return parse_date((value or "")[:10])
    except ValueError:
        return None


@login_required
def overview(request):
    user = _regulator(request)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    rates = selectors.failure_rates(user, year=year)
    counts = selectors.status_counts(user)
    return render(
        request,
        "sampling/overview.html",
        {
            "nav": "sampling",
            "rates": rates,
            "year": year,
            "years": sorted({p.year for p in selectors.plans_visible(user)}, reverse=True),
            "counts": [(s, label, counts.get(s, 0)) for s, label in TaskStatus.choices],
            "late": selectors.overdue(user),
            "risk_open": list(selectors.risk_open(user)[:20]),
            "today": timezone.localdate(),
            "chart": {
                "labels": [r["label"] for r in rates],
                "tested": [r["tested"] for r in rates],
                "failed": [r["failed"] for r in rates],
                "rate": [r["rate"] for r in rates],
                "names": {
                    "tested": _("Batches tested"),
                    "failed": _("Non-conforming"),
                    "rate": _("Failure rate (%)"),
                },
            },
        },
    )


# --- plans ------------------------------------------------------------------------------------


def _lines_from(post) -> list[dict]:
    lines = []
    for category, _label in Category.choices:
        for risk, _rlabel in Risk.choices:
            raw = post.get(f"target-{category}-{risk}", "").strip()
            if raw:
                lines.append(
                    {
                        "category": category,
                        "risk": risk,
                        "target": raw if raw.isdigit() else -1,
                        "note": post.get(f"note-{category}-{risk}", ""),
                    }
                )
    return lines


@login_required
def plan_list(request):
    user = _regulator(request)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            plan = services.plan_create(
                actor=user,
                year=request.POST.get("year", ""),
                title=request.POST.get("title", ""),
                basis=request.POST.get("basis", ""),
                lines=_lines_from(request.POST),
            )
            messages.success(
                request, _("Plan %(number)s created as a draft.") % {"number": plan.number}
            )
            return redirect("sampling:plan_detail", plan_id=plan.pk)
        except DomainError as error:
            errors = _errors(error)
    return render(
        request,
        "sampling/plan_list.html",
        {
            "nav": "sampling",
            "plans": list(selectors.plans_visible(user).prefetch_related("lines")[:200]),
            "categories": Category.choices,
            "risks": Risk.choices,
            "errors": errors,
            "values": request.POST,
            "may_plan": user.has_role(*workflows.PLANNERS),
            "this_year": timezone.localdate().year,
        },
    )


@login_required
def plan_detail(request, plan_id: int):
    user = _regulator(request)
    plan = selectors.plan_get(user, plan_id)
    own = user.scope.covers_region(plan.region_code)
    return render(
        request,
        "sampling/plan_detail.html",
        {
            "nav": "sampling",
            "plan": plan,
            "progress": services.plan_progress(plan),
            "events": list(plan.events.all()),
            "actions": workflows.available_plan(user, plan) if own else [],
            "tasks": list(selectors.task_list(user, plan_id=plan.pk)[:200]),
            "may_task": plan.status == PlanStatus.APPROVED
            and user.has_role(Role.REVIEWER, Role.INSPECTOR, Role.APPROVER, Role.LEADER),
        },
    )


@login_required
@require_POST
def plan_action(request, plan_id: int, action: str):
    user = _regulator(request)
    try:
        services.plan_transition(
            actor=user, plan_id=plan_id, action=action, note=request.POST.get("note", "")
        )
        messages.success(request, _("Done."))
    except DomainError as error:
        _flash(request, error)
    return redirect("sampling:plan_detail", plan_id=plan_id)


# --- tasks ------------------------------------------------------------------------------------


def _inspectors(user) -> list:
    from yaojian.accounts.models import User
    from yaojian.core import scoping

    return list(
        scoping.restrict(User.objects.filter(kind="regulator", is_active=True), user)
        .filter(role_assignments__role=Role.INSPECTOR)
        .select_related("bureau")
        .order_by("bureau__region_code", "full_name")
        .distinct()[:200]
    )


@login_required
def task_new(request, plan_id: int):
    user = _regulator(request)
    plan = selectors.plan_get(user, plan_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        try:
            enterprise_id, product_id = _enterprise_and_product(user, post)
            line = post.get("line", ":")
            category, _sep, risk = line.partition(":")
            task = services.task_create(
                actor=user,
                plan_id=plan.pk,
                enterprise_id=enterprise_id,
                product_id=product_id,
                product_name=post.get("product_name", ""),
                category=category,
                risk=risk,
                batch_no=post.get("batch_no", ""),
                quantity=post.get("quantity", ""),
                unit=post.get("unit", "盒"),
                sampler_ids=post.getlist("samplers"),
                lab_id=int(post["lab"]) if post.get("lab", "").isdigit() else None,
                due_on=_date(post.get("due_on", "")),
            )
            messages.success(request, _("Task %(number)s created.") % {"number": task.number})
            return redirect("sampling:task_detail", task_id=task.pk)
        except DomainError as error:
            errors = _errors(error)
    return render(
        request,
        "sampling/task_form.html",
        {
            "nav": "sampling",
            "plan": plan,
            "lines": list(plan.lines.all()),
            "inspectors": _inspectors(user),
            "labs": list(selectors.labs_visible(user)),
            "errors": errors,
            "values": request.POST,
            "chosen": request.POST.getlist("samplers"),
        },
    )


def _enterprise_and_product(user, post) -> tuple[int, int | None]:
    from yaojian.registry.models import Enterprise, Product

    uscc = post.get("enterprise", "").strip().upper()
    enterprise = Enterprise.objects.filter(uscc=uscc).only("pk").first() if uscc else None
    if enterprise is None:
        raise ValidationFailed.field(
            "enterprise",
            _("Enter the unified social credit code of an enterprise in the register."),
        )
    approval = post.get("approval_number", "").strip()
    product_id = None
    if approval:
        product = Product.objects.filter(approval_number=approval).only("pk").first()
        if product is None:
            raise ValidationFailed.field(
                "approval_number", _("No product with this approval number in the register.")
            )
        product_id = product.pk
    return enterprise.pk, product_id


def _task_columns():
    return [
        (_("Number"), lambda t: t.number),
        (_("Plan"), lambda t: t.plan.number),
        (_("Category"), lambda t: t.get_category_display()),
        (_("Risk"), lambda t: t.get_risk_display()),
        (_("Enterprise"), lambda t: t.enterprise.name),
        (_("Unified social credit code"), lambda t: t.enterprise.uscc),
        (_("Division"), lambda t: t.region_code),
        (_("Product"), lambda t: t.product_name),
        (_("Batch number"), lambda t: t.batch_no),
        (_("Quantity"), lambda t: t.quantity),
        (_("Laboratory"), lambda t: t.lab.name),
        (_("Sample by"), lambda t: t.due_on),
        (_("Status"), lambda t: t.get_status_display()),
        (_("Conclusion"), lambda t: t.get_conclusion_display()),
        (_("Result served on"), lambda t: t.served_on),
        (_("Re-test may be requested until"), lambda t: t.retest_deadline),
    ]


def _filtered(request, user):
    return selectors.task_list(
        user,
        status=request.GET.get("status", ""),
        category=request.GET.get("category", ""),
        query=request.GET.get("q", ""),
    )


@login_required
def task_list(request):
    user = _regulator(request)
    tasks = _filtered(request, user)
    return render(
        request,
        "sampling/task_list.html",
        {
            "nav": "sampling",
            "tasks": list(tasks[:300]),
            "count": tasks.count(),
            "statuses": TaskStatus.choices,
            "categories": Category.choices,
            "status": request.GET.get("status", ""),
            "category": request.GET.get("category", ""),
            "q": request.GET.get("q", ""),
            "query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
def task_export(request):
    user = _regulator(request)
    from yaojian.audit import services as audit

    tasks = _filtered(request, user)
    audit.record(actor=user, action="sampling.task.export", detail=request.GET.urlencode()[:500])
    return excel.export_response(
        filename="sampling-tasks",
        sheet=_("Sampling tasks"),
        columns=_task_columns(),
        rows=tasks.iterator(chunk_size=2000),
    )


@login_required
def task_detail(request, task_id: int):
    user = _regulator(request)
    task = selectors.task_get(user, task_id)
    sample = getattr(task, "sample", None)
    control = getattr(task, "risk_control", None)
    own = user.scope.covers_region(task.region_code)
    actions = {t.action for t in workflows.available_task(user, task)}
    if not own:
        actions -= {"serve", "close", "cancel"}
    return render(
        request,
        "sampling/task_detail.html",
        {
            "nav": "sampling",
            "task": task,
            "sample": sample,
            "handovers": list(sample.handovers.all()) if sample else [],
            "results": list(task.results.prefetch_related("items").select_related("lab")),
            "events": list(task.events.all()),
            "samplers": list(task.samplers.all()),
            "control": control,
            "actions": actions,
            "today": timezone.localdate(),
            "may_decide": own and user.has_role(Role.APPROVER, Role.LEADER, Role.CASE_OFFICER),
            "may_recall": own and task.is_drug and user.has_role(Role.APPROVER, Role.LEADER),
            "measures": [(m, label) for m, label in Measure.choices if m != Measure.RECALL],
            "may_custody": sample is not None
            and task.conclusion != ""
            and (
                workflows.is_lab_staff(user, task.lab)
                or workflows.is_lab_staff(user, task.retest_lab)
            ),
            "final_stages": [
                (Stage.RETAINED, Stage.RETAINED.label),
                (Stage.RETURNED, Stage.RETURNED.label),
            ],
            "window_open": task.retest_deadline and timezone.localdate() <= task.retest_deadline,
            "levels": [("I", "I"), ("II", "II"), ("III", "III")],
        },
    )


@login_required
def sample_form(request, task_id: int):
    """The sampling record on a phone: payment, seals, the enterprise's signature."""
    user = _regulator(request)
    task = selectors.task_get(user, task_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        sampled_at = parse_datetime(post.get("sampled_at", "")) if post.get("sampled_at") else None
        if sampled_at is not None and timezone.is_naive(sampled_at):
            sampled_at = timezone.make_aware(sampled_at)
        try:
            services.sample_record(
                actor=user,
                task_id=task.pk,
                record_number=post.get("record_number", ""),
                place=post.get("place", ""),
                quantity=post.get("quantity", ""),
                sealed_ids=[
                    s
                    for s in post.get("sealed_ids", "")
                    .replace("，", ",")
                    .replace("\n", ",")
                    .split(",")
                ],
                price_paid=post.get("price_paid", "") or Decimal("0"),
                payment_method=post.get("payment_method", ""),
                payment_reference=post.get("payment_reference", ""),
                enterprise_signatory=post.get("enterprise_signatory", ""),
                enterprise_acknowledged=post.get("enterprise_acknowledged") == "on",
                enterprise_remarks=post.get("enterprise_remarks", ""),
                sampled_at=sampled_at,
            )
            messages.success(request, _("The sampling record is saved; the samples are sealed."))
            return redirect("sampling:task_detail", task_id=task.pk)
        except DomainError as error:
            errors = _errors(error)
    else:
        workflows.require(
            user,
            workflows.check_task("record_sample", task.status),
            task,
            action="sampling.task.record_sample",
        )
    return render(
        request,
        "sampling/sample_form.html",
        {
            "nav": "sampling",
            "task": task,
            "errors": errors,
            "values": request.POST,
            "methods": PaymentMethod.choices,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


def _items_from(post) -> list[dict]:
    items = []
    for index in range(RESULT_ROWS):
        row = {
            key: post.get(f"{key}-{index}", "").strip()
            for key in ("item", "standard", "limit", "value")
        }
        verdict = post.get(f"conforming-{index}", "")
        if not any(row.values()) and not verdict:
            continue
        row["conforming"] = {"yes": True, "no": False}.get(verdict)
        items.append(row)
    return items


@login_required
def result_form(request, task_id: int):
    """The laboratory enters its report: one row per test item."""
    user = _regulator(request)
    task = selectors.task_get(user, task_id)
    action = "enter_retest" if task.status == TaskStatus.RETEST_REQUESTED else "enter_result"
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.result_enter(
                actor=user,
                task_id=task.pk,
                report_number=request.POST.get("report_number", ""),
                tested_on=_date(request.POST.get("tested_on", "")),
                items=_items_from(request.POST),
            )
            messages.success(request, _("The test result is recorded."))
            return redirect("sampling:task_detail", task_id=task.pk)
        except DomainError as error:
            errors = _errors(error)
    else:
        workflows.require(
            user, workflows.check_task(action, task.status), task, action=f"sampling.task.{action}"
        )
    return render(
        request,
        "sampling/result_form.html",
        {
            "nav": "sampling",
            "task": task,
            "retest": action == "enter_retest",
            "errors": errors,
            "values": request.POST,
            "rows": range(RESULT_ROWS),
            "today": timezone.localdate().isoformat(),
        },
    )


@login_required
@require_POST
def task_action(request, task_id: int, action: str):
    """The one-button steps of a task and the risk-control decisions."""
    user = _regulator(request)
    post = request.POST
    try:
        if action == "send":
            services.task_send(
                actor=user,
                task_id=task_id,
                place=post.get("place", ""),
                received_by=post.get("received_by", ""),
                note=post.get("note", ""),
            )
        elif action == "receive":
            services.task_receive(
                actor=user,
                task_id=task_id,
                place=post.get("place", ""),
                handed_by=post.get("handed_by", ""),
                seals_intact=post.get("seals_intact") == "on",
                note=post.get("note", ""),
            )
        elif action == "serve":
            services.result_serve(
                actor=user,
                task_id=task_id,
                served_on=_date(post.get("served_on", "")) or timezone.localdate(),
            )
        elif action == "close":
            services.task_close(actor=user, task_id=task_id)
        elif action == "cancel":
            services.task_cancel(actor=user, task_id=task_id, reason=post.get("reason", ""))
        elif action == "decide":
            services.risk_decide(
                actor=user,
                task_id=task_id,
                measure=post.get("measure", ""),
                note=post.get("note", ""),
            )
        elif action == "recall":
            control = services.risk_recall(
                actor=user,
                task_id=task_id,
                level=post.get("level", ""),
                reason=post.get("reason", ""),
            )
            messages.success(
                request,
                _("Recall %(number)s issued; every holder was notified.")
                % {"number": control.recall_number},
            )
            return redirect("sampling:task_detail", task_id=task_id)
        elif action == "custody":
            services.custody_record(
                actor=user,
                task_id=task_id,
                stage=post.get("stage", ""),
                place=post.get("place", ""),
                handed_by=post.get("handed_by", ""),
                received_by=post.get("received_by", ""),
                note=post.get("note", ""),
            )
        else:
            raise NotFound()
        messages.success(request, _("Done."))
    except DomainError as error:
        _flash(request, error)
    return redirect("sampling:task_detail", task_id=task_id)


__all__ = ["Conclusion"]
