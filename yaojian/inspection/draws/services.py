"""Every write of the random draw: the item list, the inspector pool, plans, draws, results.

Each service runs in one transaction (`audit.audited`), validates with full_clean, records
an audit entry, and raises a DomainError naming the field and the reason on bad input, so
that nothing changes. A draw that cannot be made (empty pool, too few qualified inspectors,
ratios that cannot be met) is refused with the reason and audited as failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import Role, UserKind
from yaojian.accounts.models import User
from yaojian.audit import services as audit
from yaojian.core import clock, crypto, regions
from yaojian.core.errors import (
    Conflict,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from yaojian.core.scoping import get_visible
from yaojian.core.texts import join_items
from yaojian.inspection.draws import algorithm, workflows
from yaojian.inspection.draws.choices import (
    DEFAULT_GRADE_WEIGHTS,
    QUALIFICATION_FOR_KIND,
    DrawStatus,
    ItemKind,
    Outcome,
    PlanStatus,
)
from yaojian.inspection.draws.models import (
    Draw,
    DrawPlan,
    DrawSelection,
    InspectionItem,
    InspectorConflict,
    InspectorProfile,
    PlanEvent,
    PlanItem,
)
from yaojian.inspection.models import Inspection as FieldInspection
from yaojian.portal import publications
from yaojian.portal.publications import Kind
from yaojian.registry.choices import EnterpriseStatus, RiskGrade, TimelineKind
from yaojian.registry.models import Enterprise
from yaojian.registry.services.common import full_clean

RESULTS_WORKING_DAYS = 20  # 一公开: results published within 20 working days of completion
ITEM_ADMINS = (Role.SYSTEM_ADMIN, Role.LEADER)
POOL_ADMINS = (Role.LEADER, Role.APPROVER, Role.SYSTEM_ADMIN)


def _require_role(actor: Any, *roles: str, action: str) -> None:
    from yaojian.accounts.services import require_role

    require_role(actor, *roles, action=action)


def _person(actor: Any):
    return actor if getattr(actor, "pk", None) and hasattr(actor, "_meta") else None


def _name(actor: Any) -> str:
    return (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""


def _ratio(value: Any, field: str = "ratio") -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        ratio = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.field(field, _("Enter a percentage, e.g. 5 or 2.5.")) from None
    if not Decimal(0) < ratio <= Decimal(100):
        raise ValidationFailed.field(field, _("A ratio lies above 0 % and at most 100 %."))
    return ratio


# --- the inspection item list -------------------------------------------------------------------

ITEM_FIELDS = ["name", "kind", "ratio", "enterprise_kinds", "legal_basis", "bureau_level", "active"]


@audit.audited("inspection.item.save")
def item_save(*, actor: Any, code: str, **fields: Any) -> InspectionItem:
    """Create or change an item of the list (system administrators and leaders)."""
    _require_role(actor, *ITEM_ADMINS, action="inspection.item.save")
    code = (code or "").strip()
    if not code:
        raise ValidationFailed.field("code", _("An item needs a code."))
    item = InspectionItem.objects.filter(code=code).first() or InspectionItem(code=code)
    before = audit.snapshot(item, ITEM_FIELDS) if item.pk else {}
    for name, value in fields.items():
        if name not in ITEM_FIELDS:
            raise ValidationFailed.field(name, _("This field cannot be changed here."))
        setattr(item, name, _ratio(value) if name == "ratio" else value)
    if item.kind == ItemKind.KEY and "ratio" not in fields and not item.pk:
        item.ratio = None
    item.updated_at = timezone.now()
    full_clean(item)
    item.save()
    audit.record(
        actor=actor,
        action="inspection.item.save",
        obj=item,
        changes=audit.diff(before, audit.snapshot(item, ITEM_FIELDS)),
    )
    return item


# --- the inspector pool --------------------------------------------------------------------------


def _inspector(actor: Any, user_id: int) -> User:
    """A regulator with the inspector role inside the actor's jurisdiction (else 404)."""
    user = get_visible(
        User.objects.select_related("bureau").filter(kind=UserKind.REGULATOR), actor, pk=user_id
    )
    if not user.has_role(Role.INSPECTOR):
        raise ValidationFailed.field(
            "inspector", _("This account does not have the inspector role.")
        )
    return user


PROFILE_FIELDS = ["qualifications", "lead_qualified", "available", "unavailable_reason"]


