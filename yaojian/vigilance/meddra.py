"""MedDRA: loading a distribution's ASCII files, and the project's own synthetic term set.

MedDRA is licensed; a deployment loads its own distribution with
`yaojian vigilance meddra-import DIR`. The ASCII files are `$`-separated, one record a line,
each line ending with a `$`:

    soc.asc        soc_code$soc_name$soc_abbrev$...
    hlgt.asc       hlgt_code$hlgt_name$...
    hlt.asc        hlt_code$hlt_name$...
    pt.asc         pt_code$pt_name$null_field$pt_soc_code$...        (pt_soc_code: primary SOC)
    llt.asc        llt_code$llt_name$pt_code$...$llt_currency$...    (currency: field 10, Y/N)
    soc_hlgt.asc   soc_code$hlgt_code$
    hlgt_hlt.asc   hlgt_code$hlt_code$
    hlt_pt.asc     hlt_code$pt_code$
    meddra_release.asc   version$language$...

The synthetic set (`SYNTHETIC`) is NOT MedDRA text: made-up plausible terms with codes in the
reserved range 99000000-99999999 (MedDRA codes start with 1), version "YJ-SYN-1.0". Tests and
the demo use it; `write_distribution` writes it (or any term set) in the ASCII format above, so
the importer is tested on the real file format.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.vigilance.models import MeddraRelease, MeddraTerm

SYNTHETIC_VERSION = "YJ-SYN-1.0"
LEVEL_FILES = {
    "soc": "soc.asc",
    "hlgt": "hlgt.asc",
    "hlt": "hlt.asc",
    "pt": "pt.asc",
    "llt": "llt.asc",
}
LINK_FILES = {
    "soc_hlgt.asc": ("soc", "hlgt"),
    "hlgt_hlt.asc": ("hlgt", "hlt"),
    "hlt_pt.asc": ("hlt", "pt"),
}
MIN_FIELDS = {"soc": 3, "hlgt": 2, "hlt": 2, "pt": 4, "llt": 3}


@dataclasses.dataclass
class Distribution:
    version: str
    language: str
    # level -> code -> (name, extra) ; extra: pt -> primary soc code, llt -> (pt code, current)
    terms: dict[str, dict[str, tuple[str, Any]]]
    links: list[tuple[str, str, str, str]]  # (parent level, parent code, child level, child code)
    names_zh: dict[tuple[str, str], str] = dataclasses.field(default_factory=dict)


class MeddraFileError(ValidationFailed):
    code = "meddra_file_invalid"


def _fail(file: str, line: int | None, message: str) -> MeddraFileError:
    where = f"{file}:{line}" if line else file
    return MeddraFileError(f"{where}: {message}", errors={where: [message]})


def _records(directory: Path, name: str, min_fields: int):
    path = directory / name
    if not path.is_file():
        raise _fail(name, None, "file missing from the distribution")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("$")
        if len(fields) < min_fields:
            raise _fail(name, number, f"expected at least {min_fields} $-separated fields")
        yield number, fields


def _code(name: str, number: int, value: str) -> str:
    value = value.strip()
    if not value.isdigit() or len(value) > 8:
        raise _fail(name, number, f"{value!r} is not a MedDRA code (up to 8 digits)")
    return value


def read_distribution(directory: str | Path) -> Distribution:
    """Parse and check a distribution; raises MeddraFileError naming the file and line."""
    directory = Path(directory)
    if not directory.is_dir():
        raise _fail(str(directory), None, "not a directory")
    version, language = "", ""
    for number, fields in _records(directory, "meddra_release.asc", 2):
        version, language = fields[0].strip(), fields[1].strip()
        if not version:
            raise _fail("meddra_release.asc", number, "no version")
        break
    if not version:
        raise _fail("meddra_release.asc", None, "empty file")
    terms: dict[str, dict[str, tuple[str, Any]]] = {level: {} for level in LEVEL_FILES}
    for level, name in LEVEL_FILES.items():
        for number, fields in _records(directory, name, MIN_FIELDS[level]):
            code = _code(name, number, fields[0])
            term_name = fields[1].strip()
            if not term_name:
                raise _fail(name, number, "empty term name")
            extra: Any = None
            if level == "pt":
                extra = fields[3].strip()
            elif level == "llt":
                current = fields[9].strip().upper() if len(fields) > 9 else "Y"
                extra = (_code(name, number, fields[2]), current != "N")
            if code in terms[level]:
                raise _fail(name, number, f"code {code} appears twice")
            terms[level][code] = (term_name, extra)
    links: list[tuple[str, str, str, str]] = []
    for name, (parent_level, child_level) in LINK_FILES.items():
        for number, fields in _records(directory, name, 2):
            parent, child = _code(name, number, fields[0]), _code(name, number, fields[1])
            if parent not in terms[parent_level]:
                raise _fail(name, number, f"unknown {parent_level.upper()} code {parent}")
            if child not in terms[child_level]:
                raise _fail(name, number, f"unknown {child_level.upper()} code {child}")
            links.append((parent_level, parent, child_level, child))
    for code, (_name, (pt_code, _current)) in terms["llt"].items():
        if pt_code not in terms["pt"]:
            raise _fail("llt.asc", None, f"LLT {code} refers to unknown PT {pt_code}")
        links.append(("pt", pt_code, "llt", code))
    for code, (_name, soc) in terms["pt"].items():
        if soc and soc not in terms["soc"]:
            raise _fail("pt.asc", None, f"PT {code} names unknown primary SOC {soc}")
    return Distribution(version=version, language=language or "English", terms=terms, links=links)


@transaction.atomic
def load(dist: Distribution, *, actor: Any = None, synthetic: bool = False, current: bool = True):
    """Store a parsed distribution as a release (replacing a release of the same version)."""
    MeddraRelease.objects.filter(version=dist.version).delete()
    if current:
        MeddraRelease.objects.filter(is_current=True).update(is_current=False)
    release = MeddraRelease.objects.create(
        version=dist.version,
        language=dist.language,
        synthetic=synthetic,
        is_current=current,
        imported_at=timezone.now(),
    )
    objects = []
    for level, codes in dist.terms.items():
        for code, (name, extra) in codes.items():
            objects.append(
                MeddraTerm(
                    release=release,
                    version=dist.version,
                    level=level,
                    code=code,
                    name=name,
                    name_zh=dist.names_zh.get((level, code), ""),
                    current=extra[1] if level == "llt" else True,
                    primary_soc_code=(extra or "") if level == "pt" else "",
                )
            )
    MeddraTerm.objects.bulk_create(objects, batch_size=2000)
    ids = {
        (level, code): pk
        for pk, level, code in MeddraTerm.objects.filter(release=release).values_list(
            "pk", "level", "code"
        )
    }
    through = MeddraTerm.parents.through
    rows = {
        (ids[(cl, cc)], ids[(pl, pc)]) for pl, pc, cl, cc in dist.links
    }  # a PT listed twice under one HLT is one link
    through.objects.bulk_create(
        [through(from_meddraterm_id=child, to_meddraterm_id=parent) for child, parent in rows],
        batch_size=5000,
    )
    release.term_count = len(objects)
    release.save(update_fields=["term_count"])
    audit.record(
        actor=actor,
        action="vigilance.meddra.import",
        obj=release,
        changes={"version": dist.version, "terms": len(objects), "synthetic": synthetic},
    )
    return release


def import_directory(directory: str | Path, *, actor: Any = None) -> MeddraRelease:
    return load(read_distribution(directory), actor=actor)


# ---------------------------------------------------------------------------------------------
# the synthetic term set

# (SOC code, English, Chinese) -> [(HLGT code, en, zh) -> [(HLT code, en, zh) -> [PT...]]]
# PT: (code, English, Chinese, [(LLT code, English, Chinese), ...])
_SYNTHETIC_TREE = [
    (
        "99100000",
        "Skin and subcutaneous disorders (syn)",
        "皮肤及皮下组织类疾病(合成)",
        [
            (
                "99110000",
                "Skin eruptions (syn)",
                "皮肤疹类(合成)",
                [
                    (
                        "99111000",
                        "Rashes and eruptions NEC (syn)",
                        "皮疹及疹类NEC(合成)",
                        [
                            (
                                "99111001",
                                "Skin rash",
                                "皮疹",
                                [
                                    ("99111101", "Rash on trunk", "躯干皮疹"),
                                    ("99111102", "Red skin rash", "红色皮疹"),
                                ],
                            ),
                            (
                                "99111002",
                                "Itchy skin",
                                "皮肤瘙痒",
                                [("99111103", "Generalised itch", "全身瘙痒")],
                            ),
                            (
                                "99111003",
                                "Wheals",
                                "风团样皮疹",
                                [("99111104", "Hives", "荨麻疹样风团")],
                            ),
                            ("99111004", "Drug eruption with blisters", "大疱性药疹", []),
                        ],
                    ),
                    (
                        "99112000",
                        "Severe skin reactions (syn)",
                        "严重皮肤反应(合成)",
                        [
                            ("99112001", "Mucocutaneous necrolysis", "皮肤黏膜坏死松解", []),
                            ("99112002", "Exfoliative skin inflammation", "剥脱性皮炎", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99200000",
        "Gastrointestinal disorders (syn)",
        "胃肠系统疾病(合成)",
        [
            (
                "99210000",
                "GI signs and symptoms (syn)",
                "胃肠道症状和体征(合成)",
                [
                    (
                        "99211000",
                        "Nausea and vomiting symptoms (syn)",
                        "恶心和呕吐症状(合成)",
                        [
                            ("99211001", "Feeling sick", "恶心", [("99211101", "Queasy", "反胃")]),
                            (
                                "99211002",
                                "Throwing up",
                                "呕吐",
                                [("99211102", "Vomiting episodes", "反复呕吐")],
                            ),
                        ],
                    ),
                    (
                        "99212000",
                        "Bowel symptoms (syn)",
                        "肠道症状(合成)",
                        [
                            (
                                "99212001",
                                "Loose stools",
                                "腹泻",
                                [("99212101", "Watery stools", "水样便")],
                            ),
                            (
                                "99212002",
                                "Abdominal ache",
                                "腹痛",
                                [("99212102", "Stomach ache", "胃痛")],
                            ),
                            ("99212003", "Hard stools", "便秘", []),
                        ],
                    ),
                ],
            ),
            (
                "99220000",
                "GI bleeding (syn)",
                "胃肠道出血(合成)",
                [
                    (
                        "99221000",
                        "Upper GI bleeding (syn)",
                        "上消化道出血(合成)",
                        [
                            ("99221001", "Bleeding from stomach", "胃出血", []),
                            ("99221002", "Black tarry stools", "黑便", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99300000",
        "Hepatobiliary disorders (syn)",
        "肝胆系统疾病(合成)",
        [
            (
                "99310000",
                "Hepatic injury conditions (syn)",
                "肝损伤类(合成)",
                [
                    (
                        "99311000",
                        "Liver injury (syn)",
                        "肝损伤(合成)",
                        [
                            (
                                "99311001",
                                "Drug-related liver injury",
                                "药物性肝损伤",
                                [("99311101", "Liver damage due to medicine", "药物致肝损害")],
                            ),
                            (
                                "99311002",
                                "Raised liver enzymes",
                                "肝酶升高",
                                [("99311102", "ALT raised", "ALT升高")],
                            ),
                            ("99311003", "Yellow skin and eyes", "黄疸", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99400000",
        "Nervous system disorders (syn)",
        "神经系统疾病(合成)",
        [
            (
                "99410000",
                "Neurological symptoms (syn)",
                "神经系统症状(合成)",
                [
                    (
                        "99411000",
                        "Headaches (syn)",
                        "头痛类(合成)",
                        [
                            (
                                "99411001",
                                "Head pain",
                                "头痛",
                                [("99411101", "Throbbing head", "搏动性头痛")],
                            ),
                        ],
                    ),
                    (
                        "99412000",
                        "Disturbances in consciousness (syn)",
                        "意识障碍(合成)",
                        [
                            (
                                "99412001",
                                "Dizzy spells",
                                "头晕",
                                [("99412101", "Light-headed", "头昏")],
                            ),
                            ("99412002", "Fainting", "晕厥", []),
                            ("99412003", "Sleepiness", "嗜睡", []),
                        ],
                    ),
                    (
                        "99413000",
                        "Seizures (syn)",
                        "癫痫发作类(合成)",
                        [
                            (
                                "99413001",
                                "Fits",
                                "抽搐",
                                [("99413101", "Convulsive fit", "惊厥发作")],
                            ),
                        ],
                    ),
                    (
                        "99414000",
                        "Peripheral nerve symptoms (syn)",
                        "周围神经症状(合成)",
                        [
                            ("99414001", "Pins and needles", "感觉异常", []),
                            ("99414002", "Shaking", "震颤", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99500000",
        "Immune system disorders (syn)",
        "免疫系统疾病(合成)",
        [
            (
                "99510000",
                "Allergic conditions (syn)",
                "过敏性疾病(合成)",
                [
                    (
                        "99511000",
                        "Allergic reactions (syn)",
                        "过敏反应类(合成)",
                        [
                            (
                                "99511001",
                                "Severe allergic shock",
                                "过敏性休克",
                                [("99511101", "Anaphylactic collapse", "过敏性虚脱")],
                            ),
                            ("99511002", "Allergic reaction to medicine", "药物过敏反应", []),
                            ("99511003", "Face and lip swelling", "血管性水肿", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99600000",
        "General and administration site conditions (syn)",
        "全身性疾病及给药部位各种反应(合成)",
        [
            (
                "99610000",
                "General symptoms (syn)",
                "全身症状(合成)",
                [
                    (
                        "99611000",
                        "Fever and chills (syn)",
                        "发热和寒战(合成)",
                        [
                            (
                                "99611001",
                                "Fever",
                                "发热",
                                [("99611101", "High temperature", "高热")],
                            ),
                            ("99611002", "Chills", "寒战", [("99611102", "Rigors", "寒颤发作")]),
                            ("99611003", "Tiredness", "乏力", []),
                        ],
                    ),
                    (
                        "99612000",
                        "Injection site reactions (syn)",
                        "注射部位反应(合成)",
                        [
                            ("99612001", "Pain at injection site", "注射部位疼痛", []),
                            (
                                "99612002",
                                "Vein inflammation at infusion site",
                                "输液部位静脉炎",
                                [],
                            ),
                        ],
                    ),
                    (
                        "99613000",
                        "Fatal outcomes (syn)",
                        "死亡(合成)",
                        [
                            ("99613001", "Death", "死亡", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99700000",
        "Cardiac and vascular disorders (syn)",
        "心血管系统疾病(合成)",
        [
            (
                "99710000",
                "Heart rhythm disorders (syn)",
                "心律失常(合成)",
                [
                    (
                        "99711000",
                        "Rate and rhythm disorders (syn)",
                        "心率和节律异常(合成)",
                        [
                            ("99711001", "Racing heart", "心动过速", []),
                            ("99711002", "Slow heart", "心动过缓", []),
                            ("99711003", "Palpitations", "心悸", []),
                        ],
                    ),
                ],
            ),
            (
                "99720000",
                "Blood pressure disorders (syn)",
                "血压异常(合成)",
                [
                    (
                        "99721000",
                        "Low blood pressure (syn)",
                        "低血压类(合成)",
                        [
                            ("99721001", "Low blood pressure", "低血压", []),
                        ],
                    ),
                    (
                        "99722000",
                        "High blood pressure (syn)",
                        "高血压类(合成)",
                        [
                            ("99722001", "High blood pressure", "高血压", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99800000",
        "Respiratory disorders (syn)",
        "呼吸系统疾病(合成)",
        [
            (
                "99810000",
                "Breathing abnormalities (syn)",
                "呼吸异常(合成)",
                [
                    (
                        "99811000",
                        "Breathing difficulty (syn)",
                        "呼吸困难类(合成)",
                        [
                            (
                                "99811001",
                                "Shortness of breath",
                                "呼吸困难",
                                [("99811101", "Breathless", "气促")],
                            ),
                            ("99811002", "Cough", "咳嗽", [("99811102", "Dry cough", "干咳")]),
                            ("99811003", "Wheezing", "喘鸣", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99900000",
        "Renal and urinary disorders (syn)",
        "肾脏及泌尿系统疾病(合成)",
        [
            (
                "99910000",
                "Kidney injury (syn)",
                "肾损伤(合成)",
                [
                    (
                        "99911000",
                        "Acute kidney disorders (syn)",
                        "急性肾脏疾病(合成)",
                        [
                            ("99911001", "Sudden kidney failure", "急性肾损伤", []),
                            ("99911002", "Blood in urine", "血尿", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
    (
        "99050000",
        "Blood and lymphatic disorders (syn)",
        "血液及淋巴系统疾病(合成)",
        [
            (
                "99051000",
                "White cell disorders (syn)",
                "白细胞异常(合成)",
                [
                    (
                        "99051100",
                        "Low white cell counts (syn)",
                        "白细胞减少类(合成)",
                        [
                            ("99051101", "Low white cell count", "白细胞减少", []),
                            ("99051102", "Low platelet count", "血小板减少", []),
                        ],
                    ),
                ],
            ),
        ],
    ),
]


def synthetic_distribution() -> Distribution:
    terms: dict[str, dict[str, tuple[str, Any]]] = {level: {} for level in LEVEL_FILES}
    links: list[tuple[str, str, str, str]] = []
    names_zh: dict[tuple[str, str], str] = {}
    for soc, soc_en, soc_zh, hlgts in _SYNTHETIC_TREE:
        terms["soc"][soc] = (soc_en, None)
        names_zh[("soc", soc)] = soc_zh
        for hlgt, hlgt_en, hlgt_zh, hlts in hlgts:
            terms["hlgt"][hlgt] = (hlgt_en, None)
            names_zh[("hlgt", hlgt)] = hlgt_zh
            links.append(("soc", soc, "hlgt", hlgt))
            for hlt, hlt_en, hlt_zh, pts in hlts:
                terms["hlt"][hlt] = (hlt_en, None)
                names_zh[("hlt", hlt)] = hlt_zh
                links.append(("hlgt", hlgt, "hlt", hlt))
                for pt, pt_en, pt_zh, llts in pts:
                    terms["pt"][pt] = (pt_en, soc)
                    names_zh[("pt", pt)] = pt_zh
                    links.append(("hlt", hlt, "pt", pt))
                    # every PT is also an LLT of the same code
                    for llt, llt_en, llt_zh in [(pt, pt_en, pt_zh), *llts]:
                        terms["llt"][llt] = (llt_en, (pt, True))
                        names_zh[("llt", llt)] = llt_zh
                        links.append(("pt", pt, "llt", llt))
    return Distribution(
        version=SYNTHETIC_VERSION, language="English", terms=terms, links=links, names_zh=names_zh
    )


def load_synthetic(*, actor: Any = None, current: bool = True) -> MeddraRelease:
    existing = MeddraRelease.objects.filter(version=SYNTHETIC_VERSION).first()
    if existing is not None:
        if current and not existing.is_current:
            MeddraRelease.objects.filter(is_current=True).update(is_current=False)
            existing.is_current = True
            existing.save(update_fields=["is_current"])
        return existing
    return load(synthetic_distribution(), actor=actor, synthetic=True, current=current)


def write_distribution(directory: str | Path, dist: Distribution | None = None) -> Path:
    """Write a term set in the MedDRA ASCII format (the layout `read_distribution` reads)."""
    dist = dist or synthetic_distribution()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    def write(name: str, rows: list[list[str]]) -> None:
        (directory / name).write_text(
            "".join("$".join(row) + "$\n" for row in rows), encoding="utf-8"
        )

    write("meddra_release.asc", [[dist.version, dist.language, "", "", ""]])
    write(
        "soc.asc",
        [
            [c, n, n[:5].upper(), "", "", "", "", "", "", ""]
            for c, (n, _) in dist.terms["soc"].items()
        ],
    )
    write(
        "hlgt.asc", [[c, n, "", "", "", "", "", "", ""] for c, (n, _) in dist.terms["hlgt"].items()]
    )
    write(
        "hlt.asc", [[c, n, "", "", "", "", "", "", ""] for c, (n, _) in dist.terms["hlt"].items()]
    )
    write(
        "pt.asc",
        [
            [c, n, "", soc or "", "", "", "", "", "", "", ""]
            for c, (n, soc) in dist.terms["pt"].items()
        ],
    )
    write(
        "llt.asc",
        [
            [c, n, pt, "", "", "", "", "", "", "Y" if cur else "N", ""]
            for c, (n, (pt, cur)) in dist.terms["llt"].items()
        ],
    )
    for name, (parent_level, child_level) in LINK_FILES.items():
        write(
            name,
            [[pc, cc] for pl, pc, cl, cc in dist.links if pl == parent_level and cl == child_level],
        )
    return directory
