"""The matters shipped with the platform, with their real legal bases and time limits.

Limits are in working days (行政许可法 第八十二条: 行政许可的期限以工作日计算); the committed
limits are the province's service promise (承诺时限), shorter than the statutory ones.
Administrators may change everything here in the matter editor; `install` only adds what is
missing (a matter, or a shipped matter's English name), so their changes survive upgrades.
"""

from __future__ import annotations

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

LICENCE_MATERIALS = [
    {"code": "application_form", "name": "申请表（法定代表人签字并加盖公章）", "types": ["pdf"]},
    {"code": "business_licence", "name": "营业执照", "types": ["pdf", "jpeg", "png"]},
    {
        "code": "premises",
        "name": "经营场所和仓库的产权证明或租赁合同",
        "waived_by_commitment": True,
    },
    {"code": "floor_plan", "name": "经营场所平面布局图", "waived_by_commitment": True},
    {"code": "quality_system", "name": "质量管理文件目录", "waived_by_commitment": True},
]
PERSON_MATERIALS = [
    {"code": "pharmacist_certificate", "name": "执业药师注册证", "types": ["pdf", "jpeg", "png"]},
]
APPLICANT_FIELDS = [
    {"name": "enterprise_name", "label": "企业名称", "prefill": "enterprise.name"},
    {"name": "address", "label": "经营地址", "prefill": "enterprise.address"},
    {
        "name": "legal_representative",
        "label": "法定代表人",
        "prefill": "enterprise.legal_representative",
    },
    {"name": "principal", "label": "企业负责人"},
    {"name": "quality_manager", "label": "质量负责人"},
    {
        "name": "phone",
        "label": "联系电话",
        "prefill": "enterprise.phone",
        "pattern": r"^[0-9\-+ ]{7,20}$",
    },
]


def _scope_field(choices):
    return {"name": "scope", "label": "经营范围", "type": "multi", "choices": choices}


def _licence_field(label="许可证编号"):
    return {
        "name": "licence_number",
        "label": label,
        "type": "licence",
        "prefill": "licence.number",
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
        "materials": [
            LICENCE_MATERIALS[0],
            {"code": "change_evidence", "name": "变更事项的证明材料"},
        ],
        "form_fields": [
            _licence_field(),
            {"name": "changes", "label": "变更事项及变更后内容", "type": "textarea"},
            {"name": "address", "label": "经营地址", "prefill": "licence.registered_address"},
            {
                "name": "quality_manager",
                "label": "质量负责人",
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
            {"code": "self_inspection", "name": "药品经营质量管理规范自查报告"},
        ],
        "form_fields": [
            _licence_field(),
            {"name": "address", "label": "经营地址", "prefill": "licence.registered_address"},
        ],
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
            {"name": "reason", "label": "注销原因", "type": "textarea"},
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
            {"code": "warehouse", "name": "仓储设施设备及计算机系统说明"},
        ],
        "form_fields": [
            *APPLICANT_FIELDS,
            {"name": "warehouse_address", "label": "仓库地址"},
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
            {"code": "gmp_documents", "name": "生产质量管理体系文件及厂区、车间布局"},
        ],
        "form_fields": [
            *APPLICANT_FIELDS,
            {"name": "production_address", "label": "生产地址"},
            {"name": "scope", "label": "生产范围", "type": "multi", "choices": MANUFACTURING_SCOPE},
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
        "materials": [
            LICENCE_MATERIALS[0],
            {"code": "change_evidence", "name": "变更事项的证明材料"},
        ],
        "form_fields": [
            _licence_field(),
            {"name": "changes", "label": "变更事项及变更后内容", "type": "textarea"},
        ],
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
            {"code": "self_inspection", "name": "药品生产质量管理规范自查报告"},
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
            {"name": "warehouse_address", "label": "库房地址", "required": False},
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
            {"code": "filing_form", "name": "第二类医疗器械经营备案表", "types": ["pdf"]},
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
            {"code": "gmp_documents", "name": "生产质量管理体系文件"},
        ],
        "form_fields": [
            *APPLICANT_FIELDS,
            {"name": "production_address", "label": "生产地址"},
            {
                "name": "scope",
                "label": "生产许可项目",
                "type": "multi",
                "choices": ["一般液态单元", "膏霜乳液单元", "粉单元", "气雾剂及有机溶剂单元"],
            },
        ],
        "scope_choices": ["一般液态单元", "膏霜乳液单元", "粉单元", "气雾剂及有机溶剂单元"],
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
        "materials": [{"code": "report_form", "name": "药品网络销售信息报告表", "types": ["pdf"]}],
        "form_fields": [
            *APPLICANT_FIELDS[:3],
            {"name": "website", "label": "网站、网店或客户端名称及网址"},
        ],
        "scope_choices": [],
    },
]


def install(matter_model) -> int:
    """Add the shipped matters that are missing (by code) and give the English name to those
    that lack it; leave edited ones alone. Returns how many matters it added."""
    existing = set(matter_model.objects.values_list("code", flat=True))
    created = [matter_model(**spec) for spec in MATTERS if spec["code"] not in existing]
    matter_model.objects.bulk_create(created)
    fill_english_names(matter_model)
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


def install_now() -> int:
    from yaojian.licensing.models import Matter

    return install(Matter)