@audit.audited("inspection.inspector.save")
def inspector_save(
    *,
    actor: Any,
    user_id: int,
    qualifications: list[str],
    lead_qualified: bool = False,
    available: bool = True,
    unavailable_reason: str = "",
) -> InspectorProfile:
    """Set an inspector's qualifications, lead qualification and availability."""
    _require_role(actor, *POOL_ADMINS, action="inspection.inspector.save")
    user = _inspector(actor, user_id)
    profile = InspectorProfile.objects.filter(user=user).first() or InspectorProfile(user=user)
    before = audit.snapshot(profile, PROFILE_FIELDS) if profile.pk else {}
    profile.qualifications = sorted(set(qualifications or []))
    profile.lead_qualified = bool(lead_qualified)
    profile.available = bool(available)
    profile.unavailable_reason = (unavailable_reason or "").strip() if not available else ""
    profile.updated_at = timezone.now()
    full_clean(profile)
    profile.save()
    audit.record(
        actor=actor,
        action="inspection.inspector.save",
        obj=profile,
        changes=audit.diff(before, audit.snapshot(profile, PROFILE_FIELDS)),
    )
    return profile


@audit.audited("inspection.conflict.declare")
def conflict_declare(
    *, actor: Any, inspector_id: int, enterprise_id: int, kind: str, note: str = ""
) -> InspectorConflict:
    """An inspector declares a conflict (or a leader records it for them)."""
    if not (getattr(actor, "is_regulator", False) and actor.pk == inspector_id):
        _require_role(actor, *POOL_ADMINS, action="inspection.conflict.declare")
    inspector = _inspector(actor, inspector_id)
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        raise ValidationFailed.field("enterprise", _("No such enterprise."))
    existing = InspectorConflict.objects.filter(
        inspector=inspector, enterprise=enterprise, kind=kind
    ).first()
    if existing:
        return existing
    conflict = InspectorConflict(
        inspector=inspector, enterprise=enterprise, kind=kind, note=(note or "").strip()
    )
    full_clean(conflict)
    conflict.save()
    audit.record(
        actor=actor,
        action="inspection.conflict.declare",
        obj=conflict,
        changes={"inspector": inspector.pk, "enterprise": enterprise.pk, "kind": kind},
    )
    return conflict


@audit.audited("inspection.conflict.remove")
def conflict_remove(*, actor: Any, conflict_id: int, reason: str) -> None:
    _require_role(actor, *POOL_ADMINS, action="inspection.conflict.remove")
    conflict = get_visible(InspectorConflict.objects.all(), actor, pk=conflict_id)
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Give the reason."))
    audit.record(
        actor=actor,
        action="inspection.conflict.remove",
        obj=conflict,
        changes={"inspector": conflict.inspector_id, "enterprise": conflict.enterprise_id},
        detail=reason.strip()[:500],
    )
    conflict.delete()


# --- plans ---------------------------------------------------------------------------------------

PLAN_FIELDS = ["title", "year", "team_size", "max_load", "notes", "grade_weights"]


def _weights(value: Any) -> dict[str, str]:
    weights = dict(DEFAULT_GRADE_WEIGHTS)
    for grade, weight in (value or {}).items():
        if grade not in RiskGrade.values:
            raise ValidationFailed.field("grade_weights", _("Unknown grade %(g)s.") % {"g": grade})
        try:
            number = Decimal(str(weight))
        except (InvalidOperation, ValueError):
            number = Decimal(-1)
        if not Decimal(0) < number <= Decimal(20):
            raise ValidationFailed.field(
                "grade_weights",
                _("The multiplier for grade %(g)s must lie above 0 and at most 20.") % {"g": grade},
            )
        weights[grade] = str(number.normalize())
    return {str(g): str(w) for g, w in weights.items()}


def _set_items(plan: DrawPlan, items: list[tuple[str, Any]]) -> None:
    """Replace the plan's items: (item code, ratio or None for the item's own)."""
    if not items:
        raise ValidationFailed.field("items", _("A plan lists at least one inspection item."))
    rows = []
    seen = set()
    for code, ratio in items:
        item = InspectionItem.objects.filter(code=code, active=True).first()
        if item is None:
            raise ValidationFailed.field(
                "items", _("%(code)s is not an item of the list in use.") % {"code": code}
            )
        if code in seen:
            raise ValidationFailed.field("items", _("%(code)s is listed twice.") % {"code": code})
        seen.add(code)
        if item.bureau_level != plan.bureau.level:
            raise ValidationFailed.field(
                "items",
                _("%(code)s is carried out by a %(level)s, not by this bureau.")
                % {"code": code, "level": item.get_bureau_level_display()},
            )
        value = _ratio(ratio, "items")
        if item.kind == ItemKind.GENERAL and value is None:
            value = item.ratio
        rows.append(PlanItem(plan=plan, item=item, ratio=value))
    plan.plan_items.all().delete()
    PlanItem.objects.bulk_create(rows)


def _plan_number(bureau, year: int) -> str:
    prefix = f"SSJ-{bureau.region_code}-{year}-"
    count = DrawPlan.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:02d}"


