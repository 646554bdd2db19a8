"""Licence scope items (经营范围, 生产范围) in the reader's language.

Scope items are stored in Chinese, on licences and on applications alike: they are the legal
terms the licence prints. Readers of English read them through this one glossary; an item it
does not know reads as stored.
"""

from __future__ import annotations

import re

from yaojian.core.texts import join_items, reads_chinese

# every item of the shipped matters' scopes, and the items the province's licences commonly
# hold (the demo register's among them)
SCOPE_ENGLISH = {
    # drug trading (药品经营范围)
    "处方药": "Prescription drugs",
    "甲类非处方药": "Class A OTC drugs",
    "乙类非处方药": "Class B OTC drugs",
    "中药饮片": "Prepared slices of Chinese crude drugs (TCM decoction pieces)",
    "中成药": "Chinese patent medicines",
    "化学药": "Chemical drugs",
    "化学原料药": "Chemical active pharmaceutical ingredients",
    "化学药制剂": "Chemical drug preparations",
    "抗生素原料药": "Antibiotic active pharmaceutical ingredients",
    "抗生素制剂": "Antibiotic preparations",
    "生化药品": "Biochemical drugs",
    "生物制品": "Biological products",
    "生物制品（除疫苗）": "Biological products (excluding vaccines)",
    "生物制品（不含疫苗）": "Biological products (excluding vaccines)",
    "麻醉药品": "Narcotic drugs",
    "精神药品": "Psychotropic drugs",
    "医疗用毒性药品": "Toxic drugs for medical use",
    "药品类易制毒化学品": "Drug-category precursor chemicals",
    "蛋白同化制剂、肽类激素": "Anabolic agents and peptide hormones",
    # drug manufacturing (生产范围: dosage forms)
    "片剂": "Tablets",
    "硬胶囊剂": "Hard capsules",
    "颗粒剂": "Granules",
    "丸剂": "Pills",
    "口服溶液剂": "Oral solutions",
    "小容量注射剂": "Small-volume injections",
    "大容量注射剂": "Large-volume injections",
    "原料药": "Active pharmaceutical ingredients (APIs)",
    # medical devices: the category code stays in front (2002 and 2017 classifications)
    "6815 注射穿刺器械": "6815 Injection and puncture instruments",
    "6821 医用电子仪器设备": "6821 Medical electronic instruments and equipment",
    "6866 医用高分子材料及制品": "6866 Medical polymer materials and products",
    "07 医用诊察和监护器械": "07 Medical diagnostic and monitoring devices",
    "08 呼吸、麻醉和急救器械": "08 Respiratory, anaesthesia and emergency devices",
    "14 注输、护理和防护器械": "14 Infusion, nursing and protective devices",
    "22 临床检验器械": "22 Clinical laboratory devices",
    # cosmetics manufacturing (生产许可项目: units)
    "一般液态单元": "General liquid unit",
    "膏霜乳液单元": "Cream, lotion and emulsion unit",
    "粉单元": "Powder unit",
    "气雾剂及有机溶剂单元": "Aerosol and organic solvent unit",
    # qualifiers and further items licences hold
    "生物制品（不含冷藏冷冻药品）": "Biological products (excluding refrigerated and frozen drugs)",
    "（仅限向本企业所属门店配送）": " (delivered to the enterprise's own stores only)",
    "第二类精神药品（制剂）": "Class II psychotropic drugs (preparations)",
    "医疗用毒性药品（中药）": "Toxic drugs for medical use (TCM)",
    "中药饮片（净制、切制、炒制、炙制、蒸制）": (
        "TCM decoction pieces (cleaning, cutting, stir-frying, stir-frying with adjuvant, steaming)"
    ),
    # dosage forms in manufacturing scopes
    "丸剂（大蜜丸）": "Pills (large honeyed pills)",
    "丸剂（水丸）": "Pills (water pills)",
    "丸剂（水蜜丸）": "Pills (water-honeyed pills)",
    "丸剂（浓缩丸）": "Pills (concentrated pills)",
    "乳膏剂": "Creams",
    "软膏剂": "Ointments",
    "冻干粉针剂": "Lyophilised powders for injection",
    "粉针剂": "Powders for injection",
    "合剂": "Oral mixtures",
    "散剂": "Powders",
    "橡胶膏剂": "Rubber plasters",
    "糖浆剂": "Syrups",
    "酊剂": "Tinctures",
    "委托生产": "Contract manufacturing",
    "受托方：": "contract manufacturer: ",
    # online sales (药品网络销售)
    "药品网络零售": "Online drug retail",
    "药品网络批发": "Online drug wholesale",
    "通过第三方平台销售": "sale through third-party platforms of ",
    "通过自建网站及第三方平台销售": "sale through its own website and third-party platforms of ",
    "通过自建网站向具有合法资质的单位销售药品": (
        "sale of drugs through its own website to qualified buyers"
    ),
    "药品网络交易第三方平台服务": "Third-party platform services for online drug trading",
    "（入驻企业须持有药品经营许可证）": (
        " (enterprises on the platform must hold a drug trading licence)"
    ),
    # cosmetics production units (生产单元) and the product categories a unit covers
    "蜡基单元": "Wax-based unit",
    "牙膏单元": "Toothpaste unit",
    "皂基单元": "Soap-based unit",
    "其他单元": "Other unit",
    "（护发清洁类）": " (hair cleansing)",
    "（护发类）": " (hair care)",
    "（护肤清洁类）": " (skin cleansing)",
    "（护肤水类）": " (toners)",
    "（基础护肤类）": " (basic skin care)",
    "（蜡基类）": " (wax-based products)",
    "（染烫类）": " (hair dyeing and perming)",
    "（防晒类）": " (sun protection)",
    "（祛斑美白类）": " (whitening and spot removal)",
    "（防脱发类）": " (anti-hair-loss)",
    # medical devices by class; categories of the 2017 classification catalogue follow
    "第二类医疗器械（不含体外诊断试剂）": (
        "Class II medical devices (excluding in-vitro diagnostic reagents)"
    ),
    "第二类医疗器械": "Class II medical devices",
    "第三类医疗器械": "Class III medical devices",
}
# the 22 categories of the medical device classification catalogue (医疗器械分类目录, 2017);
# licences write them with or without a space after the code
DEVICE_CATEGORIES = {
    "01": ("有源手术器械", "Active surgical devices"),
    "02": ("无源手术器械", "Passive surgical devices"),
    "03": ("神经和心血管手术器械", "Neurological and cardiovascular surgical devices"),
    "04": ("骨科手术器械", "Orthopaedic surgical devices"),
    "05": ("放射治疗器械", "Radiotherapy devices"),
    "06": ("医用成像器械", "Medical imaging devices"),
    "07": ("医用诊察和监护器械", "Medical diagnostic and monitoring devices"),
    "08": ("呼吸、麻醉和急救器械", "Respiratory, anaesthesia and emergency devices"),
    "09": ("物理治疗器械", "Physiotherapy devices"),
    "10": (
        "输血、透析和体外循环器械",
        "Blood transfusion, dialysis and extracorporeal circulation devices",
    ),
    "11": ("医疗器械消毒灭菌器械", "Disinfection and sterilisation devices"),
    "12": ("有源植入器械", "Active implantable devices"),
    "13": ("无源植入器械", "Passive implantable devices"),
    "14": ("注输、护理和防护器械", "Infusion, nursing and protective devices"),
    "15": ("患者承载器械", "Patient-handling devices"),
    "16": ("眼科器械", "Ophthalmic devices"),
    "17": ("口腔科器械", "Dental devices"),
    "18": (
        "妇产科、辅助生殖和避孕器械",
        "Obstetric, gynaecological, assisted-reproduction and contraceptive devices",
    ),
    "19": ("医用康复器械", "Medical rehabilitation devices"),
    "20": ("中医器械", "Traditional Chinese medicine devices"),
    "21": ("医用软件", "Medical software"),
    "22": ("临床检验器械", "Clinical laboratory devices"),
}
for _code, (_chinese, _english) in DEVICE_CATEGORIES.items():
    SCOPE_ENGLISH.setdefault(f"{_code} {_chinese}", f"{_code} {_english}")
    SCOPE_ENGLISH.setdefault(f"{_code}{_chinese}", f"{_code} {_english}")
