"""Demo data of signal detection: one run over the demo province's cases, with the first
signals taken through review (so every page has something to show).

Call after the case demo (`yaojian.vigilance.demo`) has created cases.
"""

from __future__ import annotations

from yaojian.vigilance.signals import services
from yaojian.vigilance.signals.choices import RunTrigger, SignalStatus
from yaojian.vigilance.signals.models import Signal, SignalRun


def load(seed: int = 0) -> dict:
    from yaojian.accounts.choices import Role
    from yaojian.accounts.models import User

    analyst = (
        User.objects.filter(
            kind="regulator",
            bureau__region_code="360000",
            role_assignments__role=Role.ANALYST,
            is_active=True,
        )
        .order_by("id")
        .first()
    )
    run = SignalRun.objects.create(
        trigger=RunTrigger.MANUAL,
        parameters=services.clean_parameters({"preset": "sensitive"}),
        requested_by=analyst,
    )
    run = services.run_execute(run.pk)
    reviewed = 0
    if analyst is not None and run.status == "done":
        signals = list(
            Signal.objects.filter(first_run=run, status=SignalStatus.NEW).order_by("id")[:3]
        )
        for index, signal in enumerate(signals):
            services.signal_transition(actor=analyst, signal_id=signal.pk, action="assess")
            if index == 1:
                services.signal_transition(
                    actor=analyst,
                    signal_id=signal.pk,
                    action="validate",
                    note="病例报告集中，时间关联性明确，去激发阳性，与说明书不良反应项不一致，确认为信号。",
                )
            if index == 2:
                services.signal_transition(
                    actor=analyst,
                    signal_id=signal.pk,
                    action="refute",
                    note="已在说明书中列明，报告数量与使用量增长一致，不构成新的安全性信号。",
                )
            reviewed += 1
    return {
        "signal_runs": 1,
        "run_status": run.status,
        "pairs": run.pair_count,
        "flagged": run.signal_count,
        "signals_reviewed": reviewed,
    }
