"""What the services of the penalty cases share: refusals, the history row and the audit of
a transition, loading a case in scope, the enterprise file, numbers of cases and decisions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.accounts.models import Bureau, User
from yaojian.audit import services as audit
from yaojian.core import crypto, regions
from yaojian.core.errors import PermissionDenied, ValidationFailed
from yaojian.core.texts import join_items
from yaojian.enforcement import clock, workflows
from yaojian.enforcement.choices import (
    Status,
)
from yaojian.enforcement.models import (
    Case,
    CaseEvent,
    party_id_context,
)
from yaojian.registry.choices import Severity, TimelineKind
from yaojian.registry.services.people import id_number_hash
from yaojian.workbench import services as inbox

S = Status
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_COLLECTIVE_EXTENSION = 180
PRIOR_PENALTY_YEARS = 2  # 首违: no penalty decided against the party in this many years
SOURCE = "enforcement"


# --- helpers ----------------------------------------------------------------------------------


def store_party_id_number(case: Case, number: str) -> None:
    """Keep a (validated) party ID number SM4-encrypted, with the registry's keyed hash that
    finds the case again; an empty number clears both."""
    if not number:
        case.party_id_number_enc = case.party_id_number_hash = ""
        return
    case.party_id_number_hash = id_number_hash(number)
    case.party_id_number_enc = crypto.sm4_encrypt(
        number, context=party_id_context(case.party_id_number_hash)
    )


def _person(actor: Any):
    return actor if getattr(actor, "pk", None) and hasattr(actor, "_meta") else None


def _name(actor: Any) -> str:
    return (getattr(actor, "full_name", "") or getattr(actor, "username", "")) if actor else ""


def _deny(actor: Any, action: str, message: str, obj: Any = None) -> PermissionDenied:
    """A refusal, recorded in its own transaction so that it survives the rollback."""
    with transaction.atomic():
        audit.record_denied(actor, action, detail=str(message), **({"obj": obj} if obj else {}))
    return PermissionDenied(message)


def _covers(actor: Any, region_code: str) -> bool:
    return bool(getattr(actor, "is_regulator", False) and actor.scope.covers_region(region_code))


def _require(actor: Any, transition: workflows.Transition, case: Case | None = None) -> None:
    if not workflows.may(actor, transition):
        roles = join_items(str(Role(r).label) for r in transition.roles) or transition.right
        raise _deny(
            actor,
            f"enforcement.case.{transition.action}",
            _("“%(action)s” needs the role: %(roles)s.")
            % {"action": transition.label, "roles": roles},
            case,
        )


def _require_roles(actor: Any, roles, action: str, case: Case | None = None) -> None:
    if not (getattr(actor, "is_regulator", False) and actor.has_role(*roles)):
        names = join_items(str(Role(r).label) for r in roles)
        raise _deny(actor, action, _("This needs the role: %(roles)s.") % {"roles": names}, case)


def _event(case: Case, action: str, before: str, after: str, actor: Any, note: str = "", **data):
    return CaseEvent.objects.create(
        case=case,
        action=action,
        from_status=before,
        to_status=after,
        actor=_person(actor),
        actor_name=_name(actor) or "system",
        note=note,
        data=audit.jsonable(data),
    )


def _load(actor: Any, case_id: int, *, lock: bool = True) -> Case:
    """The case if this regulator's jurisdiction covers it (or it is being transferred to them)
    or, for an enterprise, if it is theirs and visible to the party; else NotFound."""
    from yaojian.enforcement import selectors

    case = selectors.case_get(actor, case_id)
    if lock:
        case = (
            Case.objects.select_for_update()
            .select_related("enterprise", "bureau", "source")
            .get(pk=case.pk)
        )
    return case


def _move(
    case: Case,
    action: str,
    actor: Any,
    *,
    note: str = "",
    audit_changes: dict | None = None,
    **data,
) -> CaseEvent:
    transition = workflows.check(action, case.status)
    _require(actor, transition, case)
    if transition.by == workflows.REGULATOR and not workflows.in_charge(actor, transition, case):
        raise _deny(
            actor,
            f"enforcement.case.{action}",
            _("Only the receiving bureau can take this step: %(action)s.")
            % {"action": transition.label}
            if transition.bureau == workflows.RECEIVING
            else _("This case lies outside your bureau's jurisdiction."),
            case,
        )
    before = case.status
    case.status = workflows.target(transition, _left_from(case, transition.undoes))
    case.updated_at = timezone.now()
    clock.refresh(case)
    event = _event(case, action, before, case.status, actor, note, **data)
    audit.record(
        actor=actor,
        action=f"enforcement.case.{action}",
        obj=case,
        changes={
            "before": {"status": before},
            "after": {"status": case.status},
            **(audit_changes or {}),
        },
        detail=note[:500],
    )
    return event


def _left_from(case: Case, action: str) -> str:
    """The state the case was in when `action` was last taken (its history), "" if never."""
    if not action:
        return ""
    events = case.events.filter(action=action).order_by("-pk")
    return events.values_list("from_status", flat=True).first() or ""


def _timeline(
    case: Case,
    kind_suffix: str,
    title: inbox.Text,
    summary: inbox.Text = "",
    severity=Severity.WARNING,
):
    """Put the fact on the enterprise's file (one event per step and case); texts as
    `timeline_post` takes them, so that each reader of the file reads their own language."""
    from yaojian.registry.services import timeline_post

    timeline_post(
        source=SOURCE,
        kind=TimelineKind.PENALTY,
        title=title,
        summary=summary,
        enterprise=case.enterprise,
        link=case.get_absolute_url(),
        obj=_TimelineKey(case, kind_suffix),
        severity=severity,
    )


class _TimelineKey:
    """Makes each step of a case its own fact on the file (timeline_post de-duplicates by
    kind and object): the case's label with the step as a suffix of its id."""

    class _Meta:
        label_lower = "enforcement.case"

    _meta = _Meta()

    def __init__(self, case: Case, suffix: str) -> None:
        self.pk = f"{case.pk}:{suffix}"


