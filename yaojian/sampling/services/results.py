"""Laboratory results, serving them, the re-test, risk control, recall, closure and publication.

- 药品管理法 第一百零二条: 当事人对药品检验结果有异议的，可以自收到药品检验结果之日起七日内
  向原药品检验机构或者上一级药品监督管理部门设置或者指定的药品检验机构申请复验. The window
  is counted in working days from the day after the result is served (the statute's 七日 is
  read as working days here, as the brief asks; `RETEST_DAYS`, `RETEST_KIND`).
- 药品管理法 第一百条: 对有证据证明可能危害人体健康的药品及其有关材料，可以查封、扣押，并在
  七日内作出行政处理决定: a non-conforming result opens a risk-control decision due 7 calendar
  days later (the last day moves to the next working day, 民法典 第二百零三条).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core import clock
from yaojian.core.errors import Conflict, PermissionDenied, ValidationFailed
from yaojian.core.texts import join_items
from yaojian.registry.choices import Severity
from yaojian.sampling import selectors, workflows
from yaojian.sampling.choices import (
    Conclusion,
    Measure,
    ResultKind,
    Stage,
    TaskStatus,
)
from yaojian.sampling.models import Handover, Lab, Result, ResultItem, RiskControl, Task
from yaojian.sampling.services.common import (
    SOURCE,
    full_clean,
    move_task,
    name,
    person,
    post_to_files,
    require_covers,
    tell_enterprise,
    text,
)

logger = logging.getLogger(__name__)

RETEST_DAYS, RETEST_KIND = 7, clock.WORKING
RISK_DAYS, RISK_KIND = 7, clock.CALENDAR
RISK_DECIDERS = (Role.APPROVER, Role.LEADER, Role.CASE_OFFICER)
SYSTEM = audit.Actor(username="system", kind="system")


def retest_deadline(served_on: dt.date) -> dt.date:
    """The last day to request a re-test: the 7th working day after the result was served."""
    return clock.deadline(served_on, RETEST_DAYS, kind=RETEST_KIND)


def risk_deadline(opened_on: dt.date) -> dt.date:
    return clock.deadline(opened_on, RISK_DAYS, kind=RISK_KIND)


def _clean_items(items: list[dict]) -> list[ResultItem]:
    cleaned, errors = [], []
    for index, raw in enumerate(items or [], start=1):
        values = {
            key: str(raw.get(key, "") or "").strip()
            for key in ("item", "standard", "limit", "value")
        }
        conforming = raw.get("conforming")
        if isinstance(conforming, str):
            conforming = {
                "true": True,
                "1": True,
                "yes": True,
                "false": False,
                "0": False,
                "no": False,
            }.get(conforming.lower())
        if not values["item"]:
            errors.append(_("Item %(n)d: name the test item.") % {"n": index})
        elif not values["standard"]:
            errors.append(_("Item %(n)d: name the standard tested against.") % {"n": index})
        elif not values["value"]:
            errors.append(_("Item %(n)d: enter the result.") % {"n": index})
        elif conforming not in (True, False):
            errors.append(_("Item %(n)d: say whether the result conforms.") % {"n": index})
        elif any(len(values[k]) > (200 if k == "standard" else 100) for k in values):
            errors.append(_("Item %(n)d: a value is too long.") % {"n": index})
        else:
            cleaned.append(
                ResultItem(
                    item=values["item"],
                    standard=values["standard"],
                    limit=values["limit"] or "—",
                    value=values["value"],
                    conforming=conforming,
                )
            )
    if errors:
        raise ValidationFailed(errors[0], errors={"items": errors})
    if not cleaned:
        raise ValidationFailed.field("items", _("Enter at least one test item."))
    return cleaned


@audit.audited("sampling.result.enter")
def result_enter(
    *,
    actor: Any,
    task_id: int,
    report_number: str,
    tested_on: dt.date,
    items: list[dict],
) -> Result:
    """The laboratory's report: items with standard, limit, result and conformity. The
    conclusion follows from the items (one non-conforming item makes the sample
    non-conforming). On a re-test, the re-test's conclusion replaces (or confirms) the first."""
    task = selectors.task_get(actor, task_id)
    retest = task.status == TaskStatus.RETEST_REQUESTED
    action = "enter_retest" if retest else "enter_result"
    transition = workflows.check_task(action, task.status)
    workflows.require(actor, transition, task, action=f"sampling.task.{action}")
    cleaned = _clean_items(items)
    errors: dict[str, list[str]] = {}
    report_number = (report_number or "").strip()
    if not report_number or len(report_number) > 40:
        errors["report_number"] = [_("Enter the report number (at most 40 characters).")]
    elif Result.objects.filter(report_number=report_number).exists():
        errors["report_number"] = [_("A report with this number exists already.")]
    sampled_on = timezone.localtime(task.sample.sampled_at).date()
    if not isinstance(tested_on, dt.date):
        errors["tested_on"] = [_("Enter a date as YYYY-MM-DD.")]
    elif tested_on > timezone.localdate():
        errors["tested_on"] = [_("The report date cannot be in the future.")]
    elif tested_on < sampled_on:
        errors["tested_on"] = [_("The report date cannot be before the sampling.")]
    if errors:
        field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{field}: {messages[0]}", errors=errors)
    conclusion = (
        Conclusion.CONFORMING
        if all(item.conforming for item in cleaned)
        else Conclusion.NON_CONFORMING
    )
    result = Result(
        task=task,
        kind=ResultKind.RETEST if retest else ResultKind.FIRST,
        lab=task.retest_lab if retest else task.lab,
        report_number=report_number,
        tested_on=tested_on,
        conclusion=conclusion,
        entered_by=person(actor),
    )
    full_clean(result)
    result.save()
    for item in cleaned:
        item.result = result
    ResultItem.objects.bulk_create(cleaned)
    before = task.conclusion
    task.conclusion = conclusion
    if not retest:
        Handover.objects.create(
            sample=task.sample,
            stage=Stage.TESTED,
            place=task.lab.name,
            handed_by=name(actor),
            received_by="",
            note=result.report_number,
            recorded_by=person(actor),
        )
    note = f"{report_number}: {conclusion.label}"
    if retest:
        note += " · " + (
            _("confirms the first result")
            if before == conclusion
            else _("replaces the first result")
        )
    move_task(task, action, actor, target=transition.target, note=note, fields=["conclusion"])
    from yaojian.workbench.services import todo_post, todos_close_for

    todos_close_for(task, kind="sampling.test", actor=person(actor))
    todos_close_for(task, kind="sampling.retest", actor=person(actor))
    failed = [i.item for i in cleaned if not i.conforming]
    post_to_files(
        task,
        title=lambda: (
            (
                _("Re-test result: %(product)s, batch %(batch)s — %(conclusion)s")
                if retest
                else _("Test result: %(product)s, batch %(batch)s — %(conclusion)s")
            )
            % {"product": task.product_name, "batch": task.batch_no, "conclusion": conclusion.label}
        ),
        summary=lambda: (
            _("Report %(number)s by %(lab)s.") % {"number": report_number, "lab": result.lab.name}
            + _failed_items(failed)
        ),
        obj=result,
        severity=Severity.ALERT if failed else Severity.INFO,
    )
    if not retest:
        todo_post(
            source=SOURCE,
            kind="sampling.serve",
            obj=task,
            bureau=task.bureau,
            role=Role.REVIEWER,
            title=lambda: (
                _("Serve the test result of %(number)s on %(enterprise)s")
                % {"number": task.number, "enterprise": task.enterprise.name}
            ),
            link=task.get_absolute_url(),
        )
    if conclusion == Conclusion.NON_CONFORMING and not retest:
        _open_risk_control(task, failed)
    if retest and conclusion == Conclusion.CONFORMING:
        control = RiskControl.objects.filter(task=task, decided_on__isnull=True).first()
        if control is not None:
            control.measure, control.decided_on = Measure.NONE_NEEDED, timezone.localdate()
            control.decided_by_name = name(actor)
            control.note = _("The re-test found the sample conforming (report %(number)s).") % {
                "number": report_number
            }
            control.save(update_fields=["measure", "decided_on", "decided_by_name", "note"])
            todos_close_for(task, kind="sampling.risk_control", actor=person(actor))
    return result


