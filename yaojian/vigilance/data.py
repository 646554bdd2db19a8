"""The canonical form of a case version: one plain dict that forms, the API and E2B(R3) import
produce, that services store, and that export, diffs and round-trip tests read back.

    {
      "safety_report_id": "...", "report_type": "1", "first_received": "20220614", ...,
      "patient_name": "JD", "patient_sex": "1", "patient_age": "48", "patient_age_unit": "a", ...,
      "reactions": [{"reported_term": ..., "llt_code": ..., "meddra_version": ..., "onset": ...,
                     "outcome": "1", "death": False, ...}],
      "drugs": [{"role": "1", "name": ..., "dosages": [{"dose": "10", "unit": "mg", ...}], ...}],
      "causalities": [{"drug": 0, "reaction": 0, "source": ..., "method": ..., "result": ...}],
    }

Dates are E2B(R3) text: YYYY, YYYYMM, YYYYMMDD, YYYYMMDDhhmm[ss][+zzzz]. Numbers are strings.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from yaojian.core.errors import ValidationFailed
from yaojian.vigilance import choices as c

VERSION_FIELDS = (
    "safety_report_id",
    "worldwide_id",
    "created_on",
    "report_type",
    "first_received",
    "most_recent",
    "batch_number",
    "message_id",
    "sender_id",
    "receiver_id",
    "sender_type",
    "sender_organisation",
    "reporter_name",
    "reporter_qualification",
    "reporter_organisation",
    "reporter_phone",
    "reporter_country",
    "patient_name",
    "patient_sex",
    "patient_birth_date",
    "patient_age",
    "patient_age_unit",
    "patient_weight",
    "patient_height",
    "patient_medical_history",
    "narrative",
    "reporter_comments",
    "sender_comments",
)
DECIMAL_FIELDS = ("patient_age", "patient_weight", "patient_height")
REACTION_FIELDS = (
    "reported_term",
    "llt_code",
    "llt_name",
    "pt_code",
    "pt_name",
    "meddra_version",
    "onset",
    "end",
    "outcome",
    *c.SERIOUSNESS_FIELDS,
    "country",
)
DRUG_FIELDS = (
    "role",
    "name",
    "approval_number",
    "holder_name",
    "batch_number",
    "dosages",
    "indication",
    "action_taken",
    "dechallenge",
    "rechallenge",
)
DOSAGE_FIELDS = ("dose", "unit", "frequency", "frequency_unit", "route", "start", "end", "text")
CAUSALITY_FIELDS = ("drug", "reaction", "source", "method", "result", "scale", "assessor_kind")
# limits of the model fields (a longer value is an error naming the field, never a 500)
MAX_LENGTHS = {
    "safety_report_id": 100,
    "worldwide_id": 100,
    "batch_number": 100,
    "message_id": 100,
    "sender_id": 100,
    "receiver_id": 100,
    "sender_organisation": 200,
    "reporter_name": 100,
    "reporter_organisation": 200,
    "reporter_phone": 40,
    "patient_name": 100,
    "reported_term": 250,
    "llt_name": 200,
    "pt_name": 200,
    "meddra_version": 20,
    "name": 250,
    "approval_number": 100,
    "holder_name": 200,
    "indication": 250,
    "source": 100,
    "method": 100,
    "result": 100,
}
DATE_RE = re.compile(r"^\d{4}(\d{2}(\d{2}(\d{2}(\d{2}(\d{2}(\.\d+)?)?)?)?)?)?([+-]\d{4})?$")


def is_e2b_date(value: str) -> bool:
    if not DATE_RE.match(value or ""):
        return False
    try:
        to_date(value)
    except ValueError:
        return False
    return True


def to_date(value: str) -> dt.date | None:
    """The calendar date of an E2B date (None when it lacks a day)."""
    if not value or len(value) < 8:
        return None
    return dt.date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def from_date(value: dt.date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def norm_decimal(value: Any) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(str(value)) from error
    if not number.is_finite():
        raise ValueError(str(value))
    text = format(number.normalize(), "f")
    return text


def empty_case() -> dict[str, Any]:
    data: dict[str, Any] = dict.fromkeys(VERSION_FIELDS, "")
    data.update(report_type=c.ReportType.SPONTANEOUS, reactions=[], drugs=[], causalities=[])
    return data


def clean(data: dict[str, Any], *, strict_dates: bool = True) -> dict[str, Any]:
    """Check and normalise a case dict; ValidationFailed names every bad field (e.g.
    "reactions[1].onset")."""
    errors: dict[str, list[str]] = {}

    def err(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    out = empty_case()
    for field in VERSION_FIELDS:
        value = data.get(field, "")
        value = "" if value is None else str(value).strip()
        out[field] = value
    for field in DECIMAL_FIELDS:
        try:
            out[field] = norm_decimal(out[field])
            if out[field] and Decimal(out[field]) < 0:
                err(field, _("must not be negative"))
        except ValueError:
            err(field, _("is not a number"))
    out["report_type"] = out["report_type"] or c.ReportType.SPONTANEOUS
    if out["patient_age"] and not out["patient_age_unit"]:
        out["patient_age_unit"] = c.AgeUnit.YEAR
    for field, choices in (
        ("report_type", c.ReportType),
        ("patient_sex", c.Sex),
        ("patient_age_unit", c.AgeUnit),
        ("reporter_qualification", c.Qualification),
    ):
        if out[field] and out[field] not in choices.values:
            err(field, _("unknown code %(code)s") % {"code": out[field]})
    for field in ("created_on", "first_received", "most_recent", "patient_birth_date"):
        if out[field] and not is_e2b_date(out[field]):
            err(field, _("is not a date (YYYYMMDD)"))
    if not out["safety_report_id"]:
        err("safety_report_id", _("is required"))
    if not out["first_received"]:
        err("first_received", _("is required"))
    if not out["most_recent"]:
        out["most_recent"] = out["first_received"]
    if not out["patient_name"]:
        err("patient_name", _("is required (name, initials or a masked placeholder)"))
    reactions = data.get("reactions") or []
    if not reactions:
        err("reactions", _("at least one reaction is required"))
    for i, reaction in enumerate(reactions):
        r = {}
        for field in REACTION_FIELDS:
            value = reaction.get(field, False if field in c.SERIOUSNESS_FIELDS else "")
            if field in c.SERIOUSNESS_FIELDS:
                r[field] = bool(value)
            else:
                r[field] = "" if value is None else str(value).strip()
        if not r["outcome"]:
            r["outcome"] = c.Outcome.UNKNOWN
        if r["outcome"] not in c.Outcome.values:
            err(f"reactions[{i}].outcome", _("unknown code %(code)s") % {"code": r["outcome"]})
        if not (r["reported_term"] or r["llt_code"]):
            err(f"reactions[{i}]", _("a reaction needs a term or a MedDRA code"))
        if r["llt_code"] and not r["llt_code"].isdigit():
            err(f"reactions[{i}].llt_code", _("a MedDRA code is digits"))
        if r["llt_code"] and not r["meddra_version"]:
            err(f"reactions[{i}].meddra_version", _("a MedDRA code needs its version"))
        for field in ("onset", "end"):
            if r[field] and not is_e2b_date(r[field]):
                err(f"reactions[{i}].{field}", _("is not a date (YYYYMMDD)"))
        if r["outcome"] == c.Outcome.FATAL:
            r["death"] = True
        out["reactions"].append(r)
    drugs = data.get("drugs") or []
    if not any(str(d.get("role", "")) in c.SIGNAL_ROLES for d in drugs):
        err("drugs", _("at least one suspect or interacting drug is required"))
    for k, drug in enumerate(drugs):
        d: dict[str, Any] = {}
        for field in DRUG_FIELDS:
            if field == "dosages":
                continue
            value = drug.get(field, "")
            d[field] = "" if value is None else str(value).strip()
        if d["role"] not in c.DrugRole.values:
            err(f"drugs[{k}].role", _("unknown role %(code)s") % {"code": d["role"]})
        if not d["name"]:
            err(f"drugs[{k}].name", _("is required"))
        for field, choices in (
            ("action_taken", c.ActionTaken),
            ("dechallenge", c.Challenge),
            ("rechallenge", c.Challenge),
        ):
            if d[field] and d[field] not in choices.values:
                err(f"drugs[{k}].{field}", _("unknown code %(code)s") % {"code": d[field]})
        d["dosages"] = []
        for j, dosage in enumerate(drug.get("dosages") or []):
            x = {
                f: ("" if dosage.get(f) is None else str(dosage.get(f)).strip())
                for f in DOSAGE_FIELDS
            }
            try:
                x["dose"] = norm_decimal(x["dose"])
            except ValueError:
                err(f"drugs[{k}].dosages[{j}].dose", _("is not a number"))
            for field in ("start", "end"):
                if x[field] and not is_e2b_date(x[field]):
                    err(f"drugs[{k}].dosages[{j}].{field}", _("is not a date (YYYYMMDD)"))
            if any(x.values()):
                d["dosages"].append(x)
        out["drugs"].append(d)
    for n, causality in enumerate(data.get("causalities") or []):
        x = {f: causality.get(f, "") for f in CAUSALITY_FIELDS}
        try:
            x["drug"], x["reaction"] = int(x["drug"]), int(x["reaction"])
        except (TypeError, ValueError):
            err(f"causalities[{n}]", _("drug and reaction are positions"))
            continue
        if not 0 <= x["drug"] < len(out["drugs"]):
            err(f"causalities[{n}].drug", _("refers to no drug of the report"))
        if not 0 <= x["reaction"] < len(out["reactions"]):
            err(f"causalities[{n}].reaction", _("refers to no reaction of the report"))
        for f in ("source", "method", "result", "scale", "assessor_kind"):
            x[f] = str(x[f] or "").strip()
        if not x["result"]:
            err(f"causalities[{n}].result", _("is required"))
        x["scale"] = x["scale"] or guess_scale(x["result"])
        x["assessor_kind"] = x["assessor_kind"] or c.AssessorKind.SENDER
        if (
            x["scale"] in c.CAUSALITY_RESULTS
            and x["result"] not in c.CAUSALITY_RESULTS[x["scale"]].values
        ):
            err(f"causalities[{n}].result", _("not a grade of the chosen scale"))
        out["causalities"].append(x)
    _check_lengths(out, err)
    if errors:
        first_field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{first_field}: {messages[0]}", errors=errors)
    return out


def _check_lengths(out: dict[str, Any], err) -> None:
    def check(prefix: str, row: dict[str, Any]) -> None:
        for field, limit in MAX_LENGTHS.items():
            value = row.get(field)
            if isinstance(value, str) and len(value) > limit:
                err(f"{prefix}{field}", _("is longer than %(n)d characters") % {"n": limit})

    check("", out)
    for i, r in enumerate(out["reactions"]):
        check(f"reactions[{i}].", r)
    for k, d in enumerate(out["drugs"]):
        check(f"drugs[{k}].", d)
    for n, x in enumerate(out["causalities"]):
        check(f"causalities[{n}].", x)


def guess_scale(result: str) -> str:
    if result in c.ChinaCausality.values:
        return c.CausalityScale.CHINA
    if result in c.WhoUmcCausality.values:
        return c.CausalityScale.WHO_UMC
    return c.CausalityScale.OTHER


def serious(data: dict[str, Any]) -> bool:
    return any(r.get(f) for r in data["reactions"] for f in c.SERIOUSNESS_FIELDS)


def fatal(data: dict[str, Any]) -> bool:
    return any(r.get("death") or r.get("outcome") == c.Outcome.FATAL for r in data["reactions"])


# ---------------------------------------------------------------------------------------------
# from the database


def from_version(version) -> dict[str, Any]:
    """The canonical dict of a stored version (the inverse of services' storing)."""
    out = empty_case()
    for field in VERSION_FIELDS:
        value = getattr(version, field)
        out[field] = norm_decimal(value) if field in DECIMAL_FIELDS else (value or "")
    out["reactions"] = [
        {f: getattr(r, f) for f in REACTION_FIELDS} for r in version.reactions.all()
    ]
    out["drugs"] = [
        {f: (list(getattr(d, f)) if f == "dosages" else getattr(d, f)) for f in DRUG_FIELDS}
        for d in version.drugs.all()
    ]
    out["causalities"] = [
        {
            "drug": x.drug_position,
            "reaction": x.reaction_position,
            "source": x.source,
            "method": x.method,
            "result": x.result,
            "scale": x.scale,
            "assessor_kind": x.assessor_kind,
        }
        for x in version.causalities.order_by("pk")
        if x.assessor_kind != c.AssessorKind.CENTRE
    ]
    return out


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        flat: dict[str, Any] = {}
        for key, value in data.items():
            flat.update(flatten(value, f"{prefix}.{key}" if prefix else key))
        return flat
    if isinstance(data, list):
        flat = {}
        for i, value in enumerate(data):
            flat.update(flatten(value, f"{prefix}[{i}]"))
        return flat
    return {prefix: data}


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(path, old value, new value) for every field that differs."""
    a, b = flatten(old), flatten(new)
    changes = []
    for key in list(a) + [k for k in b if k not in a]:
        if a.get(key, "") != b.get(key, "") and not (key in a and key in b and a[key] == b[key]):
            changes.append((key, a.get(key), b.get(key)))
    return changes


TRANSMISSION_FIELDS = ("batch_number", "message_id", "sender_id", "receiver_id")
DERIVED_REACTION_FIELDS = ("pt_code", "pt_name", "llt_name")


def content(data: dict[str, Any]) -> dict[str, Any]:
    """A case dict without transmission headers and MedDRA names derived on import."""
    out = {k: v for k, v in data.items() if k not in TRANSMISSION_FIELDS}
    out["reactions"] = [
        {k: v for k, v in r.items() if k not in DERIVED_REACTION_FIELDS} for r in data["reactions"]
    ]
    return out


def same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return content(a) == content(b)