@audit.audited("inspection.plan.create")
def plan_create(
    *,
    actor: Any,
    year: int,
    title: str,
    items: list[tuple[str, Any]],
    grade_weights: dict | None = None,
    team_size: int = 2,
    max_load: int = 30,
    notes: str = "",
) -> DrawPlan:
    """A draft plan of the actor's own bureau."""
    _require_role(actor, *workflows.PLANNERS, action="inspection.plan.create")
    bureau = actor.bureau
    plan = DrawPlan(
        number=_plan_number(bureau, int(year or 0)),
        bureau=bureau,
        region_code=bureau.region_code,
        year=year,
        title=(title or "").strip(),
        grade_weights=_weights(grade_weights),
        team_size=team_size,
        max_load=max_load,
        notes=notes or "",
        created_by=_person(actor),
    )
    full_clean(plan)
    plan.save()
    _set_items(plan, items)
    _event(plan, "create", "", PlanStatus.DRAFT, actor)
    audit.record(
        actor=actor,
        action="inspection.plan.create",
        obj=plan,
        changes={"after": audit.snapshot(plan, PLAN_FIELDS)},
    )
    return plan


def _own_plan(actor: Any, plan_id: int, *, lock: bool = False) -> DrawPlan:
    queryset = DrawPlan.objects.select_related("bureau")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    plan = get_visible(queryset, actor, pk=plan_id)
    if actor.bureau_id != plan.bureau_id or not actor.has_role(*workflows.PLANNERS):
        from yaojian.accounts.services import record_denial

        record_denial(actor, action="inspection.plan.edit", detail=plan.number)
        raise PermissionDenied(_("Only a leader or approver of the plan's own bureau may do this."))
    return plan


@audit.audited("inspection.plan.update")
def plan_update(
    *, actor: Any, plan_id: int, items: list[tuple[str, Any]] | None = None, **fields: Any
) -> DrawPlan:
    plan = _own_plan(actor, plan_id, lock=True)
    if plan.status not in workflows.EDITABLE:
        raise TransitionNotAllowed(_("Only a draft or a returned plan can be changed."))
    before = audit.snapshot(plan, PLAN_FIELDS)
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise ValidationFailed.field(name, _("This field cannot be changed here."))
        setattr(plan, name, _weights(value) if name == "grade_weights" else value)
    full_clean(plan)
    plan.save()
    if items is not None:
        _set_items(plan, items)
    audit.record(
        actor=actor,
        action="inspection.plan.update",
        obj=plan,
        changes=audit.diff(before, audit.snapshot(plan, PLAN_FIELDS)),
    )
    return plan


def _event(plan: DrawPlan, action: str, source: str, target: str, actor: Any, note: str = ""):
    PlanEvent.objects.create(
        plan=plan,
        action=action,
        from_status=source,
        to_status=target,
        actor=_person(actor),
        actor_name=_name(actor),
        note=note,
    )


def _move(actor: Any, plan_id: int, action: str, note: str = "") -> DrawPlan:
    plan = get_visible(
        DrawPlan.objects.select_related("bureau").select_for_update(of=("self",)), actor, pk=plan_id
    )
    transition = workflows.check(action, plan.status)
    if not workflows.may(actor, transition, plan):
        from yaojian.accounts.services import record_denial

        record_denial(actor, action=f"inspection.plan.{action}", detail=plan.number)
        raise PermissionDenied(
            _("Only a leader or approver of the plan's own bureau may file it.")
            if transition.by == workflows.OWNER
            else _("Only a leader or approver of the bureau above may decide on a filed plan.")
        )
    source = plan.status
    plan.status = transition.target
    now = timezone.now()
    if action == "file":
        plan.filed_at, plan.return_reason = now, ""
    else:
        plan.decided_at, plan.decided_by = now, _person(actor)
        if action == "return":
            plan.return_reason = note
    plan.save()
    _event(plan, action, source, plan.status, actor, note)
    audit.record(
        actor=actor,
        action=f"inspection.plan.{action}",
        obj=plan,
        changes={"before": {"status": source}, "after": {"status": plan.status}},
        detail=note[:500],
    )
    return plan


@audit.audited("inspection.plan.file")
def plan_file(*, actor: Any, plan_id: int) -> DrawPlan:
    plan = _move(actor, plan_id, "file")
    if not plan.plan_items.exists():
        raise ValidationFailed.field("items", _("A plan lists at least one inspection item."))
    from yaojian.workbench import services as workbench

    workbench.todo_post(
        source="inspection",
        kind="inspection.plan.decide",
        title=lambda: (
            _("Decide on the random-inspection plan %(number)s") % {"number": plan.number}
        ),
        link=plan.get_absolute_url(),
        bureau=plan.bureau.parent if plan.bureau.parent_id else plan.bureau,
        role=Role.LEADER,
        obj=plan,
    )
    return plan