def _open_risk_control(task: Task, failed: list[str]) -> RiskControl:
    from yaojian.workbench.services import todo_post

    today = timezone.localdate()
    control = RiskControl.objects.create(task=task, opened_on=today, due_on=risk_deadline(today))
    todo_post(
        source=SOURCE,
        kind="sampling.risk_control",
        obj=task,
        bureau=task.bureau,
        role=Role.APPROVER,
        due_at=timezone.make_aware(dt.datetime.combine(control.due_on, dt.time(17, 30))),
        title=lambda: (
            _("Non-conforming: decide control measures for %(product)s batch %(batch)s by %(date)s")
            % {"product": task.product_name, "batch": task.batch_no, "date": control.due_on}
        ),
        body=lambda: (
            _("%(enterprise)s · items failed: %(items)s")
            % {"enterprise": task.enterprise.name, "items": join_items(failed)}
        ),
        link=task.get_absolute_url(),
    )
    return control


@audit.audited("sampling.task.serve")
def result_serve(*, actor: Any, task_id: int, served_on: dt.date | None = None) -> Task:
    """The result is served on the enterprise (送达); the re-test window starts the next day."""
    task = selectors.task_get(actor, task_id)
    require_covers(actor, task.region_code, action="sampling.task.serve")
    transition = workflows.check_task("serve", task.status)
    workflows.require(actor, transition, task, action="sampling.task.serve")
    served_on = served_on or timezone.localdate()
    first = task.results.get(kind=ResultKind.FIRST)
    if not isinstance(served_on, dt.date) or served_on > timezone.localdate():
        raise ValidationFailed.field("served_on", _("The date of service cannot be in the future."))
    if served_on < first.tested_on:
        raise ValidationFailed.field(
            "served_on", _("The result cannot be served before the report date.")
        )
    task.served_on = served_on
    task.retest_deadline = (
        retest_deadline(served_on) if task.conclusion == Conclusion.NON_CONFORMING else None
    )
    move_task(
        task,
        "serve",
        actor,
        target=TaskStatus.SERVED,
        note=str(served_on),
        fields=["served_on", "retest_deadline"],
    )
    from yaojian.workbench.services import todos_close_for

    todos_close_for(task, kind="sampling.serve", actor=person(actor))

    def body() -> str:
        if task.retest_deadline:
            return _(
                "The sample of %(product)s batch %(batch)s did not conform (report %(report)s). "
                "You may request a re-test until %(date)s (7 working days after receiving the result)."
            ) % {
                "product": task.product_name,
                "batch": task.batch_no,
                "report": first.report_number,
                "date": task.retest_deadline,
            }
        return _("The sample of %(product)s batch %(batch)s conforms (report %(report)s).") % {
            "product": task.product_name,
            "batch": task.batch_no,
            "report": first.report_number,
        }

    tell_enterprise(task, lambda: _("Sampling result %(number)s") % {"number": task.number}, body)
    return task


