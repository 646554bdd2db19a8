"""The proposed penalty, the rights notice, the party's statement and the hearing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.enforcement import clock, provisions, workflows
from yaojian.enforcement.choices import (
    Discretion,
    PauseReason,
)
from yaojian.enforcement.models import (
    Case,
    CasePause,
    Hearing,
    Statement,
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
    _person,
    _require_roles,
    _tell_party,
    _text,
    _timeline,
)
from yaojian.workbench import services as inbox

# --- the penalty: checks shared by the rights notice and the decision ---------------------------


def penalty_errors(
    *,
    provision_code: str,
    discretion: str,
    fine: Decimal,
    goods_value: Decimal | None,
    warning: bool,
    licence_revoked: bool,
) -> dict[str, list[str]]:
    """What is wrong with a penalty under its provision and discretion level."""
    errors: dict[str, list[str]] = {}
    provision = provisions.get(provision_code)
    if provision is None:
        return {"provision": [_("Choose the legal provision the penalty rests on.")]}
    if discretion not in Discretion.values:
        return {"discretion": [_("Choose the discretion level.")]}
    if provision.by_value and goods_value is None and discretion != Discretion.EXEMPT:
        errors["goods_value"] = [_("This provision counts the fine from the value of the goods.")]
        return errors
    if discretion == Discretion.EXEMPT:
        if fine or licence_revoked or warning:
            errors["fine"] = [_("No penalty is imposed when the party is exempted.")]
        if not provision.first_offence_exempt:
            errors["discretion"] = [
                _("The benchmark allows no first-offence exemption under this provision.")
            ]
        return errors
    low, high = provisions.band(provision, discretion, goods_value)
    if provision.fixed_max is None and not provision.by_value:
        if fine:
            errors["fine"] = [_("This provision imposes no fine.")]
    elif (
        fine == 0 and provision.warning and discretion in (Discretion.LIGHTER, Discretion.MITIGATED)
    ):
        pass  # a warning alone (责令改正，给予警告)
    elif not low <= fine <= high:
        errors["fine"] = [
            _("At this discretion level the fine lies between %(low)s and %(high)s yuan.")
            % {"low": f"{low:,.0f}", "high": f"{high:,.0f}"}
        ]
    if warning and not provision.warning:
        errors["warning"] = [_("This provision does not provide for a warning.")]
    if licence_revoked and not provision.revocation:
        errors["licence_revoked"] = [_("This provision does not provide for revoking the licence.")]
    if fine == 0 and not (warning or licence_revoked):
        errors.setdefault("fine", [_("Impose a fine, a warning or another penalty, or exempt.")])
    return errors


def _penalty(case: Case, values: dict) -> dict:
    """The normalised penalty of a notice or decision, or ValidationFailed naming the fields."""
    provision_code = values.get("provision") or case.provision
    goods_value = values.get("goods_value", case.goods_value)
    goods_value = _money(goods_value, "goods_value") if goods_value not in (None, "") else None
    penalty = {
        "provision": provision_code,
        "discretion": values.get("discretion") or "",
        "goods_value": goods_value,
        "fine": _money(values.get("fine"), "fine"),
        "confiscated_income": _money(values.get("confiscated_income"), "confiscated_income"),
        "confiscated_goods": (values.get("confiscated_goods") or "").strip()[:300],
        "warning": bool(values.get("warning")),
        "public_criticism": bool(values.get("public_criticism")),
        "licence_revoked": bool(values.get("licence_revoked")),
    }
    errors = penalty_errors(
        provision_code=provision_code,
        discretion=penalty["discretion"],
        fine=penalty["fine"],
        goods_value=goods_value,
        warning=penalty["warning"],
        licence_revoked=penalty["licence_revoked"],
    )
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors=errors)
    return penalty


def hearing_right(penalty: dict, party_kind: str) -> bool:
    """行政处罚法 第六十三条: large fines or confiscations, licence revocation and the like."""
    return bool(
        provisions.is_large_fine(penalty["fine"], party_kind)
        or provisions.is_large_fine(penalty["confiscated_income"], party_kind)
        or penalty["licence_revoked"]
    )


# --- the rights notice, the party's statement, the hearing ---------------------------------------


@audit.audited("enforcement.case.notify")
def case_notify(
    *, actor: Any, case_id: int, served_on: dt.date | None = None, facts: str = "", **penalty: Any
) -> Case:
    """Serve the notice of the proposed penalty and of the party's rights (行政处罚事先告知书):
    statement within 5 working days; a hearing within 5 working days where the penalty gives
    the right to one."""
    case = _load(actor, case_id)
    workflows.check("notify", case.status)
    if not case.evidence.exists():
        raise ValidationFailed.field(
            "evidence", _("Record the evidence before proposing a penalty.")
        )
    values = _penalty(case, penalty)
    if values["discretion"] == Discretion.EXEMPT:
        raise ValidationFailed.field(
            "discretion", _("An exemption needs no rights notice: decide without a penalty.")
        )
    served_on = served_on or clock.today()
    if served_on > clock.today() or served_on < case.filed_on:
        raise ValidationFailed.field(
            "served_on", _("The notice is served between filing and today.")
        )
    case.provision, case.goods_value = values["provision"], values["goods_value"]
    if facts:
        case.facts = _text(facts, "facts", limit=20000)
    case.proposed_penalty = audit.jsonable(values)
    case.hearing_right = hearing_right(values, case.party_kind)
    case.notified_on = served_on
    case.statement_due = clock.statement_due(served_on)
    case.hearing_request_due = clock.hearing_request_due(served_on) if case.hearing_right else None
    _move(
        case,
        "notify",
        actor,
        statement_due=case.statement_due,
        hearing_right=case.hearing_right,
        penalty=case.proposed_penalty,
    )
    case.save()

    def body() -> str:
        text = _("You may state your case by %(date)s.") % {"date": case.statement_due}
        if case.hearing_right:
            text += " " + _("You may request a hearing by %(date)s.") % {
                "date": case.hearing_request_due
            }
        return text

    _tell_party(
        case,
        lambda: (
            _("Notice of a proposed administrative penalty: %(number)s") % {"number": case.number}
        ),
        body,
    )
    _timeline(
        case,
        "notified",
        lambda: _("Notice of proposed penalty served: %(number)s") % {"number": case.number},
    )
    return case


@audit.audited("enforcement.statement.submit")
def statement_submit(
    *, actor: Any, case_id: int, text: str, waives_rest: bool = False
) -> Statement:
    """The party states its case (陈述、申辩) within 5 working days of the notice."""
    from yaojian.accounts.choices import EnterpriseRight
    from yaojian.accounts.services import require_enterprise_right

    require_enterprise_right(actor, EnterpriseRight.RESPOND, action="enforcement.statement.submit")
    case = _load(actor, case_id)
    text = _text(text, "text", limit=20000)
    if case.status != S.NOTIFIED:
        raise ValidationFailed.field(
            "text", _("Statements are made after the rights notice, before the decision.")
        )
    if case.rights_waived_on:
        raise ValidationFailed.field(
            "text", _("You have waived your remaining rights in this case.")
        )
    if clock.today() > case.statement_due:
        raise ValidationFailed.field(
            "text",
            _("The time for your statement ended on %(date)s (5 working days from the notice).")
            % {"date": case.statement_due},
        )
    statement = Statement.objects.create(
        case=case, text=text, waives_rest=bool(waives_rest), submitted_by=_person(actor)
    )
    if waives_rest:
        case.rights_waived_on = clock.today()
        case.save(update_fields=["rights_waived_on"])
    _event(case, "statement", case.status, case.status, actor, "", waives_rest=bool(waives_rest))
    audit.record(actor=actor, action="enforcement.statement.submit", obj=case)
    subject = inbox.each_language(
        lambda: _("The party stated its case: %(number)s") % {"number": case.number}
    )
    for officer in case.officers.all():
        inbox.notify(
            officer, source=SOURCE, subject=subject, link=case.get_absolute_url(), email=False
        )
    return statement


@audit.audited("enforcement.case.waiver")
def rights_waiver_record(*, actor: Any, case_id: int, note: str) -> Case:
    """The party waived its rights in writing (书面放弃陈述申辩和听证): record it."""
    _require_roles(actor, workflows.OFFICERS, "enforcement.case.waiver")
    case = _load(actor, case_id)
    note = _text(note, "note")
    if case.status != S.NOTIFIED:
        raise ValidationFailed.field("status", _("A waiver follows the rights notice."))
    if not _covers(actor, case.region_code):
        raise _deny(
            actor,
            "enforcement.case.waiver",
            _("This case lies outside your bureau's jurisdiction."),
            case,
        )
    case.rights_waived_on = clock.today()
    case.save(update_fields=["rights_waived_on"])
    _event(case, "waiver", case.status, case.status, actor, note)
    audit.record(actor=actor, action="enforcement.case.waiver", obj=case, detail=note[:500])
    return case


def _open_hearing(case: Case, actor: Any, requested_on: dt.date, action: str) -> Hearing:
    if not case.hearing_right:
        raise ValidationFailed.field(
            "hearing",
            _("The proposed penalty gives no right to a hearing; state your case instead."),
        )
    if case.rights_waived_on:
        raise ValidationFailed.field("hearing", _("The rights in this case were waived."))
    if requested_on > case.hearing_request_due:
        raise ValidationFailed.field(
            "hearing",
            _("A hearing had to be requested by %(date)s (5 working days from the notice).")
            % {"date": case.hearing_request_due},
        )
    _move(case, action, actor, requested_on=requested_on)
    hearing = Hearing.objects.create(
        case=case, requested_on=requested_on, requested_by=_person(actor)
    )
    CasePause.objects.create(case=case, reason=PauseReason.HEARING, start=requested_on)
    clock.refresh(case)
    case.save()
    return hearing


@audit.audited("enforcement.case.request_hearing")
def hearing_request(*, actor: Any, case_id: int) -> Hearing:
    """The party requests a hearing within 5 working days of the notice; the 90 days pause."""
    case = _load(actor, case_id)
    workflows.check("request_hearing", case.status)
    hearing = _open_hearing(case, actor, clock.today(), "request_hearing")
    subject = inbox.each_language(
        lambda: _("The party requests a hearing: %(number)s") % {"number": case.number}
    )
    for officer in case.officers.all():
        inbox.notify(
            officer, source=SOURCE, subject=subject, link=case.get_absolute_url(), email=False
        )
    return hearing


@audit.audited("enforcement.case.record_hearing_request")
def hearing_request_record(*, actor: Any, case_id: int, requested_on: dt.date) -> Hearing:
    """A request received on paper, recorded by the case officer with the day it arrived."""
    case = _load(actor, case_id)
    workflows.check("record_hearing_request", case.status)
    if requested_on > clock.today() or requested_on < case.notified_on:
        raise ValidationFailed.field(
            "requested_on", _("The request arrived between the notice and today.")
        )
    return _open_hearing(case, actor, requested_on, "record_hearing_request")


@audit.audited("enforcement.hearing.schedule")
def hearing_schedule(
    *,
    actor: Any,
    case_id: int,
    scheduled_for: dt.datetime,
    place: str,
    host: str,
    notice_sent_on: dt.date | None = None,
) -> Hearing:
    """Fix the hearing; the party is told at least 7 days before (行政处罚法 第六十四条)."""
    _require_roles(actor, workflows.OFFICERS_OR_HEADS, "enforcement.hearing.schedule")
    case = _load(actor, case_id)
    if case.status != S.HEARING:
        raise ValidationFailed.field("scheduled_for", _("No hearing is pending in this case."))
    notice_sent_on = notice_sent_on or clock.today()
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    day = timezone.localtime(scheduled_for).date()
    if (day - notice_sent_on).days < clock.HEARING_NOTICE_DAYS:
        raise ValidationFailed.field(
            "scheduled_for",
            _(
                "The party must be told at least 7 days before the hearing: the earliest day is %(date)s."
            )
            % {"date": notice_sent_on + dt.timedelta(days=clock.HEARING_NOTICE_DAYS)},
        )
    hearing = case.hearing
    hearing.scheduled_for = scheduled_for
    hearing.place = _text(place, "place", limit=200)
    hearing.host = _text(host, "host", limit=100)
    hearing.notice_sent_on = notice_sent_on
    hearing.save()
    _event(
        case, "schedule_hearing", case.status, case.status, actor, "", at=scheduled_for, place=place
    )
    audit.record(
        actor=actor, action="enforcement.hearing.schedule", obj=case, detail=str(scheduled_for)
    )
    _tell_party(
        case,
        lambda: _("Notice of hearing: %(number)s") % {"number": case.number},
        lambda: (
            _("The hearing is held on %(when)s at %(place)s.")
            % {"when": timezone.localtime(scheduled_for).strftime("%Y-%m-%d %H:%M"), "place": place}
        ),
    )
    return hearing


@audit.audited("enforcement.case.finish_hearing")
def hearing_finish(
    *, actor: Any, case_id: int, held_on: dt.date, record: str, outcome: str
) -> Hearing:
    case = _load(actor, case_id)
    workflows.check("finish_hearing", case.status)
    hearing = case.hearing
    if hearing.scheduled_for is None:
        raise ValidationFailed.field("held_on", _("Schedule the hearing first."))
    scheduled_day = timezone.localtime(hearing.scheduled_for).date()
    if held_on < scheduled_day or held_on > clock.today():
        raise ValidationFailed.field(
            "held_on", _("The hearing is held on or after its day, not in the future.")
        )
    hearing.held_on = held_on
    hearing.record = _text(record, "record", limit=50000)
    hearing.outcome = _text(outcome, "outcome", limit=20000)
    hearing.save()
    case.pauses.filter(reason=PauseReason.HEARING, end__isnull=True).update(end=held_on)
    _move(case, "finish_hearing", actor, held_on=held_on)
    clock.refresh(case)
    case.save()
    return hearing
