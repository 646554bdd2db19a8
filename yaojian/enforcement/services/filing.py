"""Clues (线索), filing (立案) and transfer to the competent bureau (移送)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.accounts.models import Bureau, User
from yaojian.audit import services as audit
from yaojian.core import regions
from yaojian.core.errors import ValidationFailed
from yaojian.enforcement import clock, provisions, workflows
from yaojian.enforcement.choices import (
    PartyKind,
    SourceKind,
    SourceStatus,
)
from yaojian.enforcement.models import (
    Case,
    CaseSource,
)
from yaojian.enforcement.services.common import (
    SOURCE,
    S,
    _covers,
    _deny,
    _event,
    _load,
    _money,
    _move,
    _name,
    _next_number,
    _person,
    _require,
    _require_roles,
    _text,
    _timeline,
    competent_bureau,
    store_party_id_number,
)
from yaojian.registry.models import Enterprise
from yaojian.workbench import services as inbox

# --- clues (线索) -------------------------------------------------------------------------------


@audit.audited("enforcement.source.register")
def case_register_source(
    *,
    actor: Any,
    enterprise: Enterprise,
    source_kind: str,
    source_ref: str,
    summary: str,
    found_on: dt.date | None = None,
) -> CaseSource:
    """A clue awaiting the filing decision, with a to-do to the case officers of the
    enterprise's county bureau; the decision is due 15 working days after `found_on`.

    A regulator may register a clue about an enterprise of its jurisdiction; a referral from
    another bureau (`referral`) is how a clue outside it reaches the competent bureau.
    """
    if source_kind not in SourceKind.values:
        raise ValidationFailed.field("source_kind", _("Unknown source of a case."))
    summary = _text(summary, "summary")
    source_ref = (source_ref or "")[:100]
    if not isinstance(enterprise, Enterprise) or not enterprise.pk:
        raise ValidationFailed.field("enterprise", _("Choose an enterprise of the register."))
    if (
        getattr(actor, "is_regulator", False)
        and source_kind != SourceKind.REFERRAL
        and not _covers(actor, enterprise.region_code)
    ):
        raise _deny(
            actor,
            "enforcement.source.register",
            _(
                "The enterprise lies outside your bureau's jurisdiction: refer the clue to the "
                "competent bureau instead."
            ),
        )
    found_on = found_on or clock.today()
    if found_on > clock.today():
        raise ValidationFailed.field("found_on", _("The date cannot lie in the future."))
    bureau = competent_bureau(enterprise.region_code)
    source = CaseSource(
        kind=source_kind,
        ref=source_ref,
        summary=summary,
        enterprise=enterprise,
        bureau=bureau,
        region_code=bureau.region_code,
        found_on=found_on,
        decide_by=clock.filing_due(found_on),
        registered_by=_person(actor),
        registered_by_name=_name(actor) or "system",
    )
    source.full_clean()
    source.save()
    audit.record(
        actor=actor,
        action="enforcement.source.register",
        obj=source,
        detail=f"{source_kind} {source_ref} {enterprise.uscc}",
    )
    _source_todo(source)
    return source


def _source_todo(source: CaseSource) -> None:
    from django.urls import reverse

    inbox.todo_post(
        source=SOURCE,
        kind="case_source",
        title=lambda: (
            _("Decide whether to file a case: %(enterprise)s")
            % {"enterprise": source.enterprise.name}
        ),
        body=source.summary[:500],
        link=reverse("enforcement:source_detail", args=[source.pk]),
        bureau=source.bureau,
        role=Role.CASE_OFFICER,
        due_at=timezone.make_aware(dt.datetime.combine(source.decide_by, dt.time(17, 30))),
        obj=source,
    )


def _load_source(actor: Any, source_id: int) -> CaseSource:
    from yaojian.enforcement import selectors

    source = selectors.source_get(actor, source_id)
    return (
        CaseSource.objects.select_for_update()
        .select_related("enterprise", "bureau")
        .get(pk=source.pk)
    )


@audit.audited("enforcement.source.extend")
def source_extend(*, actor: Any, source_id: int, reason: str) -> CaseSource:
    """15 more working days for the filing decision, once, with the head's approval."""
    _require_roles(actor, workflows.HEADS, "enforcement.source.extend")
    source = _load_source(actor, source_id)
    reason = _text(reason, "reason")
    if source.status != SourceStatus.PENDING:
        raise ValidationFailed.field("status", _("The filing decision has been taken already."))
    if source.extended:
        raise ValidationFailed.field("reason", _("The 15 working days can be extended once only."))
    if clock.today() > source.decide_by:
        raise ValidationFailed.field(
            "reason", _("The time for the filing decision has run out; it cannot be extended now.")
        )
    before = source.decide_by
    source.extended, source.extension_reason = True, reason
    source.decide_by = clock.filing_due(source.found_on, extended=True)
    source.save(update_fields=["extended", "extension_reason", "decide_by"])
    audit.record(
        actor=actor,
        action="enforcement.source.extend",
        obj=source,
        changes={"before": {"decide_by": before}, "after": {"decide_by": source.decide_by}},
    )
    return source