@audit.audited("inspection.plan.approve")
def plan_approve(*, actor: Any, plan_id: int) -> DrawPlan:
    """Approve a filed plan; it is published on the government-service portal at once."""
    plan = _move(actor, plan_id, "approve")
    from yaojian.workbench import services as workbench

    workbench.todos_close_for(plan, actor=_person(actor))
    publish_plan(actor=actor, plan=plan)
    return plan


@audit.audited("inspection.plan.return")
def plan_return(*, actor: Any, plan_id: int, reason: str) -> DrawPlan:
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Say why the plan is returned."))
    plan = _move(actor, plan_id, "return", reason.strip())
    from yaojian.workbench import services as workbench

    workbench.todos_close_for(plan, actor=_person(actor))
    return plan


def publish_plan(*, actor: Any, plan: DrawPlan):
    rows = [
        (
            f"{pi.item.code} {pi.item.name}",
            (gettext_lazy("all (key item)") if pi.ratio is None else f"{pi.ratio.normalize():f} %"),
        )
        for pi in plan.plan_items.select_related("item")
    ]
    weights = [f"{g}×{w}" for g, w in sorted(plan.grade_weights.items())]
    # texts as callables: the portal renders each in both of its languages
    return publications.publish(
        actor=actor,
        kind=Kind.DRAW_PLAN,
        source=plan,
        title=lambda: (
            _("%(bureau)s %(year)s “double random, one public” inspection plan (%(title)s)")
            % {"bureau": plan.bureau.display_name, "year": plan.year, "title": plan.title}
        ),
        summary=lambda: (
            _(
                "Items and sampling ratios of the plan; ratios are multiplied by the supervision "
                "grade (%(weights)s)."
            )
            % {"weights": join_items(weights)}
        ),
        fields=rows,
        division_code=plan.region_code,
    )


# --- draws ---------------------------------------------------------------------------------------


def build_inputs(
    plan: DrawPlan, *, region_code: str = "", before: Draw | None = None
) -> dict[str, Any]:
    """The exact inputs of a draw under `plan`, read from the registry and the pools now."""
    region = region_code or plan.region_code
    low, high = regions.jurisdiction_range(region)
    plan_low, plan_high = regions.jurisdiction_range(plan.region_code)
    items = []
    kinds: set[str] = set()
    for pi in plan.plan_items.select_related("item").order_by("item__code"):
        items.append(
            {
                "code": pi.item.code,
                "kind": pi.item.kind,
                "ratio": None if pi.ratio is None else f"{pi.ratio:.2f}",
                "kinds": sorted(pi.item.enterprise_kinds),
            }
        )
        kinds.update(pi.item.enterprise_kinds)
    pool: dict[str, dict[str, list[int]]] = {}
    enterprise_rows = (
        Enterprise.objects.filter(
            status=EnterpriseStatus.ACTIVE,
            kind__in=sorted(kinds),
            region_code__gte=low,
            region_code__lte=high,
        )
        .order_by("pk")
        .values_list("pk", "kind", "risk_grade")
    )
    for pk, kind, grade in enterprise_rows:
        pool.setdefault(kind, {}).setdefault(grade, []).append(pk)
    profiles = (
        InspectorProfile.objects.filter(
            available=True,
            user__is_active=True,
            user__kind=UserKind.REGULATOR,
            user__role_assignments__role=Role.INSPECTOR,
            user__bureau__region_code__gte=plan_low,
            user__bureau__region_code__lte=plan_high,
        )
        .order_by("user_id")
        .values_list("user_id", "qualifications", "lead_qualified")
    )
    inspectors = [[uid, sorted(quals), bool(lead)] for uid, quals, lead in profiles]
    inspector_ids = [row[0] for row in inspectors]
    conflicts = sorted(
        [i, e]
        for i, e in InspectorConflict.objects.filter(inspector_id__in=inspector_ids).values_list(
            "inspector_id", "enterprise_id"
        )
    )
    history = DrawSelection.objects.filter(
        enterprise__region_code__gte=low, enterprise__region_code__lte=high
    )
    if before is not None:
        history = history.filter(draw__drawn_at__lt=before.drawn_at)
    latest: dict[int, tuple[dt.datetime, list[int]]] = {}
    for enterprise_id, at, team in history.order_by(
        "enterprise_id", "-draw__drawn_at", "-draw_id"
    ).values_list("enterprise_id", "draw__drawn_at", "team"):
        latest.setdefault(enterprise_id, (at, sorted(team)))
    # inspections of any origin (complaints, licences...) count as "the last inspection" too
    field_teams: dict[tuple[int, int], tuple[int, dt.datetime, list[int]]] = {}
    inspections = FieldInspection.team.through.objects.filter(
        inspection__enterprise__region_code__gte=low,
        inspection__enterprise__region_code__lte=high,
    )
    if before is not None:
        inspections = inspections.filter(inspection__created_at__lt=before.drawn_at)
    for inspection_id, enterprise_id, at, user_id in inspections.values_list(
        "inspection_id", "inspection__enterprise_id", "inspection__created_at", "user_id"
    ):
        field_teams.setdefault((enterprise_id, inspection_id), (enterprise_id, at, []))[2].append(
            user_id
        )
    for enterprise_id, at, team in field_teams.values():
        if enterprise_id not in latest or at > latest[enterprise_id][0]:
            latest[enterprise_id] = (at, sorted(team))
    last_teams = {enterprise_id: team for enterprise_id, (_at, team) in latest.items()}
    return {
        "algorithm": algorithm.VERSION,
        "plan": plan.number,
        "region_code": region,
        "items": items,
        "weights": dict(sorted(plan.grade_weights.items())) or dict(DEFAULT_GRADE_WEIGHTS),
        "enterprises": {k: dict(sorted(v.items())) for k, v in sorted(pool.items())},
        "inspectors": inspectors,
        "conflicts": conflicts,
        "last_teams": sorted([e, t] for e, t in last_teams.items()),
        "team_size": plan.team_size,
        "max_load": plan.max_load,
        "qualification_for_kind": {
            str(k): str(v) for k, v in sorted(QUALIFICATION_FOR_KIND.items())
        },
    }


