"""The draw's pages in the work portal: plans, the item list, the inspector pool, draws."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import Role
from yaojian.core.errors import DomainError, NotFound
from yaojian.core.forms import apply_errors, paginate
from yaojian.core.pages import error_message, error_text, reraise_access
from yaojian.core.pages import regulator as _regulator
from yaojian.inspection.draws import forms, selectors, services, workflows
from yaojian.inspection.draws.choices import DrawStatus, PlanStatus
from yaojian.registry.models import Enterprise

NAV = "inspection"


def _planner(user) -> bool:
    return user.has_role(*workflows.PLANNERS)


# --- plans ---------------------------------------------------------------------------------------


@login_required
def plan_list(request):
    user = _regulator(request)
    status = request.GET.get("status", "")[:10]
    year = request.GET.get("year", "")[:4]
    plans = selectors.plan_list(
        user,
        year=int(year) if year.isdigit() else None,
        status=status if status in PlanStatus.values else "",
        query=request.GET.get("q", "").strip()[:100],
    )
    return render(
        request,
        "inspection/draws/plan_list.html",
        {
            "nav": NAV,
            "page": paginate(request, plans),
            "to_decide": list(selectors.plans_to_decide(user)),
            "statuses": PlanStatus.choices,
            "filters": {"status": status, "year": year, "q": request.GET.get("q", "")},
            "may_plan": _planner(user),
        },
    )


@login_required
def plan_new(request):
    user = _regulator(request)
    items = [
        i for i in selectors.item_list(user) if user.bureau and i.bureau_level == user.bureau.level
    ]
    form = forms.PlanForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                actor=user,
                year=data["year"],
                title=data["title"],
                items=[(code, None) for code in data["items"]],
                grade_weights=form.weights(),
                team_size=data["team_size"],
                max_load=data["max_load"],
                notes=data["notes"],
            )
        except DomainError as error:
            reraise_access(error)
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan was saved as a draft."))
            return redirect(plan)
    return render(request, "inspection/draws/plan_form.html", {"nav": NAV, "form": form})


@login_required
def plan_detail(request, plan_id: int):
    user = _regulator(request)
    plan = selectors.plan_get(user, plan_id)
    own = user.bureau_id == plan.bureau_id and _planner(user)
    return render(
        request,
        "inspection/draws/plan_detail.html",
        {
            "nav": NAV,
            "plan": plan,
            "plan_items": list(plan.plan_items.select_related("item")),
            "events": list(plan.events.all()),
            "draws": list(selectors.draw_list(user, plan=plan)),
            "actions": workflows.available(user, plan),
            "may_draw": own and plan.status == PlanStatus.APPROVED,
            "draw_form": forms.DrawForm(),
            "reason_form": forms.ReasonForm(),
            "verifications": request.session.pop(f"plan-verify-{plan.pk}", None),
        },
    )


@login_required
@require_POST
def plan_action(request, plan_id: int, action: str):
    user = _regulator(request)
    plan = selectors.plan_get(user, plan_id)
    try:
        if action == "file":
            services.plan_file(actor=user, plan_id=plan.pk)
            messages.success(request, _("The plan was filed with the bureau above."))
        elif action == "approve":
            services.plan_approve(actor=user, plan_id=plan.pk)
            messages.success(request, _("The plan was approved and published."))
        elif action == "return":
            services.plan_return(actor=user, plan_id=plan.pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("The plan was returned for revision."))
        else:
            raise NotFound()
    except DomainError as error:
        error_message(request, error)
    return redirect(plan)


@login_required
@require_POST
def plan_draw(request, plan_id: int):
    user = _regulator(request)
    plan = selectors.plan_get(user, plan_id)
    form = forms.DrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the batch title and the due date."))
        return redirect(plan)
    try:
        draw = services.draw_run(
            actor=user,
            plan_id=plan.pk,
            title=form.cleaned_data["title"],
            inspect_by=form.cleaned_data["inspect_by"],
        )
    except DomainError as error:
        reraise_access(error)
        messages.error(request, _("Nothing was drawn: %(reason)s") % {"reason": error_text(error)})
        return redirect(plan)
    messages.success(request, _("%(n)s enterprises were drawn.") % {"n": draw.selections.count()})
    return redirect(draw)


@login_required
@require_POST
def plan_recompute(request, plan_id: int):
    user = _regulator(request)
    plan = selectors.plan_get(user, plan_id)
    checks = services.plan_verify(actor=user, plan_id=plan.pk)
    request.session[f"plan-verify-{plan.pk}"] = [
        {
            "draw": c.draw.number,
            "identical": c.identical,
            "difference": c.difference,
            "count": c.count,
        }
        for c in checks
    ]
    return redirect(plan)


# --- draws ---------------------------------------------------------------------------------------


@login_required
def draw_detail(request, draw_id: int):
    user = _regulator(request)
    draw = selectors.draw_get(user, draw_id)
    rows = selectors.selections(user, draw)
    own = user.bureau_id == draw.plan.bureau_id and _planner(user)
    for row in rows:
        row.may_record = draw.status == DrawStatus.DRAWN and (own or user.pk in row.team)
    return render(
        request,
        "inspection/draws/draw_detail.html",
        {
            "nav": NAV,
            "draw": draw,
            "plan": draw.plan,
            "rows": rows,
            "own": own,
            "result_form": forms.ResultForm(),
            "pending": sum(1 for r in rows if not r.outcome),
            "overdue": sum(1 for r in rows if r.result_overdue),
            "check": request.session.pop(f"draw-verify-{draw.pk}", None),
            "pool_size": sum(
                len(ids)
                for grades in draw.inputs.get("enterprises", {}).values()
                for ids in grades.values()
            ),
            "inspector_count": len(draw.inputs.get("inspectors", [])),
        },
    )


@login_required
@require_POST
def draw_recompute(request, draw_id: int):
    user = _regulator(request)
    draw = selectors.draw_get(user, draw_id)
    check = services.draw_verify(actor=user, draw_id=draw.pk)
    request.session[f"draw-verify-{draw.pk}"] = {
        "identical": check.identical,
        "difference": check.difference,
        "count": check.count,
    }
    return redirect(draw)


@login_required
@require_POST
def selection_result(request, draw_id: int, selection_id: int):
    user = _regulator(request)
    draw = selectors.draw_get(user, draw_id)
    form = forms.ResultForm(request.POST)
    if form.is_valid():
        try:
            services.selection_record_result(
                actor=user,
                selection_id=selection_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The outcome was recorded."))
        except DomainError as error:
            error_message(request, error)
    else:
        messages.error(request, _("Choose an outcome."))
    return redirect(draw)


@login_required
@require_POST
def draw_step(request, draw_id: int, step: str):
    user = _regulator(request)
    draw = selectors.draw_get(user, draw_id)
    try:
        if step == "complete":
            services.draw_complete(actor=user, draw_id=draw.pk)
            messages.success(request, _("The draw is completed; publish its results in time."))
        elif step == "publish":
            services.draw_publish_results(actor=user, draw_id=draw.pk)
            messages.success(request, _("The results were published."))
        else:
            raise NotFound()
    except DomainError as error:
        error_message(request, error)
    return redirect(draw)


# --- the item list and the inspector pool ------------------------------------------------------------


@login_required
def item_list(request):
    user = _regulator(request)
    may_edit = user.has_role(*services.ITEM_ADMINS)
    editing = (
        selectors.item_list(user, include_inactive=True)
        .filter(code=request.GET.get("code", ""))
        .first()
    )
    initial = (
        {
            "code": editing.code,
            "name": editing.name,
            "kind": editing.kind,
            "ratio": editing.ratio,
            "enterprise_kinds": editing.enterprise_kinds,
            "legal_basis": editing.legal_basis,
            "bureau_level": editing.bureau_level,
            "active": editing.active,
        }
        if editing
        else None
    )
    form = forms.ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("code")
        try:
            services.item_save(actor=user, code=code, **data)
        except DomainError as error:
            reraise_access(error)
            apply_errors(form, error)
        else:
            messages.success(request, _("The item %(code)s was saved.") % {"code": code})
            return redirect("inspection:item_list")
    return render(
        request,
        "inspection/draws/item_list.html",
        {
            "nav": NAV,
            "items": list(selectors.item_list(user, include_inactive=True)),
            "form": form,
            "may_edit": may_edit,
            "editing": editing,
        },
    )


@login_required
def inspector_pool(request):
    user = _regulator(request)
    people = selectors.inspector_pool(user, query=request.GET.get("q", "").strip()[:50])
    return render(
        request,
        "inspection/draws/inspector_pool.html",
        {
            "nav": NAV,
            "page": paginate(request, people, per_page=50),
            "query": request.GET.get("q", ""),
            "may_edit": user.has_role(*services.POOL_ADMINS),
        },
    )


@login_required
def inspector_edit(request, user_id: int):
    user = _regulator(request)
    inspector = selectors.inspector_get(user, user_id)
    profile = selectors.profile_of(inspector)
    initial = (
        {
            "qualifications": profile.qualifications,
            "lead_qualified": profile.lead_qualified,
            "available": profile.available,
            "unavailable_reason": profile.unavailable_reason,
        }
        if profile
        else {"available": True}
    )
    form = forms.ProfileForm(request.POST or None, initial=initial)
    conflict_form = forms.ConflictForm()
    if request.method == "POST" and request.POST.get("form") == "conflict":
        form = forms.ProfileForm(initial=initial)
        conflict_form = forms.ConflictForm(request.POST)
        if conflict_form.is_valid():
            data = conflict_form.cleaned_data
            enterprise = Enterprise.objects.filter(uscc=data["uscc"].strip().upper()).first()
            if enterprise is None:
                conflict_form.add_error("uscc", _("No enterprise has this code."))
            else:
                try:
                    services.conflict_declare(
                        actor=user,
                        inspector_id=inspector.pk,
                        enterprise_id=enterprise.pk,
                        kind=data["kind"],
                        note=data["note"],
                    )
                except DomainError as error:
                    reraise_access(error)
                    apply_errors(conflict_form, error)
                else:
                    messages.success(request, _("The conflict was recorded."))
                    return redirect("inspection:inspector_edit", user_id=inspector.pk)
    elif request.method == "POST" and form.is_valid():
        try:
            services.inspector_save(actor=user, user_id=inspector.pk, **form.cleaned_data)
        except DomainError as error:
            reraise_access(error)
            apply_errors(form, error)
        else:
            messages.success(request, _("The inspector's profile was saved."))
            return redirect("inspection:inspector_pool")
    return render(
        request,
        "inspection/draws/inspector_edit.html",
        {
            "nav": NAV,
            "inspector": inspector,
            "form": form,
            "conflict_form": conflict_form,
            "conflicts": list(inspector.declared_conflicts.select_related("enterprise")),
            "may_edit": user.has_role(*services.POOL_ADMINS),
            "is_self": user.pk == inspector.pk,
            "is_inspector": inspector.has_role(Role.INSPECTOR),
        },
    )