@audit.audited("sampling.task.request_retest")
def retest_request(
    *,
    actor: Any,
    task_id: int,
    reason: str,
    lab_id: int | None = None,
    today: dt.date | None = None,
) -> Task:
    """The enterprise asks for a re-test, within 7 working days of receiving the result.

    After the window: a clear refusal (code `retest_window_closed`), nothing changed, audited.
    """
    task = selectors.task_get(actor, task_id)
    transition = workflows.check_task("request_retest", task.status)
    workflows.require(actor, transition, task, action="sampling.task.request_retest")
    today = today or timezone.localdate()
    if task.conclusion != Conclusion.NON_CONFORMING or task.retest_deadline is None:
        raise Conflict(
            _("The sample conformed: there is nothing to re-test."), code="nothing_to_retest"
        )
    if today > task.retest_deadline:
        raise Conflict(
            _(
                "The re-test window ended on %(date)s: a re-test must be requested within 7 "
                "working days of receiving the result (药品管理法 第一百零二条)."
            )
            % {"date": task.retest_deadline},
            code="retest_window_closed",
        )
    reason = text(reason, "reason", limit=2000)
    lab = task.lab
    if lab_id:
        lab = Lab.objects.filter(pk=lab_id, active=True).first()
        if lab is None:
            raise ValidationFailed.field("lab", _("Choose an active laboratory."))
    task.retest_reason, task.retest_lab, task.retest_requested_at = reason, lab, timezone.now()
    move_task(
        task,
        "request_retest",
        actor,
        target=TaskStatus.RETEST_REQUESTED,
        note=reason,
        fields=["retest_reason", "retest_lab", "retest_requested_at"],
    )
    from yaojian.workbench.services import todo_post

    todo_post(
        source=SOURCE,
        kind="sampling.retest",
        obj=task,
        bureau=lab.bureau,
        role=Role.ANALYST,
        title=lambda: (
            _("Re-test requested: %(product)s batch %(batch)s (%(number)s)")
            % {"product": task.product_name, "batch": task.batch_no, "number": task.number}
        ),
        body=reason,
        link=task.get_absolute_url(),
    )
    post_to_files(
        task,
        title=lambda: (
            _("Re-test requested: %(product)s, batch %(batch)s")
            % {"product": task.product_name, "batch": task.batch_no}
        ),
        summary=reason,
    )
    return task