def _digest(value: Any) -> str:
    return crypto.sm3(algorithm.canonical(value))


def _failure(error: algorithm.DrawFailed) -> ValidationFailed:
    params = dict(error.params)
    if "enterprise" in params:
        enterprise = Enterprise.objects.filter(pk=params["enterprise"]).first()
        params["enterprise"] = f"{enterprise.name}（{enterprise.uscc}）" if enterprise else "?"
    message = _(error.message) % params if params else _(error.message)
    return ValidationFailed(message, code=f"draw_{error.code}", errors={"": [message]})


@audit.audited("inspection.draw.run")
def draw_run(
    *,
    actor: Any,
    plan_id: int,
    title: str = "",
    region_code: str = "",
    inspect_by: dt.date | None = None,
    seed: str | None = None,
) -> Draw:
    """Draw a batch under an approved plan: enterprises, teams, tasks and the publication.

    `seed` is for tests and recomputation only; a real draw takes 128 bits from `secrets`.
    """
    plan = _own_plan(actor, plan_id, lock=True)
    if plan.status != PlanStatus.APPROVED:
        raise TransitionNotAllowed(_("Only an approved plan can be drawn."))
    if region_code and not regions.contains(plan.region_code, region_code):
        raise ValidationFailed.field(
            "region_code", _("This division lies outside the plan's jurisdiction.")
        )
    today = timezone.localdate()
    inspect_by = inspect_by or dt.date(plan.year, 12, 31)
    if inspect_by < today:
        raise ValidationFailed.field("inspect_by", _("The inspections cannot be due in the past."))
    batch = (plan.draws.order_by("-batch").values_list("batch", flat=True).first() or 0) + 1
    inputs = build_inputs(plan, region_code=region_code)
    seed = seed or secrets.token_hex(16)
    try:
        result = algorithm.run(seed, inputs)
    except algorithm.DrawFailed as error:
        raise _failure(error) from None
    draw = Draw.objects.create(
        plan=plan,
        batch=batch,
        title=(title or "").strip() or _("Batch %(n)s") % {"n": batch},
        region_code=plan.region_code,
        seed=seed,
        algorithm=algorithm.VERSION,
        inputs=inputs,
        inputs_digest=_digest(inputs),
        result_digest=_digest(result),
        drawn_by=_person(actor),
        inspect_by=inspect_by,
    )
    selections = DrawSelection.objects.bulk_create(
        DrawSelection(
            draw=draw,
            position=position,
            enterprise_id=row["enterprise"],
            grade=row["grade"],
            items=row["items"],
            team=row["team"],
            lead_id=row["lead"],
        )
        for position, row in enumerate(result, start=1)
    )
    _schedule(actor, draw, selections)
    publish_draw(actor=actor, draw=draw)
    audit.record(
        actor=actor,
        action="inspection.draw.run",
        obj=draw,
        changes={
            "seed": seed,
            "algorithm": algorithm.VERSION,
            "inputs_digest": draw.inputs_digest,
            "result_digest": draw.result_digest,
            "selected": len(result),
        },
    )
    return draw


