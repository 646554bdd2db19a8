"""Laboratories and annual sampling plans."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.sampling import selectors, workflows
from yaojian.sampling.choices import Category, PlanStatus, Risk
from yaojian.sampling.models import Lab, Plan, PlanLine
from yaojian.sampling.services.common import full_clean, move_plan, next_number, person


@audit.audited("sampling.lab.save")
def lab_save(
    *,
    actor: Any,
    code: str,
    name: str,
    bureau_code: str,
    accreditation: str = "",
    address: str = "",
    active: bool = True,
) -> Lab:
    """Create or change a testing institute (system administrators and leaders)."""
    from yaojian.accounts.models import Bureau
    from yaojian.accounts.services import require_role

    require_role(actor, Role.SYSTEM_ADMIN, Role.LEADER, action="sampling.lab.save")
    bureau = Bureau.objects.filter(region_code=bureau_code).first()
    if bureau is None:
        raise ValidationFailed.field("bureau", _("No bureau has this division code."))
    lab = Lab.objects.filter(code=code).first() or Lab(code=code)
    lab.name, lab.bureau, lab.accreditation, lab.address, lab.active = (
        name,
        bureau,
        accreditation,
        address,
        active,
    )
    full_clean(lab)
    lab.save()
    audit.record(actor=actor, action="sampling.lab.save", obj=lab, detail=f"{code} {name}")
    return lab


def _clean_lines(lines: list[dict]) -> list[PlanLine]:
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    cleaned: list[PlanLine] = []
    for index, line in enumerate(lines or [], start=1):
        category, risk = str(line.get("category", "")), str(line.get("risk", ""))
        try:
            target = int(line.get("target", 0))
        except (TypeError, ValueError):
            target = 0
        if category not in Category.values:
            errors.append(_("Line %(n)d: choose a product category.") % {"n": index})
        elif risk not in Risk.values:
            errors.append(_("Line %(n)d: choose a risk level.") % {"n": index})
        elif target < 1 or target > 100_000:
            errors.append(
                _("Line %(n)d: the target is a number of batches from 1 to 100000.") % {"n": index}
            )
        elif (category, risk) in seen:
            errors.append(
                _("Line %(n)d: this category and risk level are already in the plan.")
                % {"n": index}
            )
        else:
            seen.add((category, risk))
            cleaned.append(
                PlanLine(
                    category=category,
                    risk=risk,
                    target=target,
                    note=str(line.get("note", "")).strip()[:300],
                )
            )
    if errors:
        raise ValidationFailed(errors[0], errors={"lines": errors})
    if not cleaned:
        raise ValidationFailed.field(
            "lines", _("A plan needs at least one target (category, risk level, batches).")
        )
    return cleaned


@audit.audited("sampling.plan.create")
def plan_create(*, actor: Any, year: int, title: str, lines: list[dict], basis: str = "") -> Plan:
    """A draft annual plan of the actor's bureau with its targets by category and risk."""
    from yaojian.accounts.services import require_role

    require_role(actor, *workflows.PLANNERS, action="sampling.plan.create")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationFailed.field("year", _("Enter a year such as 2026.")) from None
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        raise ValidationFailed.field(
            "year",
            _("A plan is made for last year, this year or next year (%(a)d–%(b)d).")
            % {"a": this_year - 1, "b": this_year + 1},
        )
    cleaned = _clean_lines(lines)
    bureau = actor.bureau
    plan = Plan(
        number=next_number(Plan, f"CJJH{year}{bureau.region_code}", 2),
        year=year,
        title=(title or "").strip(),
        basis=(basis or "").strip(),
        bureau=bureau,
        region_code=bureau.region_code,
        created_by=person(actor),
    )
    full_clean(plan)
    plan.save()
    for line in cleaned:
        line.plan = plan
    PlanLine.objects.bulk_create(cleaned)
    audit.record(
        actor=actor,
        action="sampling.plan.create",
        obj=plan,
        changes={"lines": [[ln.category, ln.risk, ln.target] for ln in cleaned]},
    )
    return plan


def _own_plan(actor: Any, plan_id: int, action: str) -> Plan:
    from yaojian.sampling.services.common import require_covers

    plan = selectors.plan_get(actor, plan_id)
    # a plan of the bureau above is read here, but only its own bureau changes it
    require_covers(actor, plan.region_code, action=action)
    return plan


@audit.audited("sampling.plan.set_lines")
def plan_set_lines(*, actor: Any, plan_id: int, lines: list[dict]) -> Plan:
    """Replace the targets of a draft plan."""
    from yaojian.accounts.services import require_role

    require_role(actor, *workflows.PLANNERS, action="sampling.plan.set_lines")
    plan = _own_plan(actor, plan_id, "sampling.plan.set_lines")
    if plan.status != PlanStatus.DRAFT:
        raise ValidationFailed.field("lines", _("Only a draft plan's targets can be changed."))
    cleaned = _clean_lines(lines)
    used = set(plan.tasks.values_list("category", "risk"))
    missing = used - {(ln.category, ln.risk) for ln in cleaned}
    if missing:
        raise ValidationFailed.field(
            "lines", _("Tasks exist for a target you removed; keep it in the plan.")
        )
    plan.lines.all().delete()
    for line in cleaned:
        line.plan = plan
    PlanLine.objects.bulk_create(cleaned)
    audit.record(
        actor=actor,
        action="sampling.plan.set_lines",
        obj=plan,
        changes={"lines": [[ln.category, ln.risk, ln.target] for ln in cleaned]},
    )
    return plan


@audit.audited("sampling.plan.transition")
def plan_transition(*, actor: Any, plan_id: int, action: str, note: str = "") -> Plan:
    """Submit, approve, return or close a plan (approval by an approver or leader)."""
    plan = _own_plan(actor, plan_id, f"sampling.plan.{action}")
    transition = workflows.check_plan(action, plan.status)
    workflows.require(actor, transition, plan, action=f"sampling.plan.{action}")
    note = (note or "").strip()
    if action == "return" and not note:
        raise ValidationFailed.field("note", _("Say what should change in the plan."))
    fields: list[str] = []
    if action == "approve":
        plan.approved_at, plan.approved_by_name = timezone.now(), actor.full_name or actor.username
        fields = ["approved_at", "approved_by_name"]
    move_plan(plan, action, actor, target=transition.target, note=note, fields=fields)
    return plan


def plan_progress(plan: Plan) -> list[dict[str, Any]]:
    """Per target line: tasks created, sampled, tested and failed against the target."""
    from django.db.models import Count, Q

    from yaojian.sampling.choices import Conclusion, TaskStatus

    counts = {
        (row["category"], row["risk"]): row
        for row in plan.tasks.order_by()
        .values("category", "risk")
        .annotate(
            tasks=Count("pk", filter=~Q(status=TaskStatus.CANCELLED)),
            sampled=Count("pk", filter=~Q(status__in=[TaskStatus.PLANNED, TaskStatus.CANCELLED])),
            tested=Count("pk", filter=~Q(conclusion="")),
            failed=Count("pk", filter=Q(conclusion=Conclusion.NON_CONFORMING)),
        )
    }
    rows = []
    for line in plan.lines.all():
        row = counts.get((line.category, line.risk), {})
        sampled = row.get("sampled", 0)
        rows.append(
            {
                "line": line,
                "tasks": row.get("tasks", 0),
                "sampled": sampled,
                "tested": row.get("tested", 0),
                "failed": row.get("failed", 0),
                "percent": min(100, round(100 * sampled / line.target)) if line.target else 0,
            }
        )
    return rows
