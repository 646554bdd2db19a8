"""Every write of sampling and testing. Other apps import from here only."""

from yaojian.sampling.services.plans import (
    lab_save,
    plan_create,
    plan_progress,
    plan_set_lines,
    plan_transition,
)
from yaojian.sampling.services.results import (
    close_expired,
    result_enter,
    result_serve,
    retest_deadline,
    retest_request,
    risk_deadline,
    risk_decide,
    risk_recall,
    task_close,
)
from yaojian.sampling.services.tasks import (
    custody_record,
    sample_record,
    task_cancel,
    task_create,
    task_receive,
    task_send,
)

__all__ = [
    "close_expired",
    "custody_record",
    "lab_save",
    "plan_create",
    "plan_progress",
    "plan_set_lines",
    "plan_transition",
    "result_enter",
    "result_serve",
    "retest_deadline",
    "retest_request",
    "risk_deadline",
    "risk_decide",
    "risk_recall",
    "sample_record",
    "task_cancel",
    "task_close",
    "task_create",
    "task_receive",
    "task_send",
]