@audit.audited("enforcement.source.decline")
def source_decline(*, actor: Any, source_id: int, reasons: str) -> CaseSource:
    """Decide not to file (不予立案), with the reasons."""
    _require_roles(actor, workflows.HEADS, "enforcement.source.decline")
    source = _load_source(actor, source_id)
    reasons = _text(reasons, "reasons")
    if source.status != SourceStatus.PENDING:
        raise ValidationFailed.field("status", _("The filing decision has been taken already."))
    source.status, source.decided_on, source.decision_note = (
        SourceStatus.NOT_FILED,
        clock.today(),
        reasons,
    )
    source.save(update_fields=["status", "decided_on", "decision_note"])
    inbox.todos_close_for(source, actor=_person(actor))
    audit.record(actor=actor, action="enforcement.source.decline", obj=source, detail=reasons[:500])
    return source


# --- filing (立案) --------------------------------------------------------------------------------


def _officers(actor: Any, region_code: str, officer_ids) -> list[User]:
    ids = {int(i) for i in officer_ids or () if str(i).isdigit()}
    if len(ids) < 2:
        raise ValidationFailed.field(
            "officers", _("Assign at least two case officers (程序规定 第二十条).")
        )
    officers = list(User.objects.filter(pk__in=ids, is_active=True).select_related("bureau"))
    wrong = [
        u
        for u in officers
        if not (
            u.is_regulator and u.has_role(Role.CASE_OFFICER) and u.scope.covers_region(region_code)
        )
    ]
    if len(officers) != len(ids) or wrong:
        raise ValidationFailed.field(
            "officers",
            _("Every officer must be an active case officer whose jurisdiction covers the case."),
        )
    return officers


