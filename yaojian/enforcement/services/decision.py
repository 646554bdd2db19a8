"""The decision, its execution (payment, instalments, the court), closure and annulment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.enforcement import clock, workflows
from yaojian.enforcement.choices import (
    Discretion,
    PaymentMode,
    PublicationState,
)
from yaojian.enforcement.models import (
    Case,
    Payment,
)
from yaojian.enforcement.services.common import (
    PRIOR_PENALTY_YEARS,
    SOURCE,
    S,
    _deny,
    _event,
    _load,
    _money,
    _move,
    _next_number,
    _person,
    _require,
    _require_roles,
    _tell_party,
    _text,
    _timeline,
)
from yaojian.enforcement.services.penalty import _penalty
from yaojian.registry.choices import Severity
from yaojian.workbench import services as inbox

# --- the decision, its execution, closure, annulment ---------------------------------------------


def _prior_penalty(case: Case) -> bool:
    since = clock.today() - dt.timedelta(days=365 * PRIOR_PENALTY_YEARS)
    return (
        Case.objects.filter(enterprise=case.enterprise, decided_on__gte=since)
        .exclude(pk=case.pk)
        .exclude(status=S.ANNULLED)
        .filter(
            Q(fine__gt=0) | Q(warning=True) | Q(licence_revoked=True) | Q(public_criticism=True)
        )
        .exists()
    )


@audit.audited("enforcement.case.decide")
def case_decide(*, actor: Any, case_id: int, reasons: str, text: str = "", **penalty: Any) -> Case:
    """The decision (行政处罚决定书), or the decision not to punish.

    A penalty needs the rights notice first and the party's windows closed (or waived); it
    may not be heavier than the one notified (行政处罚法 第四十五条); mitigation below the
    minimum needs a leader; the first-offence exemption needs a first offence.
    """
    case = _load(actor, case_id)
    transition = workflows.check("decide", case.status)
    _require(actor, transition, case)
    values = _penalty(case, penalty)
    reasons = _text(reasons, "reasons", limit=20000)
    exempt = values["discretion"] == Discretion.EXEMPT
    today = clock.today()
    if not exempt:
        if not case.notified_on:
            raise ValidationFailed.field(
                "discretion",
                _(
                    "A penalty cannot be decided before the notice of the proposed penalty and of "
                    "the party's rights is served (行政处罚法 第四十四条)."
                ),
                code="rights_notice_missing",
            )
        if clock.windows_open(case, today):
            last = max(d for d in (case.statement_due, case.hearing_request_due) if d)
            raise ValidationFailed.field(
                "discretion",
                _(
                    "The party may state its case or request a hearing until %(date)s: decide "
                    "after that day, or record the party's written waiver."
                )
                % {"date": last},
                code="rights_window_open",
            )
        proposed = case.proposed_penalty or {}
        heavier = (
            values["fine"] > Decimal(proposed.get("fine") or 0)
            or values["confiscated_income"] > Decimal(proposed.get("confiscated_income") or 0)
            or (values["licence_revoked"] and not proposed.get("licence_revoked"))
        )
        if heavier:
            raise ValidationFailed.field(
                "fine",
                _(
                    "The decision cannot be heavier than the penalty notified to the party: serve a "
                    "new notice first (行政处罚法 第四十五条)."
                ),
            )
        if values["discretion"] == Discretion.MITIGATED and not actor.has_role(Role.LEADER):
            raise _deny(
                actor,
                "enforcement.case.decide",
                _("A penalty below the minimum (减轻) is decided by the bureau's leaders."),
                case,
            )
    elif _prior_penalty(case):
        raise ValidationFailed.field(
            "discretion",
            _("The party was penalised in the last %(years)d years: this is no first offence.")
            % {"years": PRIOR_PENALTY_YEARS},
        )
    case.provision, case.goods_value = values["provision"], values["goods_value"]
    for name in (
        "discretion",
        "fine",
        "confiscated_income",
        "confiscated_goods",
        "warning",
        "public_criticism",
        "licence_revoked",
    ):
        setattr(case, name, values[name])
    case.discretion_reasons = reasons
    case.decision_text = _text(text, "text", required=False, limit=50000)
    # the clock stops at the decision; open pauses (testing) end today
    case.pauses.filter(end__isnull=True).update(end=today)
    case.decided_on, case.decided_by = today, _person(actor)
    case.decision_days = (today - case.filed_on).days if case.filed_on else None
    current = clock.state(case)
    case.decision_number = _next_number(case.bureau, today.year, "罚")
    owed = case.fine + case.confiscated_income
    case.payment_mode = PaymentMode.PENDING if owed else PaymentMode.NOT_APPLICABLE
    case.payment_due = clock.payment_due(today) if owed else None
    if case.imposes_penalty:
        case.publication_state = PublicationState.DUE
        case.publication_due = clock.publication_due(today)
    _move(
        case,
        "decide",
        actor,
        note=reasons[:500],
        number=case.decision_number,
        on_time=bool(current and not current.overdue),
        fine=case.fine,
    )
    clock.refresh(case)
    case.save()

    def summary() -> str:
        outcome = (
            _("Fine %(fine)s yuan") % {"fine": f"{case.fine:,.2f}"}
            if case.fine
            else case.get_discretion_display()
        )
        return f"{case.title} · {outcome}"

    _timeline(
        case,
        "decided",
        lambda: _("Administrative penalty decided: %(number)s") % {"number": case.decision_number},
        summary,
        severity=Severity.ALERT if case.imposes_penalty else Severity.INFO,
    )
    _tell_party(
        case,
        lambda: _("Administrative penalty decision: %(number)s") % {"number": case.decision_number},
    )
    if case.publication_state == PublicationState.DUE:
        from django.urls import reverse

        inbox.todo_post(
            source=SOURCE,
            kind="case_publish",
            title=lambda: (
                _("Publish the penalty decision %(number)s") % {"number": case.decision_number}
            ),
            link=reverse("enforcement:case_detail", args=[case.pk]),
            bureau=case.bureau,
            role=Role.CASE_OFFICER,
            due_at=timezone.make_aware(dt.datetime.combine(case.publication_due, dt.time(17, 30))),
            obj=case,
        )
    return case


@audit.audited("enforcement.payment.record")
def payment_record(
    *, actor: Any, case_id: int, amount: Any, paid_on: dt.date | None = None, reference: str = ""
) -> Payment:
    _require_roles(actor, workflows.OFFICERS_OR_HEADS, "enforcement.payment.record")
    case = _load(actor, case_id)
    if case.status != S.DECIDED:
        raise ValidationFailed.field("amount", _("Payments are recorded on a decided case."))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationFailed.field("amount", _("Enter the amount paid."))
    if amount > case.outstanding:
        raise ValidationFailed.field(
            "amount",
            _("Only %(left)s yuan are outstanding.") % {"left": f"{case.outstanding:,.2f}"},
        )
    paid_on = paid_on or clock.today()
    if paid_on > clock.today() or paid_on < case.decided_on:
        raise ValidationFailed.field(
            "paid_on", _("The payment falls between the decision and today.")
        )
    payment = Payment.objects.create(
        case=case,
        amount=amount,
        paid_on=paid_on,
        reference=reference[:100],
        recorded_by=_person(actor),
    )
    before = case.paid_total
    case.paid_total += amount
    if case.outstanding == 0:
        case.payment_mode = PaymentMode.FULL
    case.save(update_fields=["paid_total", "payment_mode"])
    _event(
        case, "payment", case.status, case.status, actor, reference, amount=amount, paid_on=paid_on
    )
    audit.record(
        actor=actor,
        action="enforcement.payment.record",
        obj=case,
        changes={"before": {"paid_total": before}, "after": {"paid_total": case.paid_total}},
    )
    return payment


@audit.audited("enforcement.execution.set")
def execution_set(
    *, actor: Any, case_id: int, mode: str, note: str, until: dt.date | None = None
) -> Case:
    """Instalments or deferral approved by the bureau (行政处罚法 第六十六条), or an application
    to the court for enforcement after the payment time has passed (第七十二条)."""
    _require_roles(actor, workflows.HEADS, "enforcement.execution.set")
    case = _load(actor, case_id)
    note = _text(note, "note")
    if case.status != S.DECIDED or case.outstanding == 0:
        raise ValidationFailed.field("mode", _("Nothing is outstanding in this case."))
    if mode in (PaymentMode.INSTALMENTS, PaymentMode.DEFERRED):
        if until is None or until <= clock.today():
            raise ValidationFailed.field(
                "until", _("Set the new last day of payment, after today.")
            )
        case.payment_due = until
    elif mode == PaymentMode.COURT:
        if case.payment_due and clock.today() <= case.payment_due:
            raise ValidationFailed.field(
                "mode", _("The court is asked only after the time to pay has passed.")
            )
    else:
        raise ValidationFailed.field(
            "mode", _("Choose instalments, deferral or court enforcement.")
        )
    before = case.payment_mode
    case.payment_mode = mode
    case.save(update_fields=["payment_mode", "payment_due"])
    _event(case, "execution", case.status, case.status, actor, note, mode=mode, until=until)
    audit.record(
        actor=actor,
        action="enforcement.execution.set",
        obj=case,
        changes={"before": {"payment_mode": before}, "after": {"payment_mode": mode}},
    )
    return case


@audit.audited("enforcement.case.close")
def case_close(*, actor: Any, case_id: int, note: str = "") -> Case:
    """结案: the decision is executed (or the court asked to enforce it)."""
    case = _load(actor, case_id)
    workflows.check("close", case.status)
    if case.outstanding and case.payment_mode != PaymentMode.COURT:
        raise ValidationFailed.field(
            "note",
            _(
                "%(left)s yuan are still outstanding: record the payment or the court application first."
            )
            % {"left": f"{case.outstanding:,.2f}"},
        )
    case.closed_on = clock.today()
    case.closure_days = (case.closed_on - case.filed_on).days if case.filed_on else None
    _move(case, "close", actor, note=note)
    case.save()
    inbox.todos_close_for(case, kind="case_close", actor=_person(actor))
    _timeline(
        case,
        "closed",
        lambda: _("Penalty case closed: %(number)s") % {"number": case.number},
        severity=Severity.INFO,
    )
    return case


@audit.audited("enforcement.case.annul")
def case_annul(*, actor: Any, case_id: int, reason: str) -> Case:
    """The decision is annulled or changed (reconsideration, a court, the bureau's own review):
    its publication is withdrawn within 3 working days (信息公示规定)."""
    from yaojian.enforcement import publishing

    case = _load(actor, case_id)
    reason = _text(reason, "reason")
    case.annulled_on, case.annulment_reason = clock.today(), reason
    _move(case, "annul", actor, note=reason)
    if case.publication_state == PublicationState.PUBLISHED:
        case.publication_state = PublicationState.WITHDRAWAL_DUE
        case.withdrawal_due = clock.withdrawal_due(case.annulled_on)
    elif case.publication_state == PublicationState.DUE:
        case.publication_state = PublicationState.NONE
        inbox.todos_close_for(case, kind="case_publish", actor=_person(actor))
    case.save()
    if case.publication_state == PublicationState.WITHDRAWAL_DUE:
        publishing.withdraw(actor=actor, case=case, reason=reason)
    _timeline(
        case,
        "annulled",
        lambda: (
            _("Penalty decision annulled or changed: %(number)s") % {"number": case.decision_number}
        ),
        reason,
    )
    return case
