"""The matters shipped with the platform, with their real legal bases and time limits.

Limits are in working days (行政许可法 第八十二条: 行政许可的期限以工作日计算); the committed
limits are the province's service promise (承诺时限), shorter than the statutory ones.
Administrators may change everything here in the matter editor; `install` only adds what is
missing (a matter, or the English of a shipped matter's name, materials and fields), so their
changes survive upgrades.

Scope items (经营范围, 生产范围) are stored in Chinese, on applications and on licences alike:
they are the legal terms the licence prints. Readers of English read them through the
licences' glossary, `registry.scopes.SCOPE_ENGLISH`.
"""

from __future__ import annotations

from yaojian.registry.scopes import SCOPE_ENGLISH

RETAIL_SCOPE = [
    "处方药",
    "甲类非处方药",
    "乙类非处方药",
    "中药饮片",
    "中成药",
    "化学药",
    "生物制品（除疫苗）",
]
WHOLESALE_SCOPE = [
    "中药饮片",
    "中成药",
    "化学药",
    "生物制品（除疫苗）",
    "麻醉药品",
    "精神药品",
    "医疗用毒性药品",
    "药品类易制毒化学品",
    "蛋白同化制剂、肽类激素",
]
MANUFACTURING_SCOPE = [
    "片剂",
    "硬胶囊剂",
    "颗粒剂",
    "丸剂",
    "口服溶液剂",
    "小容量注射剂",
    "大容量注射剂",
    "原料药",
    "中药饮片",
]
DEVICE_SCOPE = [
    "6815 注射穿刺器械",
    "6821 医用电子仪器设备",
    "6866 医用高分子材料及制品",
    "07 医用诊察和监护器械",
    "08 呼吸、麻醉和急救器械",
    "14 注输、护理和防护器械",
    "22 临床检验器械",
]

COSMETICS_UNITS = ["一般液态单元", "膏霜乳液单元", "粉单元", "气雾剂及有机溶剂单元"]


def scope_english(items: list[str]) -> list[str]:
    return [SCOPE_ENGLISH[item] for item in items]


LICENCE_MATERIALS = [
    {
        "code": "application_form",
        "name": "申请表（法定代表人签字并加盖公章）",
        "name_en": "Application form (signed by the legal representative, with the company seal)",
        "types": ["pdf"],
    },
    {
        "code": "business_licence",
        "name": "营业执照",
        "name_en": "Business licence",
        "types": ["pdf", "jpeg", "png"],
    },
    {
        "code": "premises",
        "name": "经营场所和仓库的产权证明或租赁合同",
        "name_en": "Title deeds or lease contracts of the business premises and the warehouse",
        "waived_by_commitment": True,
    },
    {
        "code": "floor_plan",
        "name": "经营场所平面布局图",
        "name_en": "Floor plan of the business premises",
        "waived_by_commitment": True,
    },
    {
        "code": "quality_system",
        "name": "质量管理文件目录",
        "name_en": "List of the quality management documents",
        "waived_by_commitment": True,
    },
]
PERSON_MATERIALS = [
    {
        "code": "pharmacist_certificate",
        "name": "执业药师注册证",
        "name_en": "Registration certificate of the licensed pharmacist",
        "types": ["pdf", "jpeg", "png"],
    },
]
CHANGE_EVIDENCE = {
    "code": "change_evidence",
    "name": "变更事项的证明材料",
    "name_en": "Documents proving the changes",
}
APPLICANT_FIELDS = [
    {
        "name": "enterprise_name",
        "label": "企业名称",
        "label_en": "Enterprise name",
        "prefill": "enterprise.name",
    },
    {
        "name": "address",
        "label": "经营地址",
        "label_en": "Business address",
        "prefill": "enterprise.address",
    },
    {
        "name": "legal_representative",
        "label": "法定代表人",
        "label_en": "Legal representative",
        "prefill": "enterprise.legal_representative",
    },
    {"name": "principal", "label": "企业负责人", "label_en": "Person in charge"},
    {"name": "quality_manager", "label": "质量负责人", "label_en": "Quality manager"},
    {
        "name": "phone",
        "label": "联系电话",
        "label_en": "Contact phone",
        "prefill": "enterprise.phone",
        "pattern": r"^[0-9\-+ ]{7,20}$",
    },
]
CHANGES_FIELD = {
    "name": "changes",
    "label": "变更事项及变更后内容",
    "label_en": "What changes, and the particulars after the change",
    "type": "textarea",
}