@audit.audited("enforcement.case.propose")
def case_propose(
    *,
    actor: Any,
    source_id: int,
    title: str,
    facts: str = "",
    officer_ids=(),
    party_kind: str = PartyKind.ORGANISATION,
    party_name: str = "",
    party_id_number: str = "",
    provision: str = "",
    goods_value: Any = None,
) -> Case:
    """The case officer proposes filing a case on a clue; a head of the bureau approves."""
    transition = workflows.check("propose", "")
    _require(actor, transition)
    source = _load_source(actor, source_id)
    enterprise = source.enterprise
    if not _covers(actor, enterprise.region_code):
        raise _deny(
            actor,
            "enforcement.case.propose",
            _(
                "The enterprise lies outside your bureau's jurisdiction: you cannot file a case "
                "against it. Transfer the clue to the competent bureau."
            ),
            source,
        )
    if source.status != SourceStatus.PENDING:
        raise ValidationFailed.field("status", _("The filing decision has been taken already."))
    title = _text(title, "title", limit=200)
    if party_kind not in PartyKind.values:
        raise ValidationFailed.field("party_kind", _("Choose the kind of party."))
    party_id_number = (party_id_number or "").strip().upper()
    if party_kind == PartyKind.NATURAL_PERSON and party_id_number:
        from stdnum.cn import ric

        if not ric.is_valid(party_id_number):
            raise ValidationFailed.field(
                "party_id_number", _("This is not a valid resident ID number.")
            )
    elif party_id_number:
        raise ValidationFailed.field(
            "party_id_number", _("An ID number is recorded for natural persons only.")
        )
    if provision and provisions.get(provision) is None:
        raise ValidationFailed.field("provision", _("Unknown legal provision."))
    officers = _officers(actor, source.region_code, officer_ids)
    case = Case(
        source=source,
        source_kind=source.kind,
        enterprise=enterprise,
        bureau=source.bureau,
        region_code=source.region_code,
        title=title,
        facts=_text(facts, "facts", required=False, limit=20000),
        party_kind=party_kind,
        party_name=_text(party_name, "party_name", required=False, limit=200) or enterprise.name,
        provision=provision,
        goods_value=_money(goods_value, "goods_value") if goods_value not in (None, "") else None,
        proposed_by=_person(actor),
    )
    store_party_id_number(case, party_id_number)
    case.full_clean()
    case.save()
    case.officers.set(officers)
    source.status = SourceStatus.PROPOSED
    source.save(update_fields=["status"])
    _event(case, "propose", "", S.PROPOSED, actor, officers=[u.pk for u in officers])
    audit.record(actor=actor, action="enforcement.case.propose", obj=case, detail=title[:200])
    from django.urls import reverse

    inbox.todos_close_for(source, actor=_person(actor))
    inbox.todo_post(
        source=SOURCE,
        kind="case_filing",
        title=lambda: _("Approve the filing of a case: %(title)s") % {"title": title},
        link=reverse("enforcement:case_detail", args=[case.pk]),
        bureau=case.bureau,
        role=Role.LEADER,
        due_at=timezone.make_aware(dt.datetime.combine(source.decide_by, dt.time(17, 30))),
        obj=case,
    )
    return case


@audit.audited("enforcement.case.approve_filing")
def case_approve_filing(*, actor: Any, case_id: int, note: str = "") -> Case:
    """立案: the case gets its number; the 90 calendar days run from today."""
    case = _load(actor, case_id)
    if case.officers.count() < 2:
        raise ValidationFailed.field("officers", _("Assign at least two case officers first."))
    today = clock.today()
    late = today > case.source.decide_by
    case.filed_on = today
    case.filing_approved_by = _person(actor)
    case.number = _next_number(case.bureau, today.year, "立")
    _move(case, "approve_filing", actor, note=note, number=case.number, late=late)
    clock.refresh(case)
    case.save()
    source = case.source
    source.status, source.decided_on = SourceStatus.FILED, today
    source.save(update_fields=["status", "decided_on"])
    inbox.todos_close_for(case, kind="case_filing", actor=_person(actor))
    _timeline(
        case,
        "filed",
        lambda: _("Penalty case filed: %(number)s") % {"number": case.number},
        case.title,
    )
    return case


@audit.audited("enforcement.case.refuse_filing")
def case_refuse_filing(*, actor: Any, case_id: int, reasons: str) -> Case:
    case = _load(actor, case_id)
    reasons = _text(reasons, "reasons")
    _move(case, "refuse_filing", actor, note=reasons)
    case.save()
    source = case.source
    source.status, source.decided_on, source.decision_note = (
        SourceStatus.NOT_FILED,
        clock.today(),
        reasons,
    )
    source.save(update_fields=["status", "decided_on", "decision_note"])
    inbox.todos_close_for(case, actor=_person(actor))
    return case


# --- transfer (移送) --------------------------------------------------------------------------------


