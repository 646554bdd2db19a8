"""Intelligent pre-checks (智能审批): rules that run on submission and write a report.

Each rule has a stable code, a name, a result (pass, warning, fail, not applicable) and an
explanation the reviewer can act on. On matters decided at once, an application with no
failure and no warning is approved on submission (秒批).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.core import regions
from yaojian.core.texts import (
    for_storage,
    in_active_language,
    join_items,
    language_codes,
    reads_chinese,
)
from yaojian.licensing.choices import OPEN_STATUSES, CheckResult, MatterKind, Route
from yaojian.licensing.config import fields_of, materials_of
from yaojian.registry import rules
from yaojian.registry.choices import (
    RETAIL_KINDS,
    EnterpriseStatus,
    LicenceStatus,
    RiskGrade,
    Severity,
    TimelineKind,
)
from yaojian.registry.models import Licence, TimelineEvent
from yaojian.registry.scopes import display_scope
from yaojian.registry.services.licences import HOLDER_KINDS

R = CheckResult
RETAIL_LICENCES = {"drug_retail", "drug_retail_chain_store"}


@dataclass(frozen=True)
class Outcome:
    code: str
    name: str
    result: str
    explanation: str


@dataclass(frozen=True)
class Rule:
    code: str
    name: object
    run: Callable


def _completeness(application) -> tuple[str, str]:
    missing = []
    commitment = application.route == Route.COMMITMENT
    uploaded = set(application.uploaded_materials.values_list("code", flat=True))
    for material in materials_of(application.matter):
        if (
            material.required
            and material.code not in uploaded
            and not (commitment and material.waived_by_commitment)
        ):
            missing.append(material.display_name)
    for spec in fields_of(application.matter):
        if spec.required and application.form_data.get(spec.name) in (None, "", []):
            missing.append(spec.display_label)
    if missing:
        return R.FAIL, _("Missing: %(items)s.") % {"items": join_items(missing)}
    return R.PASS, _("Every required material and field is present.")


def _enterprise_active(application) -> tuple[str, str]:
    enterprise = application.enterprise
    if enterprise.status != EnterpriseStatus.ACTIVE:
        return R.FAIL, _("The enterprise is %(status)s in the register.") % {
            "status": enterprise.get_status_display()
        }
    if enterprise.verified_at is None:
        return R.WARN, _("The enterprise registered itself and the bureau has not yet checked it.")
    return R.PASS, _("Credit code %(uscc)s is in the register and in business.") % {
        "uscc": enterprise.uscc
    }


def _jurisdiction(application) -> tuple[str, str]:
    code = application.enterprise.region_code
    if not regions.contains(application.handling_bureau.region_code, code):
        return R.FAIL, _(
            "The enterprise's division %(code)s is outside %(bureau)s's jurisdiction."
        ) % {"code": code, "bureau": application.handling_bureau.display_name}
    address = str(application.form_data.get("address") or application.enterprise.address)
    county = regions.get(code)
    if county and county.name not in address:
        return R.WARN, _(
            "The address does not name %(county)s, where the enterprise is registered."
        ) % {"county": _county(county)}
    return R.PASS, _("The enterprise lies inside %(bureau)s's jurisdiction.") % {
        "bureau": application.handling_bureau.display_name
    }


def _county(county) -> str:
    """The county as the address should name it: in Chinese, for the address is Chinese; a
    reader of English reads its English name beside it."""
    if reads_chinese() or county.display_name == county.name:
        return county.name
    return f"{county.display_name} ({county.name})"


def _holder_kind(application) -> tuple[str, str]:
    enterprise = application.enterprise
    allowed = HOLDER_KINDS.get(application.matter.licence_kind, set())
    if allowed and enterprise.kind not in allowed:
        return R.FAIL, _("A %(kind)s cannot hold this licence.") % {
            "kind": enterprise.get_kind_display()
        }
    return R.PASS, _("The enterprise's type may hold this licence.")


def _pharmacist(application) -> tuple[str, str]:
    if (
        application.matter.licence_kind not in RETAIL_LICENCES
        or application.matter.kind == MatterKind.CANCELLATION
    ):
        return R.NOT_APPLICABLE, _("Only retail pharmacies need a licensed pharmacist.")
    if application.enterprise.kind not in RETAIL_KINDS:
        return R.NOT_APPLICABLE, _("Only retail pharmacies need a licensed pharmacist.")
    if rules.current_pharmacists().filter(enterprise=application.enterprise).exists():
        return R.PASS, _("A licensed pharmacist with a current registration is in post.")
    return R.FAIL, _(
        "No licensed pharmacist with a current registration is registered at this pharmacy."
    )


def _scope(application) -> tuple[str, str]:
    allowed = set(application.matter.scope_choices or [])
    requested = application.form_data.get("scope") or []
    if isinstance(requested, str):
        requested = [
            item for item in requested.replace("，", "、").replace(",", "、").split("、") if item
        ]
    if not allowed or not requested:
        return R.NOT_APPLICABLE, _("This matter has no scope to check.")
    outside = [item for item in requested if item not in allowed]
    if outside:
        return R.FAIL, _("Not allowed for this licence: %(items)s.") % {
            "items": display_scope(outside)
        }
    return R.PASS, _("Every scope item is allowed for this licence.")


def _existing_licence(application) -> tuple[str, str]:
    held = Licence.objects.filter(
        holder=application.enterprise, kind=application.matter.licence_kind
    )
    current = held.filter(status__in=[LicenceStatus.VALID, LicenceStatus.SUSPENDED])
    if application.matter.kind in (MatterKind.NEW, MatterKind.FILING):
        if current.exists():
            return R.FAIL, _(
                "The enterprise already holds %(number)s; apply for a change or a renewal instead."
            ) % {"number": current.first().number}
        return R.PASS, _("The enterprise holds no licence of this kind yet.")
    number = application.form_data.get("licence_number")
    licence = current.filter(number=number).first() if number else current.first()
    if licence is None:
        return R.FAIL, _(
            "The enterprise holds no valid licence of this kind to change, renew or cancel."
        )
    if licence.status == LicenceStatus.SUSPENDED:
        return R.WARN, _("Licence %(number)s is suspended.") % {"number": licence.number}
    return R.PASS, _("Licence %(number)s is valid.") % {"number": licence.number}


def _renewal_window(application) -> tuple[str, str]:
    if application.matter.kind != MatterKind.RENEWAL:
        return R.NOT_APPLICABLE, _("Only renewals have an application window.")
    licence = Licence.objects.filter(
        holder=application.enterprise,
        kind=application.matter.licence_kind,
        number=application.form_data.get("licence_number"),
    ).first()
    if licence is None or licence.valid_until is None:
        return R.NOT_APPLICABLE, _("No validity to compare with.")
    today = timezone.localdate()
    if today > licence.valid_until:
        return R.FAIL, _(
            "The licence expired on %(date)s: a renewal is no longer possible, apply anew."
        ) % {"date": licence.valid_until}
    if today < licence.valid_until - dt.timedelta(days=183):
        return R.WARN, _("Renewals are made in the six months before expiry (%(date)s).") % {
            "date": licence.valid_until
        }
    return R.PASS, _("Within the six months before expiry (%(date)s).") % {
        "date": licence.valid_until
    }


def _duplicates(application) -> tuple[str, str]:
    others = application.enterprise.applications.filter(
        matter__licence_kind=application.matter.licence_kind, status__in=OPEN_STATUSES
    ).exclude(pk=application.pk)
    if others.exists():
        return R.FAIL, _("Application %(number)s for the same licence is still open.") % {
            "number": others.first().number
        }
    return R.PASS, _("No other open application for this licence.")


def _credit(application) -> tuple[str, str]:
    year_ago = timezone.now() - dt.timedelta(days=365)
    penalties = TimelineEvent.objects.filter(
        enterprise=application.enterprise, kind=TimelineKind.PENALTY, occurred_at__gte=year_ago
    )
    serious = penalties.filter(severity=Severity.ALERT).count()
    if application.enterprise.risk_grade == RiskGrade.D or serious:
        return R.WARN, _(
            "Supervision grade %(grade)s; %(n)d serious penalties in the last year."
        ) % {"grade": application.enterprise.risk_grade, "n": serious}
    return R.PASS, _("Supervision grade %(grade)s; no serious penalty in the last year.") % {
        "grade": application.enterprise.risk_grade
    }


RULES: list[Rule] = [
    Rule("completeness", gettext_lazy("Materials and form complete"), _completeness),
    Rule(
        "enterprise_active",
        gettext_lazy("Applicant in the register and in business"),
        _enterprise_active,
    ),
    Rule("jurisdiction", gettext_lazy("Inside the bureau's jurisdiction"), _jurisdiction),
    Rule("holder_kind", gettext_lazy("Type of enterprise allowed"), _holder_kind),
    Rule("pharmacist", gettext_lazy("Licensed pharmacist in post"), _pharmacist),
    Rule("scope", gettext_lazy("Scope allowed for the licence"), _scope),
    Rule("existing_licence", gettext_lazy("Licences already held"), _existing_licence),
    Rule("renewal_window", gettext_lazy("Renewal window"), _renewal_window),
    Rule("duplicates", gettext_lazy("No conflicting application"), _duplicates),
    Rule("credit", gettext_lazy("Credit standing and penalties"), _credit),
]


def run(application) -> list[dict]:
    """Run every rule; the report is stored on the application for the reviewer.

    Each explanation is written in every language of the platform (`explanation_i18n`), so
    that the applicant and the reviewer each read it in theirs, whichever language the
    submitter read; `explanation` holds the default language's text."""
    report = []
    for rule in RULES:
        texts = {}
        for code in language_codes():
            with translation.override(code):
                result, explanation = rule.run(application)
                texts[code] = str(explanation)
        explanation, per_language = for_storage(texts)
        outcome = asdict(Outcome(rule.code, str(rule.name), str(result), explanation))
        report.append({**outcome, "explanation_i18n": per_language})
    return report


def explanation_of(item: dict) -> str:
    """A stored report item's explanation in the reader's language (reports stored before
    explanations were kept per language read as they were written)."""
    return in_active_language(item.get("explanation_i18n"), item.get("explanation", ""))


def all_pass(report: list[dict]) -> bool:
    return all(item["result"] in (R.PASS, R.NOT_APPLICABLE) for item in report)