def _scope_field(choices, label="经营范围", label_en="Business scope"):
    return {
        "name": "scope",
        "label": label,
        "label_en": label_en,
        "type": "multi",
        "choices": choices,
        "choices_en": scope_english(choices),
    }


def _licence_field(label="许可证编号", label_en="Licence number"):
    return {
        "name": "licence_number",
        "label": label,
        "label_en": label_en,
        "type": "licence",
        "prefill": "licence.number",
    }


PRODUCTION_ADDRESS_FIELD = {
    "name": "production_address",
    "label": "生产地址",
    "label_en": "Production address",
}


def _address_field(prefill="licence.registered_address"):
    return {
        "name": "address",
        "label": "经营地址",
        "label_en": "Business address",
        "prefill": prefill,
    }


MATTERS = [
    # 药品经营许可证（零售）
    {
        "code": "drug-retail-new",
        "name": "药品经营许可证核发（零售）",
        "name_en": "Drug trading licence, retail: new",
        "legal_basis": "《中华人民共和国药品管理法》第五十二条、第五十三条；《药品经营和使用质量监督管理办法》第十二条至第十九条",
        "kind": "new",
        "licence_kind": "drug_retail",
        "handling_level": "city",
        "statutory_limit": 20,
        "committed_limit": 10,
        "commitment_route": True,
        "decided_at_once": False,
        "inspection_step": True,
        "materials": LICENCE_MATERIALS + PERSON_MATERIALS,
        "form_fields": [*APPLICANT_FIELDS, _scope_field(RETAIL_SCOPE)],
        "scope_choices": RETAIL_SCOPE,
    },
    {
        "code": "drug-retail-change",
        "name": "药品经营许可证变更（零售）",
        "name_en": "Drug trading licence, retail: change",
        "legal_basis": "《药品经营和使用质量监督管理办法》第二十四条",
        "kind": "change",
        "licence_kind": "drug_retail",
        "handling_level": "city",
        "statutory_limit": 15,
        "committed_limit": 5,
        "commitment_route": False,
        "decided_at_once": False,
        "inspection_step": False,
        "materials": [LICENCE_MATERIALS[0], CHANGE_EVIDENCE],
        "form_fields": [
            _licence_field(),
            CHANGES_FIELD,
            _address_field(),
            {
                "name": "quality_manager",
                "label": "质量负责人",
                "label_en": "Quality manager",
                "prefill": "licence.quality_manager",
            },
        ],
        "scope_choices": RETAIL_SCOPE,
    },
    {
        "code": "drug-retail-renewal",
        "name": "药品经营许可证重新审查发证（零售）",
        "name_en": "Drug trading licence, retail: renewal",
        "legal_basis": "《药品经营和使用质量监督管理办法》第二十五条：有效期届满前六个月至两个月期间申请",
        "kind": "renewal",
        "licence_kind": "drug_retail",
        "handling_level": "city",
        "statutory_limit": 20,
        "committed_limit": 10,
        "commitment_route": True,
        "decided_at_once": False,
        "inspection_step": False,
        "materials": [
            LICENCE_MATERIALS[0],
            {
                "code": "self_inspection",
                "name": "药品经营质量管理规范自查报告",
                "name_en": "Self-inspection report against Good Supply Practice (GSP)",
            },
        ],
        "form_fields": [_licence_field(), _address_field()],
        "scope_choices": RETAIL_SCOPE,
    },
    {
        "code": "drug-retail-cancellation",
        "name": "药品经营许可证注销（零售）",
        "name_en": "Drug trading licence, retail: cancellation",
        "legal_basis": "《中华人民共和国行政许可法》第七十条；《药品经营和使用质量监督管理办法》第二十六条",
        "kind": "cancellation",
        "licence_kind": "drug_retail",
        "handling_level": "city",
        "statutory_limit": 10,
        "committed_limit": 3,
        "commitment_route": False,
        "decided_at_once": False,
        "inspection_step": False,
        "materials": [LICENCE_MATERIALS[0]],
        "form_fields": [
            _licence_field(),
            {
                "name": "reason",
                "label": "注销原因",
                "label_en": "Reason for the cancellation",
                "type": "textarea",
            },
        ],
        "scope_choices": [],
    },
    # 药品经营许可证（批发）
    {
        "code": "drug-wholesale-new",
        "name": "药品经营许可证核发（批发）",
        "name_en": "Drug trading licence, wholesale: new",
        "legal_basis": "《中华人民共和国药品管理法》第五十一条；《药品经营和使用质量监督管理办法》第十二条至第十九条",
        "kind": "new",
        "licence_kind": "drug_wholesale",
        "handling_level": "province",
        "statutory_limit": 20,
        "committed_limit": 12,
        "commitment_route": False,
        "decided_at_once": False,
        "inspection_step": True,
        "materials": [
            *LICENCE_MATERIALS,
            {
                "code": "warehouse",
                "name": "仓储设施设备及计算机系统说明",
                "name_en": "Description of the storage facilities and equipment and of the "
                "computer system",
            },
        ],
        "form_fields": [
            *APPLICANT_FIELDS,
            {"name": "warehouse_address", "label": "仓库地址", "label_en": "Warehouse address"},
            _scope_field(WHOLESALE_SCOPE),
        ],
        "scope_choices": WHOLESALE_SCOPE,
    },
    # 药品生产许可证
    {
        "code": "drug-manufacturing-new",
        "name": "药品生产许可证核发",
        "name_en": "Drug manufacturing licence: new",
        "legal_basis": "《中华人民共和国药品管理法》第四十一条；《药品生产监督管理办法》第六条至第十条",
        "kind": "new",
        "licence_kind": "drug_manufacturing",
        "handling_level": "province",
        "statutory_limit": 30,
        "committed_limit": 20,
        "commitment_route": False,
        "decided_at_once": False,
        "inspection_step": True,
        "materials": [
            *LICENCE_MATERIALS,
            {
                "code": "gmp_documents",
                "name": "生产质量管理体系文件及厂区、车间布局",
                "name_en": "Documents of the production quality management system, and the "
                "layout of the site and the workshops",
            },
        ],
        "form_fields": [
            *APPLICANT_FIELDS,
            PRODUCTION_ADDRESS_FIELD,
            _scope_field(MANUFACTURING_SCOPE, "生产范围", "Production scope"),
        ],
        "scope_choices": MANUFACTURING_SCOPE,
    },
    {
        "code": "drug-manufacturing-change",
        "name": "药品生产许可证变更",
        "name_en": "Drug manufacturing licence: change",
        "legal_basis": "《药品生产监督管理办法》第十五条、第十六条",
        "kind": "change",
        "licence_kind": "drug_manufacturing",
        "handling_level": "province",
        "statutory_limit": 15,
        "committed_limit": 10,
        "commitment_route": False,
        "decided_at_once": False,
        "inspection_step": True,
        "materials": [LICENCE_MATERIALS[0], CHANGE_EVIDENCE],
        "form_fields": [_licence_field(), CHANGES_FIELD],
        "scope_choices": MANUFACTURING_SCOPE,
    },
    {
        "code": "drug-manufacturing-renewal",
        "name": "药品生产许可证重新发证",
        "name_en": "Drug manufacturing licence: renewal",
        "legal_basis": "《药品生产监督管理办法》第十九条：有效期届满前六个月申请",
        "kind": "renewal",
        "licence_kind": "drug_manufacturing",
        "handling_level": "province",
        "statutory_limit": 30,
        "committed_limit": 20,
        "commitment_route": False,
        "decided_at_once": False,
        "inspection_step": True,
        "materials": [
            LICENCE_MATERIALS[0],
            {
                "code": "self_inspection",
                "name": "药品生产质量管理规范自查报告",
                "name_en": "Self-inspection report against Good Manufacturing Practice (GMP)",
            },
        ],
        "form_fields": [_licence_field()],
        "scope_choices": MANUFACTURING_SCOPE,
    },
    # 医疗器械
    {
        "code": "device-trading-iii-new",
        "name": "第三类医疗器械经营许可",
        "name_en": "Class III medical device trading licence: new",
        "legal_basis": "《医疗器械监督管理条例》第五十二条；《医疗器械经营监督管理办法》第十一条至第十五条",
        "kind": "new",
        "licence_kind": "device_trading_iii",
        "handling_level": "city",
        "statutory_limit": 20,
        "committed_limit": 10,
        "commitment_route": True,
        "decided_at_once": False,
        "inspection_step": True,
        "materials": LICENCE_MATERIALS,
        "form_fields": [
            *APPLICANT_FIELDS,
            {
                "name": "warehouse_address",
                "label": "库房地址",
                "label_en": "Warehouse address",
                "required": False,
            },
            _scope_field(DEVICE_SCOPE),
        ],
        "scope_choices": DEVICE_SCOPE,
    },
    {
        "code": "device-trading-ii-filing",
        "name": "第二类医疗器械经营备案",
        "name_en": "Class II medical device trading filing",
        "legal_basis": "《医疗器械监督管理条例》第四十一条；《医疗器械经营监督管理办法》第二十二条：材料齐全当场备案",
        "kind": "filing",
        "licence_kind": "device_trading_ii",
        "handling_level": "city",
        "statutory_limit": 1,
        "committed_limit": 0,
        "commitment_route": False,
        "decided_at_once": True,
        "inspection_step": False,
        "materials": [
            LICENCE_MATERIALS[1],
            {
                "code": "filing_form",
                "name": "第二类医疗器械经营备案表",
                "name_en": "Class II medical device trading filing form",
                "types": ["pdf"],
            },
        ],
        "form_fields": [*APPLICANT_FIELDS[:3], _scope_field(DEVICE_SCOPE)],
        "scope_choices": DEVICE_SCOPE,
    },
    # 化妆品
    {
        "code": "cosmetics-manufacturing-new",
        "name": "化妆品生产许可",
        "name_en": "Cosmetics manufacturing licence: new",
        "legal_basis": "《化妆品监督管理条例》第二十七条；《化妆品生产经营监督管理办法》第九条至第十二条",
        "kind": "new",
        "licence_kind": "cosmetics_manufacturing",
        "handling_level": "province",
        "statutory_limit": 30,
        "committed_limit": 20,
        "commitment_route": False,
        "decided_at_once": False,
        "inspection_step": True,
        "materials": [
            *LICENCE_MATERIALS,
            {
                "code": "gmp_documents",
                "name": "生产质量管理体系文件",
                "name_en": "Documents of the production quality management system",
            },
        ],
        "form_fields": [
            *APPLICANT_FIELDS,
            PRODUCTION_ADDRESS_FIELD,
            _scope_field(COSMETICS_UNITS, "生产许可项目", "Licensed production units"),
        ],
        "scope_choices": COSMETICS_UNITS,
    },
    # 药品网络销售
    {
        "code": "online-drug-sales-filing",
        "name": "药品网络销售信息报告（备案）",
        "name_en": "Online drug sales filing",
        "legal_basis": "《药品网络销售监督管理办法》第十一条",
        "kind": "filing",
        "licence_kind": "online_drug_sales",
        "handling_level": "province",
        "statutory_limit": 1,
        "committed_limit": 0,
        "commitment_route": False,
        "decided_at_once": True,
        "inspection_step": False,
        "materials": [
            {
                "code": "report_form",
                "name": "药品网络销售信息报告表",
                "name_en": "Online drug sales information report form",
                "types": ["pdf"],
            }
        ],
        "form_fields": [
            *APPLICANT_FIELDS[:3],
            {
                "name": "website",
                "label": "网站、网店或客户端名称及网址",
                "label_en": "Name and address (URL) of the website, online shop or app",
            },
        ],
        "scope_choices": [],
    },
]