@audit.audited("sampling.task.close")
def task_close(*, actor: Any, task_id: int) -> Task:
    """Close the task and publish the result: once the re-test window has ended without a
    request, or once the re-test has concluded (a conforming result at once)."""
    task = selectors.task_get(actor, task_id)
    require_covers(actor, task.region_code, action="sampling.task.close")
    transition = workflows.check_task("close", task.status)
    workflows.require(actor, transition, task, action="sampling.task.close")
    _require_window_ended(task, timezone.localdate())
    return _close(task, actor, "close")


def _require_window_ended(task: Task, today: dt.date) -> None:
    if task.status == TaskStatus.SERVED and task.retest_deadline and today <= task.retest_deadline:
        raise Conflict(
            _("The enterprise may request a re-test until %(date)s: close and publish after that.")
            % {"date": task.retest_deadline},
            code="retest_window_open",
        )


def _close(task: Task, actor: Any, action: str) -> Task:
    task.closed_at = timezone.now()
    move_task(task, action, actor, target=TaskStatus.CLOSED, fields=["closed_at"])
    from yaojian.workbench.services import todos_close_for

    todos_close_for(task, kind="sampling.serve")
    final = task.results.order_by("-kind").first()  # "retest" sorts after "first"
    failed = [i.item for i in final.items.all() if not i.conforming] if final else []
    post_to_files(
        task,
        title=lambda: (
            _("Sampling closed: %(product)s, batch %(batch)s — %(conclusion)s")
            % {
                "product": task.product_name,
                "batch": task.batch_no,
                "conclusion": Conclusion(task.conclusion).label,
            }
        ),
        summary=lambda: _("The result is published.") + _failed_items(failed),
        obj=task,
        severity=Severity.WARNING if failed else Severity.INFO,
    )
    publish(task, actor, final, failed)
    if task.conclusion == Conclusion.NON_CONFORMING:
        _refer_to_enforcement(task, actor, failed)
    tell_enterprise(
        task,
        lambda: (
            _("Sampling %(number)s is closed and its result published") % {"number": task.number}
        ),
    )
    return task


