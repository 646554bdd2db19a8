"""Every write of the penalty cases. Each step checks the workflow table, the actor's role and
jurisdiction, validates its input (a clear message naming the field, nothing changed),
records a history row and an audit entry, and puts the fact on the enterprise's file.

Other modules call `case_register_source(...)` to hand over a clue (线索):

    from yaojian.enforcement import services as enforcement
    enforcement.case_register_source(actor=inspector, enterprise=enterprise,
                                     source_kind="inspection", source_ref=str(inspection.pk),
                                     summary="…")
"""

from yaojian.enforcement.services.common import (
    MAX_COLLECTIVE_EXTENSION,
    MAX_EVIDENCE_BYTES,
    PRIOR_PENALTY_YEARS,
    competent_bureau,
)
from yaojian.enforcement.services.decision import (
    case_annul,
    case_close,
    case_decide,
    execution_set,
    payment_record,
)
from yaojian.enforcement.services.filing import (
    case_accept_transfer,
    case_approve_filing,
    case_decline_transfer,
    case_propose,
    case_refuse_filing,
    case_register_source,
    case_transfer_out,
    source_decline,
    source_extend,
)
from yaojian.enforcement.services.investigation import (
    evidence_add,
    extension_approve,
    pause_end,
    pause_start,
)
from yaojian.enforcement.services.penalty import (
    case_notify,
    hearing_finish,
    hearing_request,
    hearing_request_record,
    hearing_right,
    hearing_schedule,
    penalty_errors,
    rights_waiver_record,
    statement_submit,
)

__all__ = [
    "MAX_COLLECTIVE_EXTENSION",
    "MAX_EVIDENCE_BYTES",
    "PRIOR_PENALTY_YEARS",
    "case_accept_transfer",
    "case_annul",
    "case_approve_filing",
    "case_close",
    "case_decide",
    "case_decline_transfer",
    "case_notify",
    "case_propose",
    "case_refuse_filing",
    "case_register_source",
    "case_transfer_out",
    "competent_bureau",
    "evidence_add",
    "execution_set",
    "extension_approve",
    "hearing_finish",
    "hearing_request",
    "hearing_request_record",
    "hearing_right",
    "hearing_schedule",
    "pause_end",
    "pause_start",
    "payment_record",
    "penalty_errors",
    "rights_waiver_record",
    "source_decline",
    "source_extend",
    "statement_submit",
]
