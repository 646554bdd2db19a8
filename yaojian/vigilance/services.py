"""Writes of adverse-reaction monitoring: submitting cases and follow-ups, causality,
duplicates and merges. Each service is one transaction with an audit record.

The statutory clock (药品不良反应报告和监测管理办法, 卫生部令第81号):
- 第二十一条: new or serious reactions within 15 days, deaths immediately; others within 30
  days — calendar days from the day the reporter learned of the case (`aware_date`), so a death
  is due the same day;
- 第二十四条/第二十五条: the monitoring institution reviews and evaluates a serious report
  within 3 working days of receipt, other reports within 15 working days (`review_deadline`,
  working days through core.clock).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.audit import services as audit
from yaojian.core import clock, regions
from yaojian.core.errors import Conflict, PermissionDenied, ValidationFailed
from yaojian.core.scoping import get_visible
from yaojian.registry.choices import EnterpriseKind
from yaojian.vigilance import data as casedata
from yaojian.vigilance import workflows
from yaojian.vigilance.choices import (
    SIGNAL_ROLES,
    AssessorKind,
    CaseSource,
    CaseStatus,
    CausalityScale,
    DuplicateStatus,
    VersionKind,
)
from yaojian.vigilance.models import (
    Case,
    CaseMerge,
    CaseVersion,
    Causality,
    Drug,
    DuplicateCandidate,
    Reaction,
)

REPORT_DAYS = {"fatal": 0, "serious": 15, "other": 30}  # calendar days
REVIEW_DAYS = {"serious": 3, "other": 15}  # working days
CENTRE_ROLES = (Role.REVIEWER, Role.ANALYST, Role.CASE_OFFICER, Role.LEADER, Role.APPROVER)


def report_deadline(aware: dt.date, *, serious: bool, fatal: bool) -> dt.date:
    if fatal:
        return aware
    return clock.add_days(aware, REPORT_DAYS["serious" if serious else "other"], clock.CALENDAR)


def review_deadline(received: dt.date, *, serious: bool) -> dt.date:
    return clock.add_days(received, REVIEW_DAYS["serious" if serious else "other"], clock.WORKING)


# ---------------------------------------------------------------------------------------------
# who may do what


def _is_centre(actor: Any) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and getattr(actor, "is_regulator", False)
        and actor.has_role(*CENTRE_ROLES)
    )


def require_centre(actor: Any, action: str) -> None:
    if not _is_centre(actor):
        audit.record_denied(actor, action, "not a monitoring-centre regulator")
        raise PermissionDenied(_("Only monitoring-centre staff (regulators) may do this."))


def _reporter_context(actor: Any, region_code: str | None) -> tuple[str, str, Any]:
    """(source, region code, enterprise) of a report by this actor."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        if actor.is_enterprise_user:
            if not actor.has_enterprise_right(EnterpriseRight.REPORT):
                audit.record_denied(actor, "vigilance.case.submit", "no report right")
                raise PermissionDenied(_("This account may not submit reports."))
            enterprise = actor.enterprise
            source = (
                CaseSource.MEDICAL_INSTITUTION
                if enterprise.kind == EnterpriseKind.MEDICAL_INSTITUTION
                else CaseSource.ENTERPRISE
            )
            return source, enterprise.region_code, enterprise
        if actor.is_regulator:
            return CaseSource.E2B, region_code or actor.bureau.region_code, None
    code = (region_code or "").strip()
    if not code or not regions.contains(settings.YAOJIAN_PROVINCE_CODE, code):
        raise ValidationFailed.field("region_code", _("choose a division of the province"))
    return CaseSource.PUBLIC, code, None


# ---------------------------------------------------------------------------------------------
# submitting and follow-ups


