"""The case's documents as PDFs: the notice of the proposed penalty and of the party's rights
(行政处罚告知书, 行政处罚法 第四十四条) and the penalty decision (行政处罚决定书, 第五十九条).

Laid out by WeasyPrint with the system's Chinese font, as the inspection report is (the font
the electronic licence embeds); nothing is fetched from the network. The party's ID number
appears masked only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from yaojian.enforcement import provisions, publishing
from yaojian.enforcement.choices import Discretion, PartyKind
from yaojian.enforcement.models import Case

NOTICE = "notice"
DECISION = "decision"
KINDS = (NOTICE, DECISION)


def _band(case: Case, discretion: str) -> tuple[Decimal, Decimal] | None:
    provision = provisions.get(case.provision)
    if provision is None or not discretion or (provision.by_value and case.goods_value is None):
        return None
    if not (provision.fixed_max or provision.by_value):  # no fine in this provision
        return None
    return provisions.band(provision, discretion, case.goods_value)


def context(case: Case, kind: str) -> dict[str, Any]:

    decision = kind == DECISION
    discretion = case.discretion if decision else (case.proposed_penalty or {}).get("discretion")
    provision = provisions.get(case.provision)
    return {
        "kind": kind,
        "case": case,
        "number": case.decision_number if decision else case.number,
        "natural_person": case.party_kind == PartyKind.NATURAL_PERSON,
        "party_id_masked": case.party_id_number_masked,
        "provision": provision,
        "statutory_range": provision.range(case.goods_value)
        if provision and not (provision.by_value and case.goods_value is None)
        else None,
        "discretion_label": Discretion(discretion).label if discretion else "",
        "band": _band(case, discretion or ""),
        "penalty": publishing.penalty_text(case)
        if decision
        else publishing.proposed_penalty_text(case),
        "evidence": list(case.evidence.all()),
        "statements": list(case.statements.all()) if decision else [],
        "hearing": getattr(case, "hearing", None)
        if decision and hasattr(case, "hearing")
        else None,
        "issued_on": case.decided_on if decision else case.notified_on,
        "generated_at": timezone.localtime(),
    }


def render(case: Case, kind: str) -> bytes:
    """The notice (`NOTICE`) or the decision (`DECISION`) of `case` as PDF bytes."""
    from yaojian.elicence import pdf as elicence_pdf

    return elicence_pdf.template_pdf(f"enforcement/{kind}_pdf.html", context(case, kind))
