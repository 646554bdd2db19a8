"""The columns of each register's import file: headers, allowed values, and cell conversion.

Headers are Chinese in the templates (the people who fill them in work in Chinese); the
English header and the field name are accepted too. Allowed values of a choice column are
accepted as the Chinese name, the code, or the English name. The Chinese names are part of
the file format (like the headers), so they are written here and not left to the catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.core import regions
from yaojian.core.errors import ValidationFailed
from yaojian.core.texts import join_items
from yaojian.core.validators import uscc_with_check_character
from yaojian.datacenter.models import ImportRegister
from yaojian.registry import choices as c

TEXT, CHOICE, DATE, NUMBER, CODE = "text", "choice", "date", "number", "code"

# Chinese names of the allowed values: the first is written in templates, all are accepted.
CHINESE_NAMES: dict[type, dict[str, tuple[str, ...]]] = {
    c.EnterpriseKind: {
        "drug_manufacturer": ("药品生产企业",),
        "mah": ("药品上市许可持有人", "上市许可持有人"),
        "wholesaler": ("药品批发企业", "药品经营企业（批发）"),
        "retail_chain_hq": ("药品零售连锁企业（总部）", "零售连锁总部", "连锁总部"),
        "retail_chain_store": ("零售连锁药店门店", "连锁门店", "连锁药店门店"),
        "retail_pharmacy": ("单体零售药店", "单体药店", "零售药店"),
        "medical_institution": ("医疗机构",),
        "device_manufacturer": ("医疗器械生产企业",),
        "device_distributor": ("医疗器械经营企业",),
        "cosmetics_manufacturer": ("化妆品生产企业",),
        "online_platform": ("网络交易平台", "第三方平台"),
    },
    c.EnterpriseStatus: {
        "active": ("在营", "存续", "正常"),
        "suspended": ("停业",),
        "cancelled": ("已注销", "注销"),
    },
    c.RiskGrade: {"A": ("A",), "B": ("B",), "C": ("C",), "D": ("D",)},
    c.LicenceKind: {
        "drug_manufacturing": ("药品生产许可证",),
        "drug_wholesale": ("药品经营许可证（批发）", "药品批发"),
        "drug_retail_chain_hq": ("药品经营许可证（零售连锁总部）", "零售连锁总部"),
        "drug_retail_chain_store": ("药品经营许可证（零售连锁门店）", "零售连锁门店"),
        "drug_retail": ("药品经营许可证（零售）", "药品零售"),
        "device_trading_iii": ("医疗器械经营许可证（第三类）", "医疗器械经营许可证"),
        "device_trading_ii": ("第二类医疗器械经营备案凭证", "第二类医疗器械经营备案"),
        "device_manufacturing": ("医疗器械生产许可证",),
        "cosmetics_manufacturing": ("化妆品生产许可证",),
        "online_drug_sales": ("药品网络销售备案",),
    },
    c.LicenceStatus: {
        "valid": ("有效", "正常"),
        "suspended": ("暂停",),
        "revoked": ("吊销", "已吊销"),
        "cancelled": ("注销", "已注销"),
        "expired": ("过期", "已过期"),
    },
    c.ProductKind: {
        "drug": ("药品",),
        "tcm_piece": ("中药饮片", "饮片"),
        "device": ("医疗器械",),
        "cosmetic": ("化妆品",),
    },
    c.RxClass: {
        "rx": ("处方药",),
        "otc_a": ("甲类非处方药", "甲类OTC"),
        "otc_b": ("乙类非处方药", "乙类OTC"),
    },
    c.DeviceClass: {
        "I": ("第一类", "一类", "Ⅰ类"),
        "II": ("第二类", "二类", "Ⅱ类"),
        "III": ("第三类", "三类", "Ⅲ类"),
    },
    c.CosmeticCategory: {"special": ("特殊化妆品",), "ordinary": ("普通化妆品",)},
    c.ProductStatus: {
        "valid": ("有效",),
        "cancelled": ("注销", "已注销"),
        "expired": ("过期", "已过期"),
    },
    c.PersonRole: {
        "licensed_pharmacist": ("执业药师",),
        "quality_manager": ("质量负责人", "质量管理人员"),
    },
    c.PharmacistCategory: {
        "pharmacy": ("药学",),
        "tcm_pharmacy": ("中药学",),
        "both": ("药学与中药学", "药学、中药学", "药学和中药学"),
    },
    c.PersonStatus: {"active": ("在职",), "left": ("离职",)},
}

# the error report adds this column; it is ignored when the report comes back corrected
ERRORS_COLUMN = "错误说明"
ERRORS_HEADERS = ("错误", "错误说明", "errors", "错误说明errors")


def normalise_header(text: Any) -> str:
    """'统一社会信用代码*', ' Unified  social credit code ' → comparable keys."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip()
    value = re.sub(r"[*＊]|[(（]必填[)）]|\(required\)", "", value, flags=re.IGNORECASE)
    return re.sub(r"[\s_]+", "", value).casefold()