@audit.audited("enforcement.case.transfer_out")
def case_transfer_out(*, actor: Any, case_id: int, bureau_code: str, reason: str) -> Case:
    """Send the case to the competent bureau; it takes over once it accepts, or sends the
    case back (`case_decline_transfer`)."""
    case = _load(actor, case_id)
    reason = _text(reason, "reason")
    target = Bureau.objects.filter(region_code=(bureau_code or "").strip()).first()
    if target is None:
        raise ValidationFailed.field("bureau_code", _("Choose an existing bureau."))
    if target.pk == case.bureau_id:
        raise ValidationFailed.field(
            "bureau_code", _("The case is handled by this bureau already.")
        )
    if not regions.contains(target.region_code, case.enterprise.region_code):
        raise ValidationFailed.field(
            "bureau_code", _("That bureau's jurisdiction does not cover the enterprise either.")
        )
    case.transfer_to, case.transfer_region_code, case.transfer_reason = (
        target,
        target.region_code,
        reason,
    )
    _move(case, "transfer_out", actor, note=reason, to=target.region_code)
    case.save()
    from django.urls import reverse

    # a new transfer is the sending bureau's answer to an earlier one declined
    inbox.todos_close_for(case, kind="case_transfer_declined", actor=_person(actor))
    inbox.todo_post(
        source=SOURCE,
        kind="case_transfer",
        title=lambda: (
            _("Accept a case transferred by %(bureau)s") % {"bureau": case.bureau.display_name}
        ),
        body=reason[:500],
        link=reverse("enforcement:case_detail", args=[case.pk]),
        bureau=target,
        role=Role.CASE_OFFICER,
        obj=case,
    )
    return case


@audit.audited("enforcement.case.accept_transfer")
def case_accept_transfer(*, actor: Any, case_id: int, officer_ids=(), note: str = "") -> Case:
    """The receiving bureau takes the case over; it decides on filing anew (its own number)."""
    case = _load(actor, case_id)
    previous = {"bureau": case.bureau.region_code, "number": case.number}
    # the table's checks first (state, role, the receiving bureau itself): a refusal is a
    # refusal whatever officers were chosen
    _move(case, "accept_transfer", actor, note=note, previous=previous)
    officers = _officers(actor, case.transfer_region_code, officer_ids)
    case.bureau = case.transfer_to
    case.region_code = case.transfer_to.region_code
    case.number, case.filed_on, case.deadline, case.extension_days = "", None, None, 0
    case.transfer_to, case.transfer_region_code = None, ""
    case.save()
    case.officers.set(officers)
    case.pauses.all().delete()
    case.extensions.all().delete()
    source = case.source
    source.bureau, source.region_code, source.status = (
        case.bureau,
        case.region_code,
        SourceStatus.PROPOSED,
    )
    source.save(update_fields=["bureau", "region_code", "status"])
    inbox.todos_close_for(case, kind="case_transfer", actor=_person(actor))
    return case


@audit.audited("enforcement.case.decline_transfer")
def case_decline_transfer(*, actor: Any, case_id: int, reason: str) -> Case:
    """The receiving bureau refuses the case: it goes back to the sending bureau, in the state
    it was sent from, and the sending bureau's officers get a to-do with the reason."""
    case = _load(actor, case_id)
    reason = _text(reason, "reason")
    receiving = case.transfer_to
    _move(
        case,
        "decline_transfer",
        actor,
        note=reason,
        by=receiving.region_code if receiving else "",
    )
    case.transfer_to, case.transfer_region_code, case.transfer_reason = None, "", ""
    case.save()
    from django.urls import reverse

    inbox.todos_close_for(case, kind="case_transfer", actor=_person(actor))
    inbox.todo_post(
        source=SOURCE,
        kind="case_transfer_declined",
        title=lambda: (
            _("%(bureau)s declined the transferred case: %(title)s")
            % {"bureau": receiving.display_name if receiving else "", "title": case.title}
        ),
        body=reason[:500],
        link=reverse("enforcement:case_detail", args=[case.pk]),
        bureau=case.bureau,
        role=Role.CASE_OFFICER,
        obj=case,
    )
    return case
