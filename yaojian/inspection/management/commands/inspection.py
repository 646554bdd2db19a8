"""`yaojian inspection ...`: random inspections from the command line.

    yaojian inspection redraw PLAN      recompute every draw of a plan from its record
    yaojian inspection redraw PLAN --draw 2
    yaojian inspection show-draw PLAN   print a draw's seed, algorithm and selections as JSON

PLAN is the plan number (SSJ-360100-2026-01) or its database id. `redraw` exits with status 1
when a recomputation differs, naming the first difference.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from yaojian.audit import services as audit
from yaojian.inspection.draws import services
from yaojian.inspection.draws.models import DrawPlan

OPERATOR = audit.Actor(username="cli", kind="system")


def _plan(reference: str) -> DrawPlan:
    plan = DrawPlan.objects.filter(number=reference).first()
    if plan is None and reference.isdigit():
        plan = DrawPlan.objects.filter(pk=int(reference)).first()
    if plan is None:
        raise CommandError(f"no random-inspection plan {reference!r}")
    return plan


class Command(BaseCommand):
    help = "Random inspections: 'redraw PLAN' recomputes every draw of a plan from its record."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        redraw = sub.add_parser("redraw", help="recompute the draws of a plan and compare")
        redraw.add_argument("plan", help="plan number or id")
        redraw.add_argument("--draw", type=int, help="only this batch number")
        show = sub.add_parser("show-draw", help="print a draw's record as JSON")
        show.add_argument("plan", help="plan number or id")
        show.add_argument("--draw", type=int, default=1, help="batch number (default 1)")
        show.add_argument("--inputs", action="store_true", help="include the full inputs")

    def handle(self, *args, **options):
        plan = _plan(options["plan"])
        draws = plan.draws.order_by("batch")
        if options.get("draw"):
            draws = draws.filter(batch=options["draw"])
        if options["action"] == "show-draw":
            draw = draws.first()
            if draw is None:
                raise CommandError("no such draw")
            record = {
                "draw": draw.number,
                "seed": draw.seed,
                "algorithm": draw.algorithm,
                "inputs_digest": draw.inputs_digest,
                "result_digest": draw.result_digest,
                "result": services.recorded_result(draw),
            }
            if options["inputs"]:
                record["inputs"] = draw.inputs
            self.stdout.write(json.dumps(record, ensure_ascii=False, indent=2))
            return
        if not draws.exists():
            self.stdout.write(f"{plan.number}: nothing drawn yet")
            return
        different = 0
        for draw in draws:
            check = services.draw_verify(actor=OPERATOR, draw_id=draw.pk, scoped=False)
            if check.identical:
                self.stdout.write(
                    f"{draw.number}  seed {draw.seed}  {draw.algorithm}  "
                    f"{check.count} enterprises  identical"
                )
            else:
                different += 1
                self.stdout.write(f"{draw.number}  seed {draw.seed}  DIFFERENT: {check.difference}")
        if different:
            raise SystemExit(1)
