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
}
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
    as "处方药、甲类非处方药：中成药、化学药", whose known items are read through the glossary
    and whose punctuation follows the reader's language."""
    if isinstance(scope, list | tuple):
        return join_items(display_scope_item(str(item)) for item in scope)
    text = str(scope or "")
    if reads_chinese():
        return text
    english = _SCOPE_TERMS.sub(lambda match: SCOPE_ENGLISH[match.group(0)], text)
    return english.translate(_SCOPE_PUNCTUATION).replace("  ", " ").strip()
