"""The steps of a case as the pages and the API offer them: each with its form, the service
it calls, who sees it when, and what it says when done. One table for both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from yaojian.accounts.choices import Role
from yaojian.accounts.models import Bureau, User
from yaojian.core import clock as core_clock
from yaojian.enforcement import clock, forms, publishing, services, workflows
from yaojian.enforcement.choices import PaymentMode, PublicationState, RemovalStatus, Status

S = Status


@dataclass
class Action:
    title: Any
    form: type
    run: Callable[[Any, Any, Any], Any]
    done: Any
    shown: Callable[[Any, Any], bool]
    help: Any = ""
    style: str = "primary"
    multipart: bool = False


def _regulator(user, *roles) -> bool:
    return bool(getattr(user, "is_regulator", False) and user.has_role(*roles))


def _step(action: str) -> Callable[[Any, Any], bool]:
    """Shown when the table allows the step: the state, the role and the jurisdiction of the
    bureau that takes it (the receiving bureau's for accepting or declining a transfer)."""
    transition = workflows.TRANSITIONS[action]
    return lambda user, case: (
        case.status in transition.sources
        and workflows.may(user, transition)
        and (transition.by != workflows.REGULATOR or workflows.in_charge(user, transition, case))
    )


def case_officers(region_code: str) -> list[User]:
    """The case officers whose jurisdiction covers a division (for the officer choice)."""
    from yaojian.core import regions

    candidates = [code for code in _ancestors(region_code)]
    users = (
        User.objects.filter(
            is_active=True,
            bureau__region_code__in=candidates,
            role_assignments__role=Role.CASE_OFFICER,
        )
        .select_related("bureau")
        .distinct()
        .order_by("bureau__region_code", "username")
    )
    return [u for u in users if regions.contains(u.bureau.region_code, region_code)][:200]


def _ancestors(code: str) -> list[str]:
    return [code, code[:4] + "00", code[:2] + "0000"]


def transfer_bureaus(case) -> list[Bureau]:
    codes = _ancestors(case.enterprise.region_code)
    return list(Bureau.objects.filter(region_code__in=codes).exclude(pk=case.bureau_id))


def _penalty_initial(case) -> dict:
    proposed = case.proposed_penalty or {}
    initial = {"provision": case.provision, "goods_value": case.goods_value}
    initial.update({k: v for k, v in proposed.items() if v not in (None, "")})
    return initial


def initial_form(name: str, case, **kwargs):
    spec = ACTIONS[name]
    today = clock.today()
    initial: dict = {}
    extra: dict = {}
    if name in ("notify", "decide"):
        initial = _penalty_initial(case)
        if name == "notify":
            initial.update(served_on=today, facts=case.facts)
    elif name == "add_evidence":
        initial = {"collected_on": today}
    elif name == "pause":
        initial = {"start": today}
    elif name == "resume":
        initial = {"end": today}
    elif name == "schedule_hearing":
        initial = {"notice_sent_on": today}
    elif name == "finish_hearing":
        initial = {"held_on": today}
    elif name == "record_payment":
        initial = {"paid_on": today, "amount": case.outstanding}
    elif name == "record_hearing_request":
        initial = {"requested_on": today}
    if name == "transfer_out":
        extra = {"bureaus": transfer_bureaus(case)}
    if name == "accept_transfer":
        extra = {"officers": case_officers(case.transfer_region_code or case.region_code)}
    return spec.form(prefix=name, initial=initial, **extra, **kwargs)


def bound_form(name: str, case, data, files=None):
    spec = ACTIONS[name]
    extra: dict = {}
    if name == "transfer_out":
        extra = {"bureaus": transfer_bureaus(case)}
    if name == "accept_transfer":
        extra = {"officers": case_officers(case.transfer_region_code or case.region_code)}
    return spec.form(data, files, prefix=name, **extra)


def _evidence(user, case, form):
    upload = form.cleaned_data.get("file")
    return services.evidence_add(
        actor=user,
        case_id=case.pk,
        kind=form.cleaned_data["kind"],
        title=form.cleaned_data["title"],
        collected_on=form.cleaned_data["collected_on"],
        name=upload.name if upload else "",
        data=upload.read(services.MAX_EVIDENCE_BYTES + 1) if upload else None,
        note=form.cleaned_data.get("note", ""),
    )


def _open_pause(case) -> bool:
    return case.pauses.filter(end__isnull=True).exclude(reason="hearing").exists()


ACTIONS: dict[str, Action] = {
    "approve_filing": Action(
        workflows.TRANSITIONS["approve_filing"].label,
        forms.NoteForm,
        lambda u, c, f: services.case_approve_filing(
            actor=u, case_id=c.pk, note=f.cleaned_data["note"]
        ),
        _("The case is filed; the 90 days run from today."),
        _step("approve_filing"),
        _("程序规定 第十八条、第二十条: the head decides; two or more officers investigate."),
        "success",
    ),
    "refuse_filing": Action(
        workflows.TRANSITIONS["refuse_filing"].label,
        forms.ReasonsForm,
        lambda u, c, f: services.case_refuse_filing(actor=u, case_id=c.pk, **f.cleaned_data),
        _("Filing was refused."),
        _step("refuse_filing"),
        style="danger",
    ),
    "add_evidence": Action(
        _("Add evidence"),
        forms.EvidenceForm,
        _evidence,
        _("The evidence was added."),
        lambda u, c: (
            c.status in (S.INVESTIGATING, S.NOTIFIED, S.HEARING, S.HEARD)
            and _regulator(u, Role.CASE_OFFICER)
        ),
        _("Files are judged by their content: PDF, JPEG or PNG, at most 20 MB."),
        "secondary",
        multipart=True,
    ),
    "notify": Action(
        workflows.TRANSITIONS["notify"].label,
        forms.NotifyForm,
        lambda u, c, f: services.case_notify(
            actor=u,
            case_id=c.pk,
            served_on=f.cleaned_data["served_on"],
            facts=f.cleaned_data.get("facts", ""),
            **f.penalty(),
        ),
        _("The rights notice is served; the party has 5 working days."),
        _step("notify"),
        _(
            "行政处罚法 第四十四条: the facts, reasons, basis and proposed penalty, and the party's rights."
        ),
    ),
    "record_waiver": Action(
        _("Record the party's written waiver"),
        forms.RequiredNoteForm,
        lambda u, c, f: services.rights_waiver_record(
            actor=u, case_id=c.pk, note=f.cleaned_data["note"]
        ),
        _("The waiver was recorded; the decision may follow."),
        lambda u, c: (
            c.status == S.NOTIFIED and not c.rights_waived_on and _regulator(u, Role.CASE_OFFICER)
        ),
        style="secondary",
    ),
    "record_hearing_request": Action(
        workflows.TRANSITIONS["record_hearing_request"].label,
        forms.HearingRecordRequestForm,
        lambda u, c, f: services.hearing_request_record(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The hearing request was recorded; the 90 days pause."),
        lambda u, c: (
            _step("record_hearing_request")(u, c) and c.hearing_right and not c.rights_waived_on
        ),
        style="secondary",
    ),
    "schedule_hearing": Action(
        _("Schedule the hearing"),
        forms.HearingScheduleForm,
        lambda u, c, f: services.hearing_schedule(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The hearing is scheduled and the party told."),
        lambda u, c: c.status == S.HEARING and _regulator(u, *workflows.OFFICERS_OR_HEADS),
        _("The party is told at least 7 days before (行政处罚法 第六十四条)."),
    ),
    "finish_hearing": Action(
        workflows.TRANSITIONS["finish_hearing"].label,
        forms.HearingFinishForm,
        lambda u, c, f: services.hearing_finish(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The hearing was recorded; the 90 days run again."),
        lambda u, c: (
            _step("finish_hearing")(u, c)
            and bool(getattr(getattr(c, "hearing", None), "scheduled_for", None))
        ),
    ),
    "decide": Action(
        workflows.TRANSITIONS["decide"].label,
        forms.DecideForm,
        lambda u, c, f: services.case_decide(
            actor=u,
            case_id=c.pk,
            reasons=f.cleaned_data["reasons"],
            text=f.cleaned_data.get("text", ""),
            **f.penalty(),
        ),
        _("The decision was made and the party told."),
        _step("decide"),
        _(
            "The fine lies in the band of the discretion level; a decision is never heavier than the notice."
        ),
        "success",
    ),
    "publish": Action(
        _("Publish the decision"),
        forms.EmptyForm,
        lambda u, c, f: publishing.case_publish(actor=u, case_id=c.pk),
        _("The decision is published on the portal."),
        lambda u, c: (
            c.publication_state == PublicationState.DUE
            and c.status in (S.DECIDED, S.CLOSED)
            and _regulator(u, *workflows.OFFICERS_OR_HEADS)
        ),
        _("Within 20 working days of the decision; personal data is masked."),
        "success",
    ),
    "pause": Action(
        _("Stop the clock"),
        forms.PauseForm,
        lambda u, c, f: services.pause_start(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The clock is stopped."),
        lambda u, c: (
            c.status in (S.INVESTIGATING, S.NOTIFIED, S.HEARD)
            and _regulator(u, *workflows.OFFICERS_OR_HEADS)
            and not _open_pause(c)
        ),
        _("Testing, appraisal, suspension and announcements are not counted in the 90 days."),
        "secondary",
    ),
    "resume": Action(
        _("Restart the clock"),
        forms.ResumeForm,
        lambda u, c, f: services.pause_end(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The clock runs again."),
        lambda u, c: _regulator(u, *workflows.OFFICERS_OR_HEADS) and _open_pause(c),
        style="secondary",
    ),
    "extend": Action(
        _("Approve an extension"),
        forms.ExtensionForm,
        lambda u, c, f: services.extension_approve(
            actor=u,
            case_id=c.pk,
            level=f.cleaned_data["level"],
            days=f.cleaned_data.get("days") or 0,
            reason=f.cleaned_data["reason"],
        ),
        _("The extension was approved."),
        lambda u, c: (
            c.status in (S.INVESTIGATING, S.NOTIFIED, S.HEARING, S.HEARD)
            and _regulator(u, *workflows.HEADS)
        ),
        _("30 days by the bureau head; beyond that, collective discussion sets the period."),
        "secondary",
    ),
    "record_payment": Action(
        _("Record a payment"),
        forms.PaymentForm,
        lambda u, c, f: services.payment_record(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The payment was recorded."),
        lambda u, c: (
            c.status == S.DECIDED
            and c.outstanding > 0
            and _regulator(u, *workflows.OFFICERS_OR_HEADS)
        ),
    ),
    "set_execution": Action(
        _("Instalments, deferral or court enforcement"),
        forms.ExecutionForm,
        lambda u, c, f: services.execution_set(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The execution was updated."),
        lambda u, c: (
            c.status == S.DECIDED and c.outstanding > 0 and _regulator(u, *workflows.HEADS)
        ),
        _("行政处罚法 第六十六条 (instalments, deferral), 第七十二条 (the court)."),
        "secondary",
    ),
    "close": Action(
        workflows.TRANSITIONS["close"].label,
        forms.NoteForm,
        lambda u, c, f: services.case_close(actor=u, case_id=c.pk, note=f.cleaned_data["note"]),
        _("The case is closed."),
        lambda u, c: (
            _step("close")(u, c) and (c.outstanding == 0 or c.payment_mode == PaymentMode.COURT)
        ),
    ),
    "annul": Action(
        workflows.TRANSITIONS["annul"].label,
        forms.ReasonForm,
        lambda u, c, f: services.case_annul(actor=u, case_id=c.pk, reason=f.cleaned_data["reason"]),
        _("The decision is annulled; its publication is withdrawn."),
        _step("annul"),
        _("A published decision is withdrawn within 3 working days."),
        "danger",
    ),
    "decide_removal": Action(
        _("Decide the application for early removal"),
        forms.RemovalDecideForm,
        lambda u, c, f: publishing.removal_decide(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The application for early removal was decided."),
        lambda u, c: (
            _regulator(u, *workflows.HEADS)
            and c.removal_applications.filter(status=RemovalStatus.PENDING).exists()
        ),
    ),
    "transfer_out": Action(
        workflows.TRANSITIONS["transfer_out"].label,
        forms.TransferForm,
        lambda u, c, f: services.case_transfer_out(actor=u, case_id=c.pk, **f.cleaned_data),
        _("The case was sent to the competent bureau."),
        _step("transfer_out"),
        style="warning",
    ),
    "accept_transfer": Action(
        workflows.TRANSITIONS["accept_transfer"].label,
        forms.AcceptTransferForm,
        lambda u, c, f: services.case_accept_transfer(
            actor=u,
            case_id=c.pk,
            officer_ids=f.cleaned_data["officers"],
            note=f.cleaned_data["note"],
        ),
        _("The case is yours now; decide on its filing."),
        _step("accept_transfer"),
        style="success",
    ),
    "decline_transfer": Action(
        workflows.TRANSITIONS["decline_transfer"].label,
        forms.ReasonForm,
        lambda u, c, f: services.case_decline_transfer(
            actor=u, case_id=c.pk, reason=f.cleaned_data["reason"]
        ),
        _("The transfer was declined; the case went back to the sending bureau."),
        _step("decline_transfer"),
        _(
            "The case returns to the sending bureau in the state it was sent from; it sees your reason."
        ),
        "danger",
    ),
}


def available(user, case) -> list[str]:
    return [name for name, spec in ACTIONS.items() if spec.shown(user, case)]


def overdue_days(state) -> int:
    return -state.remaining if state and state.overdue else 0


__all__ = ["ACTIONS", "available", "bound_form", "case_officers", "core_clock", "initial_form"]


STEP_LABELS = {
    **{name: t.label for name, t in workflows.TRANSITIONS.items()},
    "evidence": _("Evidence added"),
    "pause": _("Clock stopped"),
    "resume": _("Clock restarted"),
    "extend": _("Extension approved"),
    "statement": _("Statement by the party"),
    "waiver": _("Written waiver recorded"),
    "schedule_hearing": _("Hearing scheduled"),
    "payment": _("Payment recorded"),
    "execution": _("Execution changed"),
    "publish": _("Published on the portal"),
    "withdraw_publication": _("Publication withdrawn"),
    "removal_apply": _("Early removal applied for"),
    "removal_decide": _("Early removal decided"),
}


def step_label(action: str):
    return STEP_LABELS.get(action, action)