def install(matter_model) -> int:
    """Add the shipped matters that are missing (by code) and give the English name, material
    names and field labels to those that lack them; leave edited ones alone. Returns how many
    matters it added."""
    existing = set(matter_model.objects.values_list("code", flat=True))
    created = [matter_model(**spec) for spec in MATTERS if spec["code"] not in existing]
    matter_model.objects.bulk_create(created)
    fill_english_names(matter_model)
    fill_english_config(matter_model)
    return len(created)


def fill_english_names(matter_model) -> int:
    """Give each shipped matter without an English name the shipped one: a database installed
    before the names were filled reads in English too. A matter whose Chinese name the
    administrators changed keeps its blank: the shipped English name may not say what theirs
    does. Returns how many it named."""
    unnamed = dict(matter_model.objects.filter(name_en="").values_list("code", "name"))
    named = 0
    for spec in MATTERS:
        if unnamed.get(spec["code"]) == spec["name"]:
            named += matter_model.objects.filter(code=spec["code"], name_en="").update(
                name_en=spec["name_en"]
            )
    return named


# the English of a shipped item (material or form field), each beside the Chinese it translates
_ENGLISH_OF = {
    "materials": (("name", "name_en"), ("note", "note_en")),
    "form_fields": (("label", "label_en"), ("help", "help_en"), ("choices", "choices_en")),
}
_KEY = {"materials": "code", "form_fields": "name"}