_CHINESE = re.compile(r"[\u3400-\u9fff]")
_CONTRACTORS = re.compile(r"(?<=受托方：)([^）]+)")
# longest first, so that 生物制品（除疫苗） is read before 生物制品 and 化学原料药 before 原料药
_SCOPE_TERMS = re.compile(
    "|".join(re.escape(item) for item in sorted(SCOPE_ENGLISH, key=len, reverse=True))
)
_SCOPE_PUNCTUATION = str.maketrans({"、": ", ", "，": ", ", "；": "; ", "：": ": "})


def display_scope_item(item: str) -> str:
    """One stored scope item as the reader reads it: the glossary's English for a reader of
    English, the stored Chinese otherwise (and for an item the glossary does not know)."""
    if reads_chinese():
        return item
    return SCOPE_ENGLISH.get(item.strip(), item)


def display_scope(scope) -> str:
    """A stored scope as the reader reads it: a list of items, or a licence's scope text such
    as "处方药、甲类非处方药：中成药、化学药", read through the glossary with the reader's
    punctuation. A text with a part the glossary does not know reads as stored, whole."""
    if isinstance(scope, list | tuple):
        return join_items(display_scope_item(str(item)) for item in scope)
    text = str(scope or "")
    if reads_chinese():
        return text
    # names of the contract manufacturers are names: kept as written, out of the glossary's way
    names = _CONTRACTORS.findall(text)
    english = _CONTRACTORS.sub("\x00", text)
    english = _SCOPE_TERMS.sub(lambda match: SCOPE_ENGLISH[match.group(0)], english)
    if _CHINESE.search(english):
        # a part the glossary does not know (an item of the licence's own): its own words
        # rather than a half-translated mixture
        return text
    for name in names:
        english = english.replace("\x00", name, 1)
    english = english.translate(_SCOPE_PUNCTUATION).replace("（", " (").replace("）", ")")
    return re.sub(r" {2,}", " ", english).replace(" )", ")").replace("( ", "(").strip()