def _normalise_value(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    kind: str = TEXT
    required: bool = False
    choices: type | None = None
    help: Any = ""
    example: str = ""

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(normalise_header(n) for n in (self.zh, self.en, self.key))

    @cached_property
    def _lookup(self) -> dict[str, str]:
        """Every accepted spelling of every allowed value → its code."""
        table: dict[str, str] = {}
        for value, label in self.choices.choices:
            spellings = {value, *CHINESE_NAMES.get(self.choices, {}).get(value, ())}
            with translation.override("en"):
                spellings.add(str(label))
            with translation.override("zh-hans"):
                spellings.add(str(label))
            for spelling in spellings:
                table[_normalise_value(spelling)] = value
        return table

    def chinese_name(self, value: str) -> str:
        names = CHINESE_NAMES.get(self.choices, {}).get(value)
        return names[0] if names else value

    def allowed(self) -> str:
        """'单体零售药店 (retail_pharmacy); …' for the instructions sheet and messages."""
        return "; ".join(f"{self.chinese_name(v)} ({v})" for v in self.choices.values)

    def convert(self, text: str) -> Any:
        """The cell's text as the register's value, or ValueError with the reason."""
        if self.kind == CHOICE:
            value = self._lookup.get(_normalise_value(text))
            if value is None:
                raise ValueError(
                    _("“%(value)s” is not one of the allowed values: %(allowed)s.")
                    % {"value": text, "allowed": self.allowed()}
                )
            return value
        if self.kind == DATE:
            return parse_date(text)
        if self.kind == NUMBER:
            try:
                return float(unicodedata.normalize("NFKC", text))
            except ValueError:
                raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if self.kind == CODE:
            return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
        return text


_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_date(text: str) -> dt.date:
    value = unicodedata.normalize("NFKC", text).strip()
    value = re.sub(r"[ T]00:00(:00)?$", "", value)
    for pattern in _DATE_PATTERNS:
        if match := pattern.fullmatch(value):
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise ValueError(
        _("“%(value)s” is not a date: write it as 2026-03-31.") % {"value": text}
    ) from None


@dataclass(frozen=True)
class Register:
    key: str
    columns: tuple[Column, ...]
    sheet: str  # the Chinese name of the data sheet
    example_key: str = ""  # the column whose example value marks the template's example row
    summary: tuple[str, ...] = ()  # the columns that name a row in the preview

    @property
    def label(self) -> str:
        return ImportRegister(self.key).label

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {name: column for column in self.columns for name in column.names}

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    def column(self, key: str) -> Column:
        return self.by_key[key]

    def match_header(self, headers: list[str]) -> list[list[str]]:
        """[[header, key], …] for the file's header row; ValidationFailed names bad columns."""
        mapped: list[list[str]] = []
        unknown: list[str] = []
        seen: dict[str, str] = {}
        twice: list[str] = []
        for header in headers:
            name = normalise_header(header)
            if not name or name in ERRORS_HEADERS:
                mapped.append([str(header or ""), ""])
                continue
            column = self.by_name.get(name)
            if column is None:
                unknown.append(str(header))
                mapped.append([str(header), ""])
                continue
            if column.key in seen:
                twice.append(str(header))
            seen[column.key] = str(header)
            mapped.append([str(header), column.key])
        problems = []
        if unknown:
            problems.append(_("Unknown columns: %(columns)s.") % {"columns": join_items(unknown)})
        if twice:
            problems.append(_("Columns given twice: %(columns)s.") % {"columns": join_items(twice)})
        missing = [col.zh for col in self.columns if col.required and col.key not in seen]
        if missing:
            problems.append(
                _("Missing required columns: %(columns)s.") % {"columns": join_items(missing)}
            )
        if problems:
            problems.append(
                _("Use the template of the register “%(register)s”.") % {"register": self.label}
            )
            raise ValidationFailed.field("file", " ".join(problems), code="import_columns")
        return mapped

    def example_row(self) -> list[str]:
        return [col.example for col in self.columns]


# --- the four registers -----------------------------------------------------------------------

EXAMPLE_USCC = uscc_with_check_character("91360102MA35EXAMP")
EXAMPLE_HOLDER = EXAMPLE_USCC
_next_year_end = f"{timezone.now().year + 4}-12-31"

ENTERPRISES = Register(
    key=ImportRegister.ENTERPRISES,
    sheet="企业",
    example_key="uscc",
    summary=("uscc", "name"),
    columns=(
        Column(
            "uscc",
            "统一社会信用代码",
            "Unified social credit code",
            CODE,
            True,
            help=gettext_lazy(
                "18 characters; the last is a check character. Identifies the enterprise: "
                "a code already in the register updates that enterprise."
            ),
            example=EXAMPLE_USCC,
        ),
        Column("name", "企业名称", "Name", required=True, example="南昌市东湖区示例大药房"),
        Column(
            "kind",
            "企业类型",
            "Type",
            CHOICE,
            True,
            c.EnterpriseKind,
            example="单体零售药店",
        ),
        Column(
            "legal_representative",
            "法定代表人",
            "Legal representative",
            required=True,
            example="张三",
        ),
        Column(
            "legal_representative_id",
            "法定代表人身份证号码",
            "Legal representative's ID number",
            CODE,
            help=gettext_lazy("18 characters; kept encrypted and shown masked."),
            example="",
        ),
        Column(
            "address",
            "注册地址",
            "Registered address",
            required=True,
            example="江西省南昌市东湖区八一大道1号",
        ),
        Column(
            "region_code",
            "所在地区划代码",
            "Division code",
            CODE,
            True,
            help=gettext_lazy(
                "The 6-digit code (GB/T 2260) of the county or district: see the sheet of "
                "division codes."
            ),
            example="360102",
        ),
        Column("phone", "联系电话", "Contact phone", CODE, example="0791-86001234"),
        Column(
            "status",
            "经营状态",
            "Status",
            CHOICE,
            choices=c.EnterpriseStatus,
            help=gettext_lazy("Empty for a new enterprise: in business."),
            example="在营",
        ),
        Column(
            "risk_grade",
            "监管等级",
            "Supervision grade",
            CHOICE,
            choices=c.RiskGrade,
            help=gettext_lazy("A (low risk) to D (high risk); empty for a new enterprise: B."),
            example="B",
        ),
        Column(
            "headquarters_uscc",
            "连锁总部统一社会信用代码",
            "Headquarters' credit code",
            CODE,
            help=gettext_lazy(
                "For a chain store: the credit code of its headquarters (in the register or "
                "in this file)."
            ),
        ),
        Column("latitude", "纬度", "Latitude", NUMBER, help=gettext_lazy("WGS-84, e.g. 28.68")),
        Column("longitude", "经度", "Longitude", NUMBER, help=gettext_lazy("WGS-84, e.g. 115.89")),
    ),
)

LICENCES = Register(
    key=ImportRegister.LICENCES,
    sheet="许可证",
    example_key="number",
    summary=("number", "holder_uscc"),
    columns=(
        Column(
            "number",
            "许可证编号",
            "Licence number",
            CODE,
            True,
            help=gettext_lazy(
                "In the official format of its type, e.g. 赣DA360100123 for a retail drug "
                "trading licence. A number already in the register updates that licence."
            ),
            example="赣DA360199999",
        ),
        Column(
            "kind",
            "许可证类型",
            "Licence type",
            CHOICE,
            True,
            c.LicenceKind,
            example="药品经营许可证（零售）",
        ),
        Column(
            "holder_uscc",
            "持证企业统一社会信用代码",
            "Holder's credit code",
            CODE,
            True,
            help=gettext_lazy("An enterprise of the register inside your jurisdiction."),
            example=EXAMPLE_HOLDER,
        ),
        Column(
            "scope",
            "经营范围/生产范围",
            "Scope",
            example="处方药、甲类非处方药、乙类非处方药：中成药、化学药制剂",
        ),
        Column(
            "registered_address",
            "注册地址",
            "Registered address",
            example="江西省南昌市东湖区八一大道1号",
        ),
        Column("warehouse_address", "仓库地址", "Warehouse address"),
        Column("legal_representative", "法定代表人", "Legal representative", example="张三"),
        Column("principal", "企业负责人", "Person in charge", example="张三"),
        Column("quality_manager", "质量负责人", "Quality manager", example="李四"),
        Column("issued_on", "发证日期", "Issued on", DATE, example="2025-01-15"),
        Column("valid_from", "有效期起", "Valid from", DATE, example="2025-01-15"),
        Column(
            "valid_until",
            "有效期至",
            "Valid until",
            DATE,
            help=gettext_lazy("A valid licence must not have expired."),
            example=_next_year_end,
        ),
        Column(
            "status",
            "许可证状态",
            "Status",
            CHOICE,
            choices=c.LicenceStatus,
            help=gettext_lazy("Empty for a new licence: valid."),
            example="有效",
        ),
    ),
)

PRODUCTS = Register(
    key=ImportRegister.PRODUCTS,
    sheet="产品",
    example_key="approval_number",
    summary=("name", "approval_number", "strength"),
    columns=(
        Column("kind", "产品类别", "Product type", CHOICE, True, c.ProductKind, example="药品"),
        Column(
            "name",
            "产品名称",
            "Name",
            required=True,
            help=gettext_lazy("The generic name."),
            example="阿莫西林胶囊",
        ),
        Column("brand_name", "商品名称", "Brand name"),
        Column(
            "approval_number",
            "批准文号/注册证号/备案号",
            "Approval number",
            CODE,
            help=gettext_lazy(
                "国药准字… for a drug, a registration or filing number for a device or a "
                "cosmetic; empty for a decoction piece. Identifies the product."
            ),
            example="国药准字H20209999",
        ),
        Column(
            "approval_valid_until",
            "批准证明文件有效期至",
            "Approval valid until",
            DATE,
            example=_next_year_end,
        ),
        Column("dosage_form", "剂型", "Dosage form", example="胶囊剂"),
        Column("strength", "规格", "Strength", example="0.25g"),
        Column("package_spec", "包装规格", "Package specification", example="0.25g×24粒/盒"),
        Column(
            "holder_uscc",
            "上市许可持有人/注册人统一社会信用代码",
            "Holder's credit code",
            CODE,
            help=gettext_lazy(
                "An enterprise of the register inside your jurisdiction; otherwise give "
                "only the holder's name."
            ),
        ),
        Column(
            "holder_name",
            "上市许可持有人/注册人名称",
            "Holder's name",
            example="江西示例药业有限公司",
        ),
        Column("manufacturer_uscc", "生产企业统一社会信用代码", "Manufacturer's credit code", CODE),
        Column(
            "manufacturer_name",
            "生产企业名称",
            "Manufacturer's name",
            example="江西示例药业有限公司",
        ),
        Column(
            "rx_class",
            "处方药/非处方药",
            "Prescription class",
            CHOICE,
            choices=c.RxClass,
            example="处方药",
        ),
        Column(
            "trace_product_code",
            "药品标识码",
            "Traceability product identifier",
            CODE,
            help=gettext_lazy("The first 7 digits of the drug traceability code."),
        ),
        Column("national_drug_code", "药品本位码", "National drug code", CODE),
        Column("botanical_source", "基原", "Botanical source"),
        Column("origin", "产地", "Place of origin"),
        Column("processing_method", "炮制方法", "Processing method"),
        Column(
            "standard",
            "质量标准",
            "Quality standard",
            help=gettext_lazy(
                "For a decoction piece, name + holder + standard identify the product."
            ),
        ),
        Column("device_class", "医疗器械管理类别", "Device class", CHOICE, choices=c.DeviceClass),
        Column("udi_di", "UDI-DI", "UDI-DI", CODE),
        Column(
            "cosmetic_category",
            "化妆品类别",
            "Cosmetic category",
            CHOICE,
            choices=c.CosmeticCategory,
        ),
        Column("status", "状态", "Status", CHOICE, choices=c.ProductStatus, example="有效"),
    ),
)

PEOPLE = Register(
    key=ImportRegister.PEOPLE,
    sheet="人员",
    example_key="certificate_number",
    summary=("name", "certificate_number", "enterprise_uscc"),
    columns=(
        Column("role", "人员类别", "Role", CHOICE, True, c.PersonRole, example="执业药师"),
        Column("name", "姓名", "Full name", required=True, example="王五"),
        Column(
            "id_number",
            "身份证号码",
            "ID number",
            CODE,
            help=gettext_lazy("18 characters; kept encrypted and shown masked."),
        ),
        Column(
            "certificate_number",
            "执业药师注册证编号",
            "Registration certificate number",
            CODE,
            help=gettext_lazy(
                "Required for a licensed pharmacist, and identifies them; anyone else is "
                "identified by enterprise, name and role."
            ),
            example="ZY00369999999",
        ),
        Column(
            "category", "执业类别", "Category", CHOICE, choices=c.PharmacistCategory, example="药学"
        ),
        Column(
            "enterprise_uscc",
            "执业单位统一社会信用代码",
            "Enterprise's credit code",
            CODE,
            True,
            help=gettext_lazy("An enterprise of the register inside your jurisdiction."),
            example=EXAMPLE_HOLDER,
        ),
        Column(
            "registered_until",
            "注册有效期至",
            "Registration valid until",
            DATE,
            example=_next_year_end,
        ),
        Column("status", "在职状态", "Status", CHOICE, choices=c.PersonStatus, example="在职"),
    ),
)

REGISTERS: dict[str, Register] = {r.key: r for r in (ENTERPRISES, LICENCES, PRODUCTS, PEOPLE)}


def get(register: str) -> Register:
    try:
        return REGISTERS[register]
    except KeyError:
        raise ValidationFailed.field("register", _("Choose a register.")) from None


def divisions() -> list[tuple[str, str]]:
    """(code, full name) of the province's current divisions, for the template's last sheet."""
    return [(code, regions.full_name(code)) for code in regions.divisions()]