def _schedule(actor: Any, draw: Draw, selections: list[DrawSelection]) -> None:
    """The drawn inspections become field inspections (with their team) and facts on the files."""
    from yaojian.inspection.choices import Origin
    from yaojian.inspection.services import inspection_schedule
    from yaojian.registry.services.timeline import timeline_post

    enterprises = Enterprise.objects.in_bulk([s.enterprise_id for s in selections])
    people = User.objects.in_bulk({uid for s in selections for uid in s.team})
    for selection in selections:
        enterprise = enterprises[selection.enterprise_id]
        inspection = inspection_schedule(
            actor=actor,
            enterprise=enterprise,
            team=[people[uid] for uid in selection.team],
            lead=people[selection.lead_id],
            kind="",  # the checklist follows the enterprise's type
            origin=Origin.RANDOM_DRAW,
            origin_ref=f"{draw.number}#{selection.position}",
            due_date=draw.inspect_by,
        )
        selection.task_ref = inspection.number
        timeline_post(
            source="inspection",
            kind=TimelineKind.INSPECTION,
            title=lambda: _("Drawn for a random inspection (%(draw)s)") % {"draw": draw.number},
            # bound to this selection: a lambda in a loop would read the loop variable when called
            summary=lambda items=selection.items: (
                _("Items: %(items)s") % {"items": join_items(items)}
            ),
            enterprise=enterprise,
            link=draw.get_absolute_url(),
            obj=selection,
        )
    DrawSelection.objects.bulk_update(selections, ["task_ref"])


def publish_draw(*, actor: Any, draw: Draw):
    """一公开: the drawn enterprises (and, once recorded, the results) on the portal."""
    with_results = bool(draw.results_published_at or draw.status == DrawStatus.COMPLETED)
    rows = [
        (_drawn_enterprise(selection), _drawn_result(selection, with_results))
        for selection in draw.selections.select_related("enterprise").order_by("position")
    ]
    plan = draw.plan
    # texts as callables: the portal renders each in both of its languages
    return publications.publish(
        actor=actor,
        kind=Kind.DRAW_RESULT,
        source=draw,
        title=lambda: (
            _("%(bureau)s %(year)s “double random” inspection %(number)s %(title)s")
            % {
                "bureau": plan.bureau.display_name,
                "year": plan.year,
                "number": draw.number,
                "title": draw.title,
            }
        ),
        summary=lambda: (
            _(
                "%(count)s enterprises drawn on %(date)s. Seed %(seed)s, algorithm %(algorithm)s, "
                "SM3 of the inputs %(digest)s: the draw can be recomputed from its record."
            )
            % {
                "count": len(rows),
                "date": timezone.localtime(draw.drawn_at).date().isoformat(),
                "seed": draw.seed,
                "algorithm": draw.algorithm,
                "digest": draw.inputs_digest,
            }
        ),
        fields=rows,
        division_code=draw.region_code,
    )


def _drawn_enterprise(selection: DrawSelection) -> Callable[[], str]:
    enterprise = selection.enterprise
    return lambda: _("%(name)s (%(uscc)s)") % {"name": enterprise.name, "uscc": enterprise.uscc}


def _drawn_result(selection: DrawSelection, with_results: bool) -> Callable[[], str]:
    """The items drawn and, once recorded, the outcome and the day of the inspection."""

    def text() -> str:
        items = join_items(selection.items)
        if not with_results:
            return items
        outcome = str(selection.get_outcome_display())
        if selection.inspected_on:
            return _("%(items)s: %(outcome)s (%(date)s)") % {
                "items": items,
                "outcome": outcome,
                "date": selection.inspected_on.isoformat(),
            }
        return _("%(items)s: %(outcome)s") % {"items": items, "outcome": outcome}

    return text


def recorded_result(draw: Draw) -> list[dict[str, Any]]:
    kinds = dict(
        Enterprise.objects.filter(
            pk__in=draw.selections.values_list("enterprise_id", flat=True)
        ).values_list("pk", "kind")
    )
    rows = []
    for s in draw.selections.order_by("position").values(
        "enterprise_id", "grade", "items", "team", "lead_id"
    ):
        # the kind is the one in the inputs (the enterprise may have changed type since)
        rows.append(
            {
                "enterprise": s["enterprise_id"],
                "kind": _kind_in_inputs(draw.inputs, s["enterprise_id"], s["grade"])
                or kinds.get(s["enterprise_id"]),
                "grade": s["grade"],
                "items": s["items"],
                "lead": s["lead_id"],
                "team": s["team"],
            }
        )
    return rows


def _kind_in_inputs(inputs: dict, enterprise_id: int, grade: str) -> str | None:
    for kind, grades in inputs.get("enterprises", {}).items():
        if enterprise_id in grades.get(grade, ()):
            return kind
    return None