def _with_english(items, shipped_items, kind: str) -> tuple[list, bool]:
    """The stored items, each given the shipped English it lacks. An item takes only the
    English of a Chinese text it still has as shipped: an administrator's own wording keeps
    its blank (the shipped English may not say what theirs does), and an English text already
    there, theirs or ours, stays."""
    shipped_by_key = {item[_KEY[kind]]: item for item in shipped_items}
    changed = False
    result = []
    for item in items:
        shipped = shipped_by_key.get(item.get(_KEY[kind])) if isinstance(item, dict) else None
        if shipped is not None:
            item = dict(item)
            for chinese, english in _ENGLISH_OF[kind]:
                if (
                    shipped.get(english)
                    and not item.get(english)
                    and item.get(chinese, "") == shipped.get(chinese, "")
                ):
                    item[english] = shipped[english]
                    changed = True
        result.append(item)
    return result, changed


def fill_english_config(matter_model) -> int:
    """Give the materials and form fields of each shipped matter the English they lack (names,
    labels, help texts, choices), matched by code (material) or name (field): a database
    installed before they were translated reads in English too, and nothing an administrator
    wrote is overwritten. Returns how many matters it changed."""
    specs = {spec["code"]: spec for spec in MATTERS}
    changed_count = 0
    stored = matter_model.objects.filter(code__in=specs).values_list(
        "pk", "code", "materials", "form_fields"
    )
    for pk, code, materials, form_fields in stored:
        spec = specs[code]
        materials, materials_changed = _with_english(
            materials or [], spec["materials"], "materials"
        )
        form_fields, fields_changed = _with_english(
            form_fields or [], spec["form_fields"], "form_fields"
        )
        if materials_changed or fields_changed:
            matter_model.objects.filter(pk=pk).update(materials=materials, form_fields=form_fields)
            changed_count += 1
    return changed_count


def install_now() -> int:
    from yaojian.licensing.models import Matter

    return install(Matter)