def _refer_to_enforcement(task: Task, actor: Any, failed: list[str]) -> None:
    """A final non-conforming result is a clue for a penalty case (药品管理法: substandard
    drugs), handed to the enterprise's competent bureau."""
    from yaojian.enforcement.services import case_register_source

    scope = getattr(actor, "scope", None)
    covers = scope is None or scope.covers_region(task.enterprise.region_code)
    case_register_source(
        actor=actor,
        enterprise=task.enterprise,
        source_kind="sampling" if covers else "referral",
        source_ref=task.number,
        summary=_("Sampling %(number)s: %(product)s, batch %(batch)s failed %(items)s.")
        % {
            "number": task.number,
            "product": task.product_name,
            "batch": task.batch_no,
            "items": join_items(failed) or "—",
        },
    )


def _failed_items(failed: list[str]) -> str:
    """The sentence naming the failed items, after a space; "" when every item conformed."""
    if not failed:
        return ""
    return " " + _("Items failed: %(items)s.") % {"items": join_items(failed)}


def publish(task: Task, actor: Any, final: Result | None, failed: list[str]):
    """The result on the government-service portal (信息公开: 药品质量抽检结果)."""
    try:
        from yaojian.portal import publications
    except ImportError:  # the portal's publication module is not installed
        logger.warning("sampling: no publication module; %s not published", task.number)
        return None
    from yaojian.sampling.choices import Category

    product = task.product
    conclusion = Conclusion(task.conclusion).label
    maker = (product.holder_display or product.manufacturer_display) if product else ""
    fields = [
        (gettext_lazy("Product"), task.product_name),
        (gettext_lazy("Batch number"), task.batch_no),
        (gettext_lazy("Enterprise sampled"), task.enterprise.name),
        (gettext_lazy("Marketing-authorisation holder / manufacturer"), maker or "—"),
        (gettext_lazy("Approval number"), (product.approval_number or "—") if product else "—"),
        (gettext_lazy("Category"), Category(task.category).label),
        (gettext_lazy("Laboratory"), final.lab.name if final else task.lab.name),
        (gettext_lazy("Report number"), final.report_number if final else "—"),
        (gettext_lazy("Conclusion"), conclusion),
        (gettext_lazy("Items failed"), lambda: join_items(failed) if failed else "—"),
    ]
    return publications.publish(
        actor=actor,
        kind=publications.Kind.SAMPLING_RESULT,
        source=task,
        # texts as callables: the portal renders each in both of its languages
        title=lambda: (
            _("Sampling result: %(product)s, batch %(batch)s — %(conclusion)s")
            % {"product": task.product_name, "batch": task.batch_no, "conclusion": conclusion}
        ),
        summary=lambda: (
            _("%(enterprise)s; sampled under plan %(plan)s.")
            % {"enterprise": task.enterprise.name, "plan": task.plan.number}
        ),
        fields=fields,
        division_code=task.region_code,
        enterprise=task.enterprise,
    )