def _tell_party(case: Case, subject: inbox.Text, body: inbox.Text = "") -> None:
    """Tell the party's accounts that may respond; texts as `inbox.notify` takes them."""
    from django.urls import reverse

    link = reverse("enforcement:my_case", args=[case.pk])
    from yaojian.accounts.choices import EnterpriseRight

    # rendered in every language once, not once per account
    subject, body = inbox.each_language(subject), inbox.each_language(body)
    for user in User.objects.filter(enterprise=case.enterprise, is_active=True):
        if not user.has_enterprise_right(EnterpriseRight.RESPOND):
            continue
        inbox.notify(user, source=SOURCE, subject=subject, body=body, link=link)


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.field(field, _("Enter an amount in yuan.")) from None
    if amount < 0:
        raise ValidationFailed.field(field, _("An amount cannot be negative."))
    if amount >= Decimal("1e12"):
        raise ValidationFailed.field(field, _("This amount is too large."))
    return amount


def _text(value: str, field: str, *, required: bool = True, limit: int = 5000) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationFailed.field(field, _("This field is required."))
    if len(value) > limit:
        raise ValidationFailed.field(field, _("At most %(limit)d characters.") % {"limit": limit})
    return value


def competent_bureau(region_code: str) -> Bureau:
    """The county bureau of a division, or the nearest bureau above it that exists."""
    code = region_code
    while code:
        bureau = Bureau.objects.filter(region_code=code).first()
        if bureau:
            return bureau
        region = regions.get(code)
        code = region.parent_code if region else ""
    raise ValidationFailed.field("enterprise", _("No bureau covers the enterprise's division."))


def _abbreviation(bureau: Bureau) -> str:
    if bureau.level == "province":
        return "赣药监"
    region = regions.get(bureau.region_code)
    name = region.name if region else bureau.name
    for suffix in ("自治县", "市", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            name = name[: -len(suffix)]
            break
    return f"{name}市监"


def _next_number(bureau: Bureau, year: int, kind: str) -> str:
    """立案号 "东湖市监药立〔2026〕3号" / 决定书文号 "东湖市监药罚〔2026〕3号", in sequence per
    bureau and year (the bureau's row is locked while the number is taken)."""
    Bureau.objects.select_for_update().get(pk=bureau.pk)
    field = "number" if kind == "立" else "decision_number"
    prefix = f"{_abbreviation(bureau)}药{kind}〔{year}〕"
    taken = Case.objects.filter(**{f"{field}__startswith": prefix}).values_list(field, flat=True)
    serial = max(
        (int(n[len(prefix) : -1]) for n in taken if n[len(prefix) : -1].isdigit()), default=0
    )
    return f"{prefix}{serial + 1}号"