def match_product(drug: dict[str, Any]):
    """The registered product a reported drug is, by approval number, else by unique name."""
    from yaojian.registry.models import Product

    number = (drug.get("approval_number") or "").strip()
    if number:
        product = Product.objects.filter(approval_number=number).first()
        if product:
            return product
    name = (drug.get("name") or "").strip()
    if not name:
        return None
    candidates = list(
        Product.objects.filter(Q(name=name) | Q(brand_name=name)).only("pk", "holder_name")[:5]
    )
    if len(candidates) == 1:
        return candidates[0]
    holder = (drug.get("holder_name") or "").strip()
    if holder:
        by_holder = [p for p in candidates if p.holder_name == holder]
        if len(by_holder) == 1:
            return by_holder[0]
    return None


def _store_version(
    case: Case, data: dict[str, Any], *, kind: str, actor: Any, batch: Any = None
) -> CaseVersion:
    number = (case.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    fields = {f: data[f] for f in casedata.VERSION_FIELDS}
    for f in casedata.DECIMAL_FIELDS:
        fields[f] = fields[f] or None
    version = CaseVersion(
        case=case,
        number=number,
        kind=kind,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        batch=batch,
        **fields,
    )
    version.full_clean(exclude=["case", "batch"])
    version.save()
    Reaction.objects.bulk_create(
        [
            Reaction(version=version, position=i, **{f: r[f] for f in casedata.REACTION_FIELDS})
            for i, r in enumerate(data["reactions"])
        ]
    )
    Drug.objects.bulk_create(
        [
            Drug(
                version=version,
                position=k,
                product=match_product(d),
                **{f: d[f] for f in casedata.DRUG_FIELDS},
            )
            for k, d in enumerate(data["drugs"])
        ]
    )
    Causality.objects.bulk_create(
        [
            Causality(
                case=case,
                version=version,
                drug_position=x["drug"],
                reaction_position=x["reaction"],
                assessor_kind=x["assessor_kind"],
                source=x["source"],
                method=x["method"],
                scale=x["scale"],
                result=x["result"],
            )
            for x in data["causalities"]
        ]
    )
    case.current_version = version
    return version


def _code_reactions(data: dict[str, Any]) -> None:
    """Fill the PT of each coded reaction from the loaded MedDRA release of its version.

    The names are stored in the platform's default language, whichever language the reporter
    reads: a case's record (its E2B export, searches, signal rows) must not change with the
    reporter's interface."""
    from yaojian.vigilance.models import MeddraRelease, MeddraTerm

    releases = {r.version: r for r in MeddraRelease.objects.all()}
    for r in data["reactions"]:
        if not r["llt_code"] or r["pt_code"]:
            continue
        release = releases.get(r["meddra_version"])
        if release is None:
            continue
        llt = MeddraTerm.objects.filter(release=release, level="llt", code=r["llt_code"]).first()
        if llt is None:
            continue
        pt = llt.pt
        with translation.override(settings.LANGUAGE_CODE):
            r["llt_name"] = r["llt_name"] or llt.display_name
            if pt is not None:
                r["pt_code"], r["pt_name"] = pt.code, pt.display_name
            if not r["reported_term"]:
                r["reported_term"] = llt.display_name


def _stamp(data: dict[str, Any]) -> None:
    """C.1.2 (date of creation) of a report made here."""
    if not data["created_on"]:
        data["created_on"] = timezone.localtime().strftime("%Y%m%d%H%M%S%z")


def _apply_clock(case: Case, data: dict[str, Any]) -> None:
    case.serious, case.fatal = casedata.serious(data), casedata.fatal(data)
    case.report_deadline = report_deadline(case.aware_date, serious=case.serious, fatal=case.fatal)
    case.review_deadline = review_deadline(case.received_date, serious=case.serious)


def case_submit(
    *,
    actor: Any,
    data: dict[str, Any],
    region_code: str | None = None,
    received: dt.date | None = None,
    batch: Any = None,
    source: str | None = None,
) -> Case:
    """A new case from a report form, the API or an E2B message (version 1)."""
    try:
        with transaction.atomic():
            case = _case_submit(
                actor=actor,
                data=data,
                region_code=region_code,
                received=received,
                batch=batch,
                source=source,
            )
    except (ValidationFailed, PermissionDenied) as error:
        audit.record(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action="vigilance.case.submit",
            outcome=error.audit_outcome,
            detail=f"{error.code}: {error.detail}",
        )
        raise
    return case


def _case_submit(*, actor, data, region_code, received, batch, source) -> Case:
    src, region, enterprise = _reporter_context(actor, region_code)
    data = casedata.clean(data)
    _code_reactions(data)
    _stamp(data)
    received = received or timezone.localdate()
    aware = casedata.to_date(data["first_received"]) or received
    if aware > received:
        raise ValidationFailed.field("first_received", _("lies after the date of receipt"))
    case = Case(
        case_number=f"tmp-{timezone.now().timestamp()}-{id(data)}",
        safety_report_id=data["safety_report_id"],
        worldwide_id=data["worldwide_id"],
        source=source or src,
        region_code=region,
        enterprise=enterprise,
        aware_date=aware,
        received_date=received,
        report_deadline=received,
        review_deadline=received,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _apply_clock(case, data)
    case.full_clean(exclude=["case_number", "current_version", "enterprise", "merged_into"])
    case.save()
    case.case_number = f"ADR{region}{received:%Y}{case.pk:07d}"
    version = _store_version(case, data, kind=VersionKind.INITIAL, actor=actor, batch=batch)
    case.save(update_fields=["case_number", "current_version"])
    workflows.record_start(case, actor)
    audit.record(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action="vigilance.case.submit",
        obj=case,
        changes={
            "case_number": case.case_number,
            "source": case.source,
            "serious": case.serious,
            "version": version.number,
        },
    )
    duplicates_detect(case)
    _post_todo(case)
    return case


def _post_todo(case: Case) -> None:
    if not case.serious:
        return

    def post() -> None:
        from django.urls import reverse

        from yaojian.accounts.models import Bureau
        from yaojian.workbench.services import todo_post

        code = case.region_code
        candidates = [code, code[:4] + "00", code[:2] + "0000"]
        bureau = Bureau.objects.filter(region_code__in=candidates).order_by("-region_code").first()
        todo_post(
            source="vigilance",
            kind="adr_review",
            title=lambda: _("Review serious adverse-reaction case %(n)s") % {"n": case.case_number},
            link=reverse("vigilance:case_detail", args=[case.pk]),
            bureau=bureau,
            due_at=timezone.make_aware(dt.datetime.combine(case.review_deadline, dt.time(18))),
            obj=case,
        )

    transaction.on_commit(post)


def _visible_case_for_update(actor: Any, case_id: int) -> Case:
    case = get_visible(Case.objects.all(), actor, pk=case_id)
    return Case.objects.select_for_update().get(pk=case.pk)


@audit.audited("vigilance.case.follow_up")
def case_follow_up(*, actor: Any, case_id: int, data: dict[str, Any], batch: Any = None) -> Case:
    """A follow-up report: a new version of the same case; the clock follows the new facts."""
    case = _visible_case_for_update(actor, case_id)
    if (
        actor is not None
        and actor.is_enterprise_user
        and not actor.has_enterprise_right(EnterpriseRight.REPORT)
    ):
        raise PermissionDenied(_("This account may not submit reports."))
    return _follow_up(actor=actor, case=case, data=data, batch=batch)


def _follow_up(*, actor: Any, case: Case, data: dict[str, Any], batch: Any = None) -> Case:
    if not case.active:
        raise Conflict(_("A merged or nullified case takes no follow-ups."))
    data = casedata.clean(data)
    _code_reactions(data)
    _stamp(data)
    old = casedata.from_version(case.current_version)
    was_serious = case.serious
    version = _store_version(case, data, kind=VersionKind.FOLLOW_UP, actor=actor, batch=batch)
    serious, fatal = casedata.serious(data), casedata.fatal(data)
    if serious and not was_serious:
        # a case that became serious: the 15-day / immediate limit counts from the follow-up
        aware = casedata.to_date(data["most_recent"]) or timezone.localdate()
        case.aware_date = min(aware, timezone.localdate())
    case.serious, case.fatal = serious, fatal
    case.report_deadline = report_deadline(case.aware_date, serious=serious, fatal=fatal)
    if serious and not was_serious and case.status == CaseStatus.RECEIVED:
        case.review_deadline = review_deadline(timezone.localdate(), serious=True)
    case.save()
    changes = casedata.diff(old, casedata.from_version(version))
    audit.record(
        actor=actor,
        action="vigilance.case.follow_up",
        obj=case,
        changes={"version": version.number, "changed": [path for path, _a, _b in changes][:50]},
    )
    duplicates_detect(case)
    _post_todo(case)
    return case


def version_diff(case: Case, a: int, b: int) -> list[tuple[str, Any, Any]]:
    va = case.versions.get(number=a)
    vb = case.versions.get(number=b)
    return casedata.diff(casedata.from_version(va), casedata.from_version(vb))


# ---------------------------------------------------------------------------------------------
# causality


@audit.audited("vigilance.causality.assess")
def causality_assess(
    *,
    actor: Any,
    case_id: int,
    drug: int,
    reaction: int,
    scale: str,
    result: str,
    comment: str = "",
) -> Causality:
    """The monitoring centre's assessment of one drug-reaction pair of the current version."""
    require_centre(actor, "vigilance.causality.assess")
    case = _visible_case_for_update(actor, case_id)
    if not case.active:
        raise Conflict(_("A merged or nullified case is not assessed."))
    version = case.current_version
    if scale not in (CausalityScale.CHINA, CausalityScale.WHO_UMC):
        raise ValidationFailed.field("scale", _("choose the Chinese or the WHO-UMC scale"))
    from yaojian.vigilance.choices import CAUSALITY_RESULTS

    if result not in CAUSALITY_RESULTS[scale].values:
        raise ValidationFailed.field("result", _("not a grade of the chosen scale"))
    if not version.drugs.filter(position=drug).exists():
        raise ValidationFailed.field("drug", _("refers to no drug of the case"))
    if not version.reactions.filter(position=reaction).exists():
        raise ValidationFailed.field("reaction", _("refers to no reaction of the case"))
    assessment = Causality(
        case=case,
        version=version,
        drug_position=drug,
        reaction_position=reaction,
        assessor_kind=AssessorKind.CENTRE,
        source=_("Monitoring centre"),
        method=CausalityScale(scale).label,
        scale=scale,
        result=result,
        comment=comment,
        assessed_by=actor,
    )
    assessment.full_clean()
    assessment.save()
    if case.status == CaseStatus.RECEIVED:
        workflows.transition(case, CaseStatus.ASSESSED, actor=actor, note=result)
        case.reviewed_at = timezone.now()
        case.save(update_fields=["reviewed_at"])

        def close() -> None:
            from yaojian.workbench.services import todos_close_for

            todos_close_for(case, kind="adr_review", actor=actor)

        transaction.on_commit(close)
    audit.record(
        actor=actor,
        action="vigilance.causality.assess",
        obj=case,
        changes={"drug": drug, "reaction": reaction, "scale": scale, "result": result},
    )
    return assessment


# ---------------------------------------------------------------------------------------------
# duplicates and merges

ONSET_WINDOW_DAYS = 7


def _signature(version: CaseVersion) -> dict[str, Any]:
    patient = (version.patient_name or "").strip().upper()
    initials = "".join(part[:1] for part in patient.split()) if " " in patient else patient
    return {
        "initials": initials,
        "sex": version.patient_sex,
        "age": version.age_years,
        "birth": version.patient_birth_date,
        "drugs": {
            (d.product_id or d.name.strip().upper())
            for d in version.drugs.all()
            if d.role in SIGNAL_ROLES
        },
        "pts": {
            (r.pt_code or r.llt_code or r.reported_term.strip().upper())
            for r in version.reactions.all()
        },
        "onsets": [casedata.to_date(r.onset) for r in version.reactions.all() if r.onset],
        "reporter": (version.reporter_name, version.reporter_organisation, version.sender_id),
    }


def duplicate_score(a: CaseVersion, b: CaseVersion) -> tuple[float, list[str]]:
    """How alike two versions are (0..1) and which features matched; 0 when a required
    feature (suspect drug, reaction PT) differs or the reporters are the same."""
    sa, sb = _signature(a), _signature(b)
    if not (sa["drugs"] & sb["drugs"]) or not (sa["pts"] & sb["pts"]):
        return 0.0, []
    if sa["reporter"] == sb["reporter"] and any(sa["reporter"]):
        return 0.0, []  # the same reporter sending twice is a follow-up, not a duplicate
    reasons = ["suspect_drug", "reaction_pt"]
    score = 0.4
    if sa["sex"] and sa["sex"] == sb["sex"]:
        score += 0.1
        reasons.append("sex")
    elif sa["sex"] and sb["sex"]:
        return 0.0, []
    if sa["initials"] and sa["initials"] == sb["initials"]:
        score += 0.2
        reasons.append("patient")
    if sa["birth"] and sa["birth"] == sb["birth"]:
        score += 0.1
        reasons.append("birth_date")
    if sa["age"] is not None and sb["age"] is not None:
        if abs(sa["age"] - sb["age"]) <= 1:
            score += 0.1
            reasons.append("age")
        else:
            return 0.0, []
    close = [
        x
        for x in sa["onsets"]
        for y in sb["onsets"]
        if x and y and abs((x - y).days) <= ONSET_WINDOW_DAYS
    ]
    if close:
        score += 0.2
        reasons.append("onset")
    elif sa["onsets"] and sb["onsets"]:
        return 0.0, []
    return min(score, 1.0), reasons


DUPLICATE_THRESHOLD = 0.7


def duplicates_detect(case: Case) -> list[DuplicateCandidate]:
    """Find probable duplicates of a case among active cases with a common suspect drug
    and reaction; record new pairs for a reviewer."""
    version = case.current_version
    drug_products = [
        d.product_id for d in version.drugs.all() if d.role in SIGNAL_ROLES and d.product_id
    ]
    drug_names = [d.name for d in version.drugs.all() if d.role in SIGNAL_ROLES]
    pts = [r.pt_code for r in version.reactions.all() if r.pt_code]
    terms = [r.reported_term for r in version.reactions.all() if r.reported_term]
    others = (
        Case.objects.filter(status__in=(CaseStatus.RECEIVED, CaseStatus.ASSESSED))
        .exclude(pk=case.pk)
        .filter(
            Q(current_version__drugs__product_id__in=drug_products)
            | Q(current_version__drugs__name__in=drug_names)
        )
        .filter(
            Q(current_version__reactions__pt_code__in=pts)
            | Q(current_version__reactions__reported_term__in=terms)
        )
        .distinct()
        .select_related("current_version")[:200]
    )
    found = []
    for other in others:
        score, reasons = duplicate_score(version, other.current_version)
        if score < DUPLICATE_THRESHOLD:
            continue
        a, b = sorted((case, other), key=lambda x: x.pk)
        pair, created = DuplicateCandidate.objects.get_or_create(
            case_a=a, case_b=b, defaults={"score": score, "reasons": reasons}
        )
        if not created and pair.status == DuplicateStatus.OPEN:
            pair.score, pair.reasons = score, reasons
            pair.save(update_fields=["score", "reasons"])
        found.append(pair)
    return found


@audit.audited("vigilance.case.merge")
def case_merge(*, actor: Any, pair_id: int, survivor_id: int, reason: str) -> CaseMerge:
    """Merge a probable duplicate: the survivor gets a new version noting the merge, the other
    case is closed as merged (it stays readable, linked to the survivor)."""
    from yaojian.vigilance import selectors

    require_centre(actor, "vigilance.case.merge")
    pair = selectors.duplicate_get(actor, pair_id)
    pair = DuplicateCandidate.objects.select_for_update().get(pk=pair.pk)
    if pair.status != DuplicateStatus.OPEN:
        raise Conflict(_("This pair has already been decided."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", _("say why the cases are the same"))
    if survivor_id not in (pair.case_a_id, pair.case_b_id):
        raise ValidationFailed.field("survivor", _("the surviving case must be one of the pair"))
    survivor = Case.objects.select_for_update().get(pk=survivor_id)
    merged = Case.objects.select_for_update().get(
        pk=pair.case_b_id if survivor_id == pair.case_a_id else pair.case_a_id
    )
    if not (survivor.active and merged.active):
        raise Conflict(_("Both cases must be open to be merged."))
    workflows.transition(merged, CaseStatus.MERGED, actor=actor, note=reason)
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into"])
    # the survivor's new version keeps its own content and records the merge in the narrative
    current = casedata.from_version(survivor.current_version)
    note = _("[Merged duplicate %(n)s: %(why)s]") % {"n": merged.case_number, "why": reason}
    current["narrative"] = (current["narrative"] + "\n" + note).strip()
    version = _store_version(survivor, casedata.clean(current), kind=VersionKind.MERGE, actor=actor)
    survivor.save(update_fields=["current_version"])
    record = CaseMerge(
        survivor=survivor, merged=merged, candidate=pair, merged_by=actor, reason=reason
    )
    record.full_clean()
    record.save()
    pair.status, pair.decided_by, pair.decided_at = DuplicateStatus.MERGED, actor, timezone.now()
    pair.decision_reason = reason
    pair.save()
    # other open pairs of the merged case are moot
    DuplicateCandidate.objects.filter(
        Q(case_a=merged) | Q(case_b=merged), status=DuplicateStatus.OPEN
    ).update(status=DuplicateStatus.DISMISSED, decision_reason=f"merged into {survivor}")
    audit.record(
        actor=actor,
        action="vigilance.case.merge",
        obj=survivor,
        changes={
            "survivor": survivor.case_number,
            "merged": merged.case_number,
            "reason": reason,
            "version": version.number,
        },
    )
    return record


@audit.audited("vigilance.duplicate.dismiss")
def duplicate_dismiss(*, actor: Any, pair_id: int, reason: str) -> DuplicateCandidate:
    from yaojian.vigilance import selectors

    require_centre(actor, "vigilance.duplicate.dismiss")
    pair = selectors.duplicate_get(actor, pair_id)
    if pair.status != DuplicateStatus.OPEN:
        raise Conflict(_("This pair has already been decided."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", _("say why they are different cases"))
    pair.status, pair.decided_by, pair.decided_at = DuplicateStatus.DISMISSED, actor, timezone.now()
    pair.decision_reason = reason
    pair.save()
    audit.record(
        actor=actor, action="vigilance.duplicate.dismiss", obj=pair, changes={"reason": reason}
    )
    return pair


@audit.audited("vigilance.case.nullify")
def case_nullify(*, actor: Any, case_id: int, reason: str) -> Case:
    require_centre(actor, "vigilance.case.nullify")
    case = _visible_case_for_update(actor, case_id)
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("is required"))
    workflows.transition(case, CaseStatus.NULLIFIED, actor=actor, note=reason)
    audit.record(actor=actor, action="vigilance.case.nullify", obj=case, changes={"reason": reason})
    return case