def close_expired(today: dt.date | None = None) -> int:
    """The periodic job: close and publish every served result whose re-test window has ended
    without a request. Returns how many were closed."""
    today = today or timezone.localdate()
    closed = 0
    for task_id in Task.objects.filter(
        status=TaskStatus.SERVED, retest_deadline__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            task = Task.objects.select_for_update().get(pk=task_id)
            if task.status != TaskStatus.SERVED:
                continue
            workflows.check_task("close_by_clock", task.status)
            _close(task, SYSTEM, "close_by_clock")
            closed += 1
    return closed


# --- risk control --------------------------------------------------------------------------------


def _deciding(actor: Any, task_id: int, action: str) -> tuple[Task, RiskControl]:
    from yaojian.accounts.services import require_role

    task = selectors.task_get(actor, task_id)
    require_covers(actor, task.region_code, action=action)
    require_role(actor, *RISK_DECIDERS, action=action)
    control = RiskControl.objects.filter(task=task).first()
    if control is None:
        raise Conflict(
            _("There is no risk control for this task: its sample was not found non-conforming."),
            code="no_risk_control",
        )
    return task, control


@audit.audited("sampling.risk.decide")
def risk_decide(*, actor: Any, task_id: int, measure: str, note: str) -> RiskControl:
    """Decide the control measures (查封扣押, stop sales…) within 7 days of the result."""
    task, control = _deciding(actor, task_id, "sampling.risk.decide")
    if control.decided:
        raise Conflict(
            _("The measures were decided already on %(date)s.") % {"date": control.decided_on}
        )
    if measure not in Measure.values or measure == Measure.RECALL:
        raise ValidationFailed.field(
            "measure",
            _(
                "Choose seizure, an order to stop sales, or no measure (a recall is issued with "
                "its own button)."
            ),
        )
    control.measure, control.note = measure, text(note, "note", limit=2000)
    control.decided_on, control.decided_by_name = timezone.localdate(), name(actor)
    control.save(update_fields=["measure", "note", "decided_on", "decided_by_name"])
    _after_decision(task, control, actor)
    return control


def _after_decision(task: Task, control: RiskControl, actor: Any) -> None:
    from yaojian.workbench.services import todos_close_for

    todos_close_for(task, kind="sampling.risk_control", actor=person(actor))
    audit.record(
        actor=actor,
        action="sampling.risk.decide",
        obj=control,
        changes={
            "after": {"measure": control.measure, "on_time": control.decided_on <= control.due_on}
        },
        detail=control.note[:500],
    )
    post_to_files(
        task,
        title=lambda: (
            _("Control measures for %(product)s, batch %(batch)s: %(measure)s")
            % {
                "product": task.product_name,
                "batch": task.batch_no,
                "measure": Measure(control.measure).label,
            }
        ),
        summary=control.note,
        obj=control,
        severity=Severity.WARNING,
    )


@audit.audited("sampling.risk.recall")
def risk_recall(*, actor: Any, task_id: int, level: str, reason: str) -> RiskControl:
    """Order the recall of the sampled batch through traceability (drugs only).

    The batch must be known to traceability (its product and batch number registered there);
    otherwise the refusal says so and nothing changes.
    """
    from yaojian.trace import selectors as trace_selectors
    from yaojian.trace.services.recall import recall_issue

    task, control = _deciding(actor, task_id, "sampling.risk.recall")
    if not task.is_drug:
        raise ValidationFailed.field(
            "level", _("Recall orders here are for drugs; this product is not a drug.")
        )
    if control.recall_number:
        raise Conflict(
            _("Recall %(number)s was ordered already.") % {"number": control.recall_number}
        )
    batches = (
        list(
            trace_selectors.batches_visible(actor)
            .filter(product_id=task.product_id, batch_no=task.batch_no)
            .values_list("pk", flat=True)
        )
        if task.product_id
        else []
    )
    if not batches:
        raise ValidationFailed.field(
            "batch",
            _(
                "Batch %(batch)s of %(product)s is not known to traceability, so no recall "
                "order can be issued from here: order the recall in writing and record it as "
                "the control measure."
            )
            % {"batch": task.batch_no, "product": task.product_name},
            code="batch_not_traced",
        )
    recall = recall_issue(actor=actor, batch_ids=batches, level=level, reason=reason)
    control.recall_number, control.recall_id = recall.number, recall.pk
    fields = ["recall_number", "recall_id"]
    if not control.decided:
        control.measure, control.decided_on = Measure.RECALL, timezone.localdate()
        control.decided_by_name = name(actor)
        control.note = (reason or "").strip()
        fields += ["measure", "decided_on", "decided_by_name", "note"]
    control.save(update_fields=fields)
    _after_decision(task, control, actor)
    return control


def require_lab(actor: Any, lab: Lab) -> None:
    if not workflows.is_lab_staff(actor, lab):
        raise PermissionDenied()
