"""The legal provisions a penalty may rest on, and the discretion benchmark (裁量基准).

A small, reviewed table in code (changes go through review, like the law itself). Each
provision states its fine: a fixed range in yuan, or a multiple of the value of the goods
(货值金额) with the statutory floor the law counts an undervalued case at.

The benchmark divides the statutory range into bands (the common provincial rule of the
市场监管 discretion benchmarks): lighter (从轻) the lowest 30 %, ordinary (一般) 30–70 %,
heavier (从重) the top 30 %. Mitigation (减轻) goes below the minimum and needs the bureau's
leadership; exemption (不予处罚, including 首违不罚 under 行政处罚法 第三十三条) imposes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from yaojian.enforcement.choices import Discretion

LIGHTER_SHARE = Decimal("0.3")
HEAVIER_SHARE = Decimal("0.7")
YUAN = Decimal("1")

# 较大数额 (hearing right, 市场监督管理行政处罚听证办法 第五条) and 较低数额 (3-month display,
# 市场监督管理行政处罚信息公示规定 第十四条): fines from these amounts give a hearing right;
# fines below them are "small" and shown for 3 months only.
LARGE_FINE = {"natural_person": Decimal("10000"), "organisation": Decimal("100000")}


@dataclass(frozen=True)
class Provision:
    code: str
    law: str
    article: str
    title: Any
    fixed_min: Decimal | None = None  # yuan
    fixed_max: Decimal | None = None
    multiple_min: Decimal | None = None  # × the value of the goods
    multiple_max: Decimal | None = None
    value_floor: Decimal = Decimal("0")  # 货值金额不足…的，按…计算
    warning: bool = False  # a warning is a penalty of this provision
    revocation: bool = False  # licence revocation possible
    first_offence_exempt: bool = False  # 首违不罚 possible (minor harm, corrected in time)

    @property
    def label(self) -> str:
        return f"{self.law}{self.article}"

    @property
    def by_value(self) -> bool:
        return self.multiple_min is not None

    def range(self, goods_value: Decimal | None = None) -> tuple[Decimal, Decimal]:
        """The statutory fine range in yuan."""
        if self.by_value:
            base = max(Decimal(goods_value or 0), self.value_floor)
            return (base * self.multiple_min).quantize(YUAN), (base * self.multiple_max).quantize(
                YUAN
            )
        return self.fixed_min or Decimal(0), self.fixed_max or Decimal(0)


DAL = "《中华人民共和国药品管理法》"
PROVISIONS: dict[str, Provision] = {
    p.code: p
    for p in [
        Provision(
            "dal-115",
            DAL,
            "第一百一十五条",
            _("Producing or selling drugs without a licence"),
            multiple_min=Decimal(15),
            multiple_max=Decimal(30),
            value_floor=Decimal(100000),
        ),
        Provision(
            "dal-116",
            DAL,
            "第一百一十六条",
            _("Producing or selling counterfeit drugs (假药)"),
            multiple_min=Decimal(15),
            multiple_max=Decimal(30),
            value_floor=Decimal(100000),
            revocation=True,
        ),
        Provision(
            "dal-117",
            DAL,
            "第一百一十七条第一款",
            _("Producing or selling substandard drugs (劣药)"),
            multiple_min=Decimal(10),
            multiple_max=Decimal(20),
            value_floor=Decimal(100000),
            revocation=True,
        ),
        Provision(
            "dal-117-2",
            DAL,
            "第一百一十七条第二款",
            _("Decoction pieces below standard without effect on safety or efficacy"),
            fixed_min=Decimal(100000),
            fixed_max=Decimal(500000),
            warning=True,
            first_offence_exempt=True,
        ),
        Provision(
            "dal-126",
            DAL,
            "第一百二十六条",
            _("Not following GMP/GSP and the other quality rules"),
            fixed_min=Decimal(100000),
            fixed_max=Decimal(500000),
            warning=True,
        ),
        Provision(
            "dal-126-serious",
            DAL,
            "第一百二十六条（情节严重）",
            _("Not following GMP/GSP, serious circumstances"),
            fixed_min=Decimal(500000),
            fixed_max=Decimal(2000000),
            revocation=True,
        ),
        Provision(
            "dal-127",
            DAL,
            "第一百二十七条",
            _("No traceability system, unreported changes and other breaches"),
            fixed_min=Decimal(100000),
            fixed_max=Decimal(500000),
            warning=True,
            first_offence_exempt=True,
        ),
        Provision(
            "dal-129",
            DAL,
            "第一百二十九条",
            _("Buying drugs from suppliers without the required licence"),
            multiple_min=Decimal(2),
            multiple_max=Decimal(10),
            value_floor=Decimal(50000),
        ),
        Provision(
            "dal-129-serious",
            DAL,
            "第一百二十九条（情节严重）",
            _("Buying drugs from unlicensed suppliers, serious circumstances"),
            multiple_min=Decimal(10),
            multiple_max=Decimal(30),
            value_floor=Decimal(50000),
            revocation=True,
        ),
        Provision(
            "dal-130",
            DAL,
            "第一百三十条",
            _("No purchase/sale records, wrong dispensing or dosage advice"),
            warning=True,
            revocation=True,
            first_offence_exempt=True,
        ),
    ]
}


def get(code: str) -> Provision | None:
    return PROVISIONS.get(code)


def choices() -> list[tuple[str, str]]:
    return [(p.code, f"{p.label} {p.title}") for p in PROVISIONS.values()]


def band(
    provision: Provision, discretion: str, goods_value: Decimal | None = None
) -> tuple[Decimal, Decimal]:
    """The fine band of a discretion level: the amounts a decision at that level may impose."""
    low, high = provision.range(goods_value)
    width = high - low
    if discretion == Discretion.EXEMPT:
        return Decimal(0), Decimal(0)
    if discretion == Discretion.MITIGATED:
        return Decimal(0), max(low - YUAN, Decimal(0))
    if discretion == Discretion.LIGHTER:
        return low, (low + width * LIGHTER_SHARE).quantize(YUAN, ROUND_HALF_UP)
    if discretion == Discretion.ORDINARY:
        return (low + width * LIGHTER_SHARE).quantize(YUAN, ROUND_HALF_UP), (
            low + width * HEAVIER_SHARE
        ).quantize(YUAN, ROUND_HALF_UP)
    return (low + width * HEAVIER_SHARE).quantize(YUAN, ROUND_HALF_UP), high


def suggested_fine(
    provision: Provision, discretion: str, goods_value: Decimal | None = None
) -> Decimal:
    """The middle of the band, rounded to the yuan: what the form proposes."""
    low, high = band(provision, discretion, goods_value)
    return ((low + high) / 2).quantize(YUAN, ROUND_HALF_UP)


def is_large_fine(amount: Decimal | None, party_kind: str) -> bool:
    return bool(amount) and Decimal(amount) >= LARGE_FINE[party_kind]