@dataclass(frozen=True)
class Verification:
    draw: Draw
    identical: bool
    difference: str
    count: int
    digest_ok: bool


@audit.audited("inspection.draw.verify")
def draw_verify(*, actor: Any, draw_id: int, scoped: bool = True) -> Verification:
    """Recompute a draw from its seed and recorded inputs; say whether it is identical.

    `scoped=False` is for the command line (the operator is not a regulator).
    """
    queryset = Draw.objects.select_related("plan")
    draw = get_visible(queryset, actor, pk=draw_id) if scoped else queryset.get(pk=draw_id)
    recorded = recorded_result(draw)
    digest_ok = _digest(draw.inputs) == draw.inputs_digest
    try:
        recomputed = algorithm.run(draw.seed, draw.inputs)
        difference = algorithm.first_difference(recorded, recomputed)
    except algorithm.DrawFailed as error:
        recomputed, difference = [], f"the recomputation failed: {error}"
    if not digest_ok:
        difference = difference or _("the recorded inputs do not match their SM3 digest")
    if not difference and _digest(recomputed) != draw.result_digest:
        difference = _("the result does not match the recorded SM3 digest")
    identical = not difference
    Draw.objects.filter(pk=draw.pk).update(verified_at=timezone.now(), verified_ok=identical)
    audit.record(
        actor=actor,
        action="inspection.draw.verify",
        obj=draw,
        outcome="success" if identical else "failed",
        detail=difference[:500] if difference else "identical",
    )
    return Verification(draw, identical, difference, len(recomputed), digest_ok)


def plan_verify(*, actor: Any, plan_id: int, scoped: bool = True) -> list[Verification]:
    plan = (
        get_visible(DrawPlan.objects.all(), actor, pk=plan_id)
        if scoped
        else DrawPlan.objects.get(pk=plan_id)
    )
    return [
        draw_verify(actor=actor, draw_id=draw.pk, scoped=scoped)
        for draw in plan.draws.order_by("batch")
    ]


# --- results and their publication -----------------------------------------------------------------


@audit.audited("inspection.selection.result")
def selection_record_result(
    *,
    actor: Any,
    selection_id: int,
    outcome: str,
    note: str = "",
    inspected_on: dt.date | None = None,
) -> DrawSelection:
    """The outcome of one drawn inspection (its lead, a member, or a planner of the bureau)."""
    queryset = DrawSelection.objects.select_related("draw__plan").select_for_update(of=("self",))
    selection = queryset.filter(pk=selection_id).first()
    on_team = bool(selection and getattr(actor, "pk", None) in selection.team)
    if not on_team:  # a team member from a county bureau works on a city draw
        selection = get_visible(queryset, actor, pk=selection_id)
    draw = selection.draw
    planner = actor.bureau_id == draw.plan.bureau_id and actor.has_role(*workflows.PLANNERS)
    if not (on_team or planner):
        from yaojian.accounts.services import record_denial

        record_denial(actor, action="inspection.selection.result", detail=str(selection))
        raise PermissionDenied(_("Only the team or a planner of the bureau may record the result."))
    if draw.status == DrawStatus.COMPLETED:
        raise TransitionNotAllowed(_("The draw is completed; its results can no longer change."))
    if outcome not in Outcome.values or outcome == Outcome.PENDING:
        raise ValidationFailed.field("outcome", _("Choose an outcome."))
    inspected_on = inspected_on or timezone.localdate()
    if inspected_on > timezone.localdate():
        raise ValidationFailed.field("inspected_on", _("The inspection cannot be in the future."))
    if inspected_on < timezone.localtime(draw.drawn_at).date():
        raise ValidationFailed.field("inspected_on", _("The inspection cannot precede the draw."))
    before = {"outcome": selection.outcome}
    selection.outcome, selection.outcome_note = outcome, (note or "").strip()[:300]
    selection.inspected_on = inspected_on
    selection.result_on = timezone.localdate()
    selection.save(update_fields=["outcome", "outcome_note", "inspected_on", "result_on"])
    audit.record(
        actor=actor,
        action="inspection.selection.result",
        obj=selection,
        changes={"before": before, "after": {"outcome": outcome}},
    )
    return selection


# the outcome of a field inspection (and its accepted rectification) → the selection's result
INSPECTION_RESULTS = {
    "pass": Outcome.PASS,
    "rectify": Outcome.RECTIFY,
    "refer": Outcome.REFER,
    "rectified": Outcome.RECTIFIED,
}


