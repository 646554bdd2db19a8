"""Publication of penalty decisions on the government-service portal (信息公示).

市场监督管理行政处罚信息公示规定: a decision is published within 20 working days of being
made; it is shown for 3 months when it imposes only a warning or public criticism or a small
fine (较低数额罚款, here below the hearing thresholds), for 3 years otherwise; a decision that
is annulled or changed is withdrawn within 3 working days; a party may apply to stop the
showing early once it has been shown for a year and the penalty has been executed (信用修复),
the bureau deciding.

Personal data is masked: a natural person's name, resident ID numbers and mobile numbers never
appear in full (core.masking), whatever the officer typed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.audit import services as audit
from yaojian.core import masking
from yaojian.core.errors import ValidationFailed
from yaojian.core.texts import join_clauses
from yaojian.enforcement import clock, provisions, workflows
from yaojian.enforcement.choices import (
    PartyKind,
    PaymentMode,
    PublicationState,
    RemovalStatus,
    Status,
)
from yaojian.enforcement.models import Case, RemovalApplication

MINOR_MONTHS = 3
OTHER_MONTHS = 36
REMOVAL_AFTER_MONTHS = 12
ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx](?![0-9])"
)
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_minor(case: Case) -> bool:
    """Only a warning or public criticism, or a small fine (信息公示规定 第十四条)."""
    if case.licence_revoked or case.confiscated_goods:
        return False
    if provisions.is_large_fine(case.confiscated_income, case.party_kind):
        return False
    return not provisions.is_large_fine(case.fine, case.party_kind)


def display_until(case: Case, published_on: dt.date) -> dt.date:
    """The last day shown: 3 months or 3 years from publication (the day before the same date)."""
    months = MINOR_MONTHS if is_minor(case) else OTHER_MONTHS
    return add_months(published_on, months) - dt.timedelta(days=1)


def mask_text(text: str, case: Case) -> str:
    """The text as the public may read it: ID numbers, mobile numbers and a natural person's
    name masked."""
    text = ID_NUMBER.sub(lambda m: masking.mask_id_number(m.group(0)), text or "")
    text = MOBILE.sub(lambda m: masking.mask_phone(m.group(0)), text)
    if case.party_kind == PartyKind.NATURAL_PERSON and case.party_name:
        text = text.replace(case.party_name, masking.mask_name(case.party_name))
    return text


def public_party(case: Case) -> str:
    if case.party_kind == PartyKind.NATURAL_PERSON:
        return masking.mask_name(case.party_name)
    return case.party_name


def penalty_text(case: Case) -> str:
    """The penalty imposed, in the active language ("警告；罚款150,000.00元" or
    "Warning; Fine 150,000.00 yuan")."""
    parts = []
    if case.warning:
        parts.append(_("Warning"))
    if case.public_criticism:
        parts.append(_("Public criticism"))
    if case.fine:
        parts.append(_("Fine %(fine)s yuan") % {"fine": f"{case.fine:,.2f}"})
    if case.confiscated_income:
        parts.append(
            _("Illegal income of %(amount)s yuan confiscated")
            % {"amount": f"{case.confiscated_income:,.2f}"}
        )
    if case.confiscated_goods:
        parts.append(_("Confiscation of %(goods)s") % {"goods": case.confiscated_goods})
    if case.licence_revoked:
        parts.append(_("Licence revoked"))
    return join_clauses(parts)


def proposed_penalty_text(case: Case) -> str:
    """The penalty proposed in the notice, worded as a decided one would be."""
    proposed = case.proposed_penalty or {}
    shadow = Case(
        party_kind=case.party_kind,
        warning=bool(proposed.get("warning")),
        public_criticism=bool(proposed.get("public_criticism")),
        fine=Decimal(proposed.get("fine") or 0),
        confiscated_income=Decimal(proposed.get("confiscated_income") or 0),
        confiscated_goods=proposed.get("confiscated_goods") or "",
        licence_revoked=bool(proposed.get("licence_revoked")),
    )
    return penalty_text(shadow)


def summary_text(case: Case) -> str:
    """The public summary, in the active language: the party (masked) and the penalty."""
    return f"{public_party(case)} · {penalty_text(case)}"


def fields_of(case: Case) -> list[tuple[Any, Any]]:
    """The published rows: labels lazy, values plain or callables rendered per language."""
    provision = provisions.get(case.provision)
    rows = [
        (gettext_lazy("Decision number"), case.decision_number),
        (gettext_lazy("Party"), public_party(case)),
        (gettext_lazy("Unified social credit code"), case.enterprise.uscc),
    ]
    if case.party_kind == PartyKind.ORGANISATION:
        rows.append((gettext_lazy("Legal representative"), case.enterprise.legal_representative))
    rows += [
        (gettext_lazy("Violation"), mask_text(case.title, case)),
        (gettext_lazy("Facts"), mask_text(case.facts, case)),
        (gettext_lazy("Legal basis"), provision.label if provision else case.provision),
        (gettext_lazy("Penalty"), lambda: penalty_text(case)),
        (gettext_lazy("Decided by"), lambda: case.bureau.display_name),
        (gettext_lazy("Decided on"), case.decided_on.isoformat()),
    ]
    return rows


def _kind():
    from yaojian.portal.publications import Kind

    return Kind.PENALTY_DECISION


@audit.audited("enforcement.case.publish")
def case_publish(*, actor: Any, case_id: int) -> Case:
    """Publish the decision on the portal (due 20 working days after it)."""
    from yaojian.enforcement.services.common import _load, _require_roles, _timeline
    from yaojian.portal import publications
    from yaojian.workbench import services as inbox

    _require_roles(actor, workflows.OFFICERS_OR_HEADS, "enforcement.case.publish")
    case = _load(actor, case_id)
    if case.publication_state != PublicationState.DUE or case.status not in (
        Status.DECIDED,
        Status.CLOSED,
    ):
        raise ValidationFailed.field("publication", _("This decision is not awaiting publication."))
    today = clock.today()
    until = display_until(case, today)
    publications.publish(
        actor=actor,
        kind=_kind(),
        source=case,
        # texts as callables: the portal renders each in both of its languages
        title=lambda: (
            _("Administrative penalty decision: %(number)s") % {"number": case.decision_number}
        ),
        summary=lambda: summary_text(case),
        fields=fields_of(case),
        division_code=case.region_code,
        enterprise=case.enterprise,
        due_by=case.publication_due,
        display_until=until,
    )
    case.publication_state, case.published_on, case.display_until = (
        PublicationState.PUBLISHED,
        today,
        until,
    )
    case.save(update_fields=["publication_state", "published_on", "display_until"])
    from yaojian.enforcement.services.common import _event

    _event(
        case,
        "publish",
        case.status,
        case.status,
        actor,
        "",
        on_time=today <= case.publication_due,
        display_until=until,
    )
    audit.record(actor=actor, action="enforcement.case.publish", obj=case, detail=f"until {until}")
    inbox.todos_close_for(case, kind="case_publish", actor=actor)
    _timeline(
        case,
        "published",
        lambda: _("Penalty decision published: %(number)s") % {"number": case.decision_number},
        severity="info",
    )
    return case


def withdraw(*, actor: Any, case: Case, reason: str) -> None:
    """Withdraw the publication of an annulled or changed decision (inside the caller's
    transaction: the annulment and the withdrawal stand or fall together)."""
    from yaojian.enforcement.services.common import _event
    from yaojian.portal import publications

    publications.withdraw(actor=actor, kind=_kind(), source=case, reason=reason)
    today = clock.today()
    case.publication_state, case.withdrawn_on = PublicationState.WITHDRAWN, today
    case.save(update_fields=["publication_state", "withdrawn_on"])
    _event(
        case,
        "withdraw_publication",
        case.status,
        case.status,
        actor,
        reason,
        on_time=today <= case.withdrawal_due,
    )


def removal_allowed_from(case: Case) -> dt.date | None:
    if not case.published_on or is_minor(case):
        return None
    return add_months(case.published_on, REMOVAL_AFTER_MONTHS)


@audit.audited("enforcement.removal.apply")
def removal_apply(*, actor: Any, case_id: int, reason: str) -> RemovalApplication:
    """The party applies to stop showing its penalty before the 3 years end."""
    from yaojian.accounts.choices import EnterpriseRight, Role
    from yaojian.accounts.services import require_enterprise_right
    from yaojian.enforcement.services.common import _event, _load, _text
    from yaojian.workbench import services as inbox

    require_enterprise_right(actor, EnterpriseRight.RESPOND, action="enforcement.removal.apply")
    case = _load(actor, case_id)
    reason = _text(reason, "reason")
    if case.publication_state != PublicationState.PUBLISHED:
        raise ValidationFailed.field("reason", _("This decision is not shown on the portal."))
    earliest = removal_allowed_from(case)
    if earliest is None:
        raise ValidationFailed.field(
            "reason",
            _("A decision shown for 3 months is not removed early: its window is short already."),
        )
    if clock.today() < earliest:
        raise ValidationFailed.field(
            "reason",
            _("Early removal can be applied for from %(date)s (one year after publication).")
            % {"date": earliest},
        )
    if case.outstanding and case.payment_mode != PaymentMode.NOT_APPLICABLE:
        raise ValidationFailed.field("reason", _("Pay the penalty in full before applying."))
    if case.removal_applications.filter(status=RemovalStatus.PENDING).exists():
        raise ValidationFailed.field("reason", _("An application is being decided already."))
    application = RemovalApplication.objects.create(case=case, reason=reason, applied_by=actor)
    _event(case, "removal_apply", case.status, case.status, actor, reason)
    audit.record(actor=actor, action="enforcement.removal.apply", obj=case)
    inbox.todo_post(
        source="enforcement",
        kind="case_removal",
        title=lambda: (
            _("Decide an application for early removal: %(number)s")
            % {"number": case.decision_number}
        ),
        link=case.get_absolute_url(),
        bureau=case.bureau,
        role=Role.LEADER,
        obj=case,
    )
    return application


@audit.audited("enforcement.removal.decide")
def removal_decide(*, actor: Any, case_id: int, approve: bool, note: str) -> RemovalApplication:
    """The bureau approves (the publication is removed at once) or refuses, with reasons."""
    from yaojian.enforcement.services.common import _event, _load, _require_roles, _text
    from yaojian.portal import publications
    from yaojian.workbench import services as inbox

    _require_roles(actor, workflows.HEADS, "enforcement.removal.decide")
    case = _load(actor, case_id)
    note = _text(note, "note")
    application = case.removal_applications.filter(status=RemovalStatus.PENDING).first()
    if application is None:
        raise ValidationFailed.field("note", _("No application for early removal is pending."))
    application.status = RemovalStatus.APPROVED if approve else RemovalStatus.REFUSED
    application.decided_by, application.decided_at, application.decision_note = (
        actor,
        timezone.now(),
        note,
    )
    application.save()
    if approve:
        with transaction.atomic():
            publications.remove_early(actor=actor, kind=_kind(), source=case, reason=note)
        case.publication_state = PublicationState.REMOVED
        case.save(update_fields=["publication_state"])
    _event(case, "removal_decide", case.status, case.status, actor, note, approve=bool(approve))
    audit.record(
        actor=actor, action="enforcement.removal.decide", obj=case, detail=f"approve={approve}"
    )
    inbox.todos_close_for(case, kind="case_removal", actor=actor)
    return application
