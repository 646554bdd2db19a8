"""What a paper licence shows, and nothing more: the signed data of an electronic licence.

No ID number, phone or other personal data: only the names that the paper licence prints.
The same fields, in the same order, make the PDF, the verification page and the API answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from yaojian.registry.choices import LicenceKind

FORMAT = "yaojian-elicence/1"

K = LicenceKind
# the official title of each kind of licence or filing certificate
TITLES = {
    K.DRUG_MANUFACTURING: "药品生产许可证",
    K.DRUG_WHOLESALE: "药品经营许可证",
    K.DRUG_RETAIL_CHAIN_HQ: "药品经营许可证",
    K.DRUG_RETAIL_CHAIN_STORE: "药品经营许可证",
    K.DRUG_RETAIL: "药品经营许可证",
    K.DEVICE_TRADING_III: "医疗器械经营许可证",
    K.DEVICE_TRADING_II: "第二类医疗器械经营备案凭证",
    K.DEVICE_MANUFACTURING: "医疗器械生产许可证",
    K.COSMETICS_MANUFACTURING: "化妆品生产许可证",
    K.ONLINE_DRUG_SALES: "药品网络销售备案凭证",
}
# the 经营方式 printed on a 药品经营许可证
TRADING_MODES = {
    K.DRUG_WHOLESALE: "批发",
    K.DRUG_RETAIL_CHAIN_HQ: "零售连锁（总部）",
    K.DRUG_RETAIL_CHAIN_STORE: "零售连锁（门店）",
    K.DRUG_RETAIL: "零售",
}
MANUFACTURING_KINDS = frozenset(
    {K.DRUG_MANUFACTURING, K.DEVICE_MANUFACTURING, K.COSMETICS_MANUFACTURING}
)

# (key, Chinese label on the paper licence, label on pages in the user's language)
FIELDS: list[tuple[str, str, Any]] = [
    ("holder", "企业名称", _("Enterprise")),
    ("credit_code", "统一社会信用代码", _("Unified social credit code")),
    ("registered_address", "注册地址", _("Registered address")),
    ("legal_representative", "法定代表人", _("Legal representative")),
    ("principal", "企业负责人", _("Person in charge")),
    ("quality_manager", "质量负责人", _("Quality manager")),
    ("warehouse_address", "仓库地址", _("Warehouse address")),
    ("mode", "经营方式", _("Mode of business")),
    ("scope", "经营范围", _("Business scope")),
    ("valid_from", "有效期自", _("Valid from")),
    ("valid_until", "有效期至", _("Valid until")),
    ("issuer", "发证机关", _("Issued by")),
    ("issue_date", "发证日期", _("Issue date")),
]
FIELD_KEYS = frozenset(
    {key for key, _zh, _label in FIELDS}
    | {"format", "kind", "title", "number", "version", "issuer_code"}
)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def paper_data(licence: Any, *, bureau: Any, version: int, issue_date: dt.date) -> dict:
    """The signed data of one version of `licence` issued by `bureau`."""
    holder = licence.holder
    return {
        "format": FORMAT,
        "kind": licence.kind,
        "title": TITLES.get(licence.kind, "许可证"),
        "number": licence.number,
        "version": version,
        "holder": holder.name,
        "credit_code": holder.uscc,
        "legal_representative": licence.legal_representative or holder.legal_representative,
        "principal": licence.principal,
        "quality_manager": licence.quality_manager,
        "registered_address": licence.registered_address or holder.address,
        "warehouse_address": licence.warehouse_address,
        "mode": TRADING_MODES.get(licence.kind, ""),
        "scope": licence.scope,
        "valid_from": _date(licence.valid_from),
        "valid_until": _date(licence.valid_until),
        "issuer": bureau.name,
        "issuer_code": bureau.region_code,
        "issue_date": _date(licence.issued_on or issue_date),
    }


def rows(data: dict, *, chinese: bool) -> list[tuple[str, str, str]]:
    """(key, label, value) in the paper licence's order, without fields it leaves out."""
    manufacturing = data.get("kind") in MANUFACTURING_KINDS
    result = []
    for key, zh, label in FIELDS:
        value = data.get(key) or ""
        if key == "mode" and not value:
            continue
        if key == "warehouse_address" and manufacturing:
            continue
        if key == "scope" and manufacturing:
            zh, label = "生产范围", _("Production scope")
        result.append((key, zh if chinese else str(label), str(value) or "—"))
    return result


def public_fields(data: dict) -> dict:
    """The signed data, limited to the paper licence's fields (defence in depth)."""
    return {key: value for key, value in data.items() if key in FIELD_KEYS}