def selection_record_inspection(
    *, actor: Any, inspection: FieldInspection, result: str
) -> DrawSelection | None:
    """Copy the result of a field inspection scheduled by a draw onto the draw's selection.

    The inspection services call this, inside their own transaction, when an inspection
    reaches an outcome (`result` "pass", "rectify" or "refer") and when its rectification is
    accepted ("rectified"); they have already checked that the actor may take that step, so
    nothing more is asked of the actor here. An inspection that no draw scheduled changes
    nothing (returns None). The selection keeps the date of the inspection on site
    (`inspected_on`, which the draw's completion and its 20-working-day clock use) and the date
    the result was recorded (`result_on`). Results already published on the portal are
    published again with the new result.
    """
    from yaojian.inspection.choices import Origin

    if inspection.origin != Origin.RANDOM_DRAW or not inspection.number:
        return None
    outcome = INSPECTION_RESULTS.get(result)
    if outcome is None:
        raise ValueError(f"unknown inspection result {result!r}")
    selection = (
        DrawSelection.objects.select_for_update(of=("self",))
        .select_related("draw__plan__bureau")
        .filter(enterprise_id=inspection.enterprise_id, task_ref=inspection.number)
        .first()
    )
    if selection is None:
        return None
    draw = selection.draw
    today = timezone.localdate()
    on_site = (
        timezone.localtime(inspection.submitted_at).date() if inspection.submitted_at else today
    )
    drawn_on = timezone.localtime(draw.drawn_at).date()
    before = {
        "outcome": selection.outcome,
        "inspected_on": selection.inspected_on,
        "result_on": selection.result_on,
    }
    selection.outcome = outcome
    selection.inspected_on = min(max(on_site, drawn_on), today)
    selection.result_on = today
    selection.outcome_note = (
        _("Field inspection %(number)s; rectification accepted on %(date)s.")
        % {"number": inspection.number, "date": today.isoformat()}
        if outcome == Outcome.RECTIFIED
        else _("Field inspection %(number)s.") % {"number": inspection.number}
    )[:300]
    selection.save(update_fields=["outcome", "outcome_note", "inspected_on", "result_on"])
    audit.record(
        actor=actor,
        action="inspection.selection.result",
        obj=selection,
        changes={
            "before": before,
            "after": {
                "outcome": outcome,
                "inspected_on": selection.inspected_on,
                "result_on": today,
            },
            "inspection": inspection.number,
        },
    )
    if draw.results_published_at:
        with contextlib.suppress(Conflict):  # a withdrawn or removed publication stays so
            publish_draw(actor=actor, draw=draw)
    return selection


@audit.audited("inspection.draw.complete")
def draw_complete(*, actor: Any, draw_id: int) -> Draw:
    """Every drawn inspection has its outcome: the 20-working-day publication clock starts."""
    draw = get_visible(Draw.objects.select_related("plan__bureau"), actor, pk=draw_id)
    _own_plan(actor, draw.plan_id)
    if draw.status != DrawStatus.DRAWN:
        raise TransitionNotAllowed(_("The draw is already completed."))
    pending = draw.selections.filter(outcome=Outcome.PENDING).count()
    if pending:
        raise ValidationFailed.field(
            "outcome",
            _("%(n)s drawn inspections have no outcome yet.") % {"n": pending},
        )
    last = max(draw.selections.values_list("inspected_on", flat=True))
    draw.status = DrawStatus.COMPLETED
    draw.completed_on = last
    draw.results_due = clock.add_days(last, RESULTS_WORKING_DAYS, clock.WORKING)
    draw.save(update_fields=["status", "completed_on", "results_due"])
    audit.record(
        actor=actor,
        action="inspection.draw.complete",
        obj=draw,
        changes={"completed_on": last, "results_due": draw.results_due},
    )
    return draw


@audit.audited("inspection.draw.publish_results")
def draw_publish_results(*, actor: Any, draw_id: int) -> Draw:
    draw = get_visible(Draw.objects.select_related("plan__bureau"), actor, pk=draw_id)
    _own_plan(actor, draw.plan_id)
    if draw.status != DrawStatus.COMPLETED:
        raise TransitionNotAllowed(_("Results are published once every inspection is completed."))
    draw.results_published_at = timezone.now()
    draw.save(update_fields=["results_published_at"])
    publish_draw(actor=actor, draw=draw)
    on_time = timezone.localdate() <= draw.results_due
    audit.record(
        actor=actor,
        action="inspection.draw.publish_results",
        obj=draw,
        changes={"results_due": draw.results_due, "on_time": on_time},
    )
    return draw


def overdue_draws() -> Q:
    """Draws whose results are late (completed, unpublished, past the 20 working days)."""
    return Q(
        status=DrawStatus.COMPLETED,
        results_published_at__isnull=True,
        results_due__lt=timezone.localdate(),
    )
