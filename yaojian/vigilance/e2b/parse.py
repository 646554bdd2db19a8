"""Reading ICH E2B(R3) batches with lxml into canonical case dicts (vigilance/data.py).

A batch that is not well-formed XML, is not an MCCI_IN200100UV01, or lacks its batch number is
rejected as a whole (E2BError). Each PORR_IN049016UV message is then read on its own: a report
with a missing mandatory element or an unknown code system becomes a ParsedReport with errors
(named by element and E2B data element), the others are read into data dicts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lxml import etree

from yaojian.core.errors import ValidationFailed
from yaojian.vigilance.e2b import codes as C

H = "{urn:hl7-org:v3}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
MAX_BYTES = 50 * 1024 * 1024


class E2BError(ValidationFailed):
    """The batch as a whole cannot be read (ACK code AR)."""

    code = "e2b_invalid"


class ReportError(Exception):
    def __init__(self, element: str, message: str) -> None:
        self.element, self.message = element, message
        super().__init__(f"{element}: {message}")


@dataclasses.dataclass
class ParsedReport:
    index: int
    message_id: str = ""
    safety_report_id: str = ""
    created: str = ""
    data: dict[str, Any] | None = None
    errors: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors


@dataclasses.dataclass
class ParsedBatch:
    batch_number: str
    sender_id: str
    receiver_id: str
    transmitted: str
    reports: list[ParsedReport]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )


def parse_batch(content: bytes) -> ParsedBatch:
    if not content or not content.strip():
        raise E2BError("file: empty", errors={"file": ["empty"]})
    if len(content) > MAX_BYTES:
        raise E2BError("file: larger than 50 MB", errors={"file": ["too large"]})
    try:
        root = etree.fromstring(content, parser=_parser())
    except etree.XMLSyntaxError as error:
        line = getattr(error, "lineno", None)
        message = f"not well-formed XML (line {line}): {error.msg}" if line else str(error)
        raise E2BError(f"file: {message}", errors={"file": [message]}) from None
    if root.tag != f"{H}MCCI_IN200100UV01":
        name = etree.QName(root).localname
        message = f"root element is {name}, expected MCCI_IN200100UV01 in urn:hl7-org:v3"
        raise E2BError(message, errors={"MCCI_IN200100UV01": [message]})
    batch_number = _id(root, C.BATCH_NUMBER)
    if not batch_number:
        message = "batch number (N.1.2, id root " + C.BATCH_NUMBER + ") is missing"
        raise E2BError(message, errors={"MCCI_IN200100UV01/id": [message]})
    messages = root.findall(f"{H}PORR_IN049016UV")
    if not messages:
        message = "the batch holds no PORR_IN049016UV message"
        raise E2BError(message, errors={"PORR_IN049016UV": [message]})
    reports = []
    for index, message in enumerate(messages):
        report = ParsedReport(index=index)
        report.message_id = _id(message, C.MESSAGE_ID)
        report.created = _attr(message.find(f"{H}creationTime"), "value")
        try:
            report.data = _report(message, batch_number)
            report.warnings = report.data.pop("_warnings", [])
            report.safety_report_id = report.data["safety_report_id"]
        except ReportError as error:
            report.errors.append(f"{error.element}: {error.message}")
            event = message.find(f".//{H}investigationEvent")
            if event is not None:
                report.safety_report_id = _id(event, C.MESSAGE_ID)
        reports.append(report)
    return ParsedBatch(
        batch_number=batch_number,
        sender_id=_id(root.find(f"{H}sender/{H}device"), C.BATCH_SENDER),
        receiver_id=_id(root.find(f"{H}receiver/{H}device"), C.BATCH_RECEIVER),
        transmitted=_attr(root.find(f"{H}creationTime"), "value"),
        reports=reports,
    )


# ---------------------------------------------------------------------------------------------
# helpers


def _attr(element, name: str) -> str:
    return (element.get(name) or "").strip() if element is not None else ""


def _text(element) -> str:
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def _id(element, root: str) -> str:
    if element is None:
        return ""
    for child in element.findall(f"{H}id"):
        if child.get("root") == root:
            return (child.get("extension") or "").strip()
    return ""


def _code_of(element) -> str:
    code = element.find(f"{H}code") if element is not None else None
    if code is None or code.get("codeSystem") not in (C.OBSERVATION, C.ORGANIZER):
        return ""
    return code.get("code") or ""


def _ce(element, where: str, system: str) -> str:
    """The code of a CE value, checking its code system (an unknown one is an error)."""
    if element is None or element.get("nullFlavor"):
        return ""
    code = (element.get("code") or "").strip()
    if not code:
        return ""
    found = element.get("codeSystem") or ""
    if found and found != system:
        raise ReportError(where, f"unknown code system {found} (expected {system})")
    return code


def _bool(element) -> bool:
    return element is not None and (element.get("value") or "").lower() == "true"


def _pq(element) -> tuple[str, str]:
    if element is None:
        return "", ""
    return (element.get("value") or "").strip(), (element.get("unit") or "").strip()


def _require(value: str, element: str, label: str) -> str:
    if not value:
        raise ReportError(element, f"{label} is missing (mandatory)")
    return value


# ---------------------------------------------------------------------------------------------
# one report


def _report(message, batch_number: str) -> dict[str, Any]:
    data: dict[str, Any] = {"batch_number": batch_number}
    data["message_id"] = _require(_id(message, C.MESSAGE_ID), "PORR_IN049016UV/id", "N.2.r.1")
    data["sender_id"] = _id(message.find(f"{H}sender/{H}device"), C.MESSAGE_SENDER)
    data["receiver_id"] = _id(message.find(f"{H}receiver/{H}device"), C.MESSAGE_RECEIVER)
    act = message.find(f"{H}controlActProcess")
    if act is None:
        raise ReportError("controlActProcess", "missing (mandatory)")
    data["created_on"] = _require(
        _attr(act.find(f"{H}effectiveTime"), "value"), "controlActProcess/effectiveTime", "C.1.2"
    )
    event = act.find(f"{H}subject/{H}investigationEvent")
    if event is None:
        raise ReportError("investigationEvent", "missing (mandatory)")
    where = "investigationEvent"
    data["safety_report_id"] = _require(_id(event, C.MESSAGE_ID), f"{where}/id", "C.1.1")
    data["worldwide_id"] = _id(event, C.WORLDWIDE_ID)
    data["narrative"] = _text(event.find(f"{H}text"))
    data["first_received"] = _require(
        _attr(event.find(f"{H}effectiveTime/{H}low"), "value"),
        f"{where}/effectiveTime/low",
        "C.1.4",
    )
    data["most_recent"] = _require(
        _attr(event.find(f"{H}availabilityTime"), "value"), f"{where}/availabilityTime", "C.1.5"
    )
    data["report_type"] = ""
    for characteristic in event.findall(f"{H}subjectOf2/{H}investigationCharacteristic"):
        code = characteristic.find(f"{H}code")
        if (
            code is not None
            and code.get("codeSystem") == C.CHARACTERISTIC
            and code.get("code") == "1"
        ):
            data["report_type"] = _ce(
                characteristic.find(f"{H}value"),
                "investigationCharacteristic/value (C.1.3)",
                C.REPORT_TYPE,
            )
    _require(data["report_type"], f"{where}/subjectOf2/investigationCharacteristic", "C.1.3")
    _sender(event, data)
    _reporter(event, data)
    assessment = event.find(f"{H}component/{H}adverseEventAssessment")
    if assessment is None:
        raise ReportError(
            "adverseEventAssessment", "missing (mandatory: patient, reactions, drugs)"
        )
    _comments(assessment, data)
    role = assessment.find(f"{H}subject1/{H}primaryRole")
    if role is None:
        raise ReportError("adverseEventAssessment/subject1/primaryRole", "missing (D.1)")
    _patient(role, data)
    reaction_ids = _reactions(role, data)
    drug_ids = _drugs(role, data, reaction_ids)
    _roles_and_causality(assessment, data, drug_ids, reaction_ids)
    return data


def _sender(event, data: dict[str, Any]) -> None:
    data["sender_type"], data["sender_organisation"] = "", ""
    for entity in event.findall(f"{H}subjectOf1/{H}controlActEvent/{H}author/{H}assignedEntity"):
        data["sender_type"] = _ce(entity.find(f"{H}code"), "C.3.1 sender type", C.SENDER_TYPE)
        org = entity.find(f"{H}representedOrganization")
        inner = (
            org.find(f"{H}assignedEntity/{H}representedOrganization/{H}name")
            if org is not None
            else None
        )
        data["sender_organisation"] = _text(inner) or _text(
            org.find(f"{H}name") if org is not None else None
        )
        break


def _person_name(name) -> str:
    if name is None or name.get("nullFlavor"):
        return ""
    parts = [_text(p) for p in name if etree.QName(p).localname in ("given", "family")]
    if not parts:
        return _text(name)
    return " ".join(p for p in parts if p)


def _reporter(event, data: dict[str, Any]) -> None:
    for key in (
        "reporter_name",
        "reporter_qualification",
        "reporter_organisation",
        "reporter_phone",
        "reporter_country",
    ):
        data[key] = ""
    primary = None
    for relationship in event.findall(f"{H}outboundRelationship"):
        related = relationship.find(f"{H}relatedInvestigation")
        code = related.find(f"{H}code") if related is not None else None
        if code is None or code.get("code") != "2" or code.get("codeSystem") != C.REPORT_RELATION:
            continue
        entity = related.find(f"{H}subjectOf2/{H}controlActEvent/{H}author/{H}assignedEntity")
        if entity is None:
            continue
        if primary is None or _attr(relationship.find(f"{H}priorityNumber"), "value") == "1":
            primary = entity
            if _attr(relationship.find(f"{H}priorityNumber"), "value") == "1":
                break
    if primary is None:
        return
    person = primary.find(f"{H}assignedPerson")
    if person is not None:
        data["reporter_name"] = _person_name(person.find(f"{H}name"))
        data["reporter_qualification"] = _ce(
            person.find(f"{H}asQualifiedEntity/{H}code"), "C.2.r.4 qualification", C.QUALIFICATION
        )
        country = person.find(f"{H}asLocatedEntity/{H}location/{H}code")
        data["reporter_country"] = _ce(country, "C.2.r.3 country", C.COUNTRY)
    org = primary.find(f"{H}representedOrganization")
    if org is not None:
        inner = org.find(f"{H}assignedEntity/{H}representedOrganization/{H}name")
        data["reporter_organisation"] = _text(inner) or _text(org.find(f"{H}name"))
    for telecom in primary.findall(f"{H}telecom"):
        value = telecom.get("value") or ""
        if value.startswith("tel:"):
            data["reporter_phone"] = value[4:]
            break


def _comments(assessment, data: dict[str, Any]) -> None:
    """H.2 (reporter's comments, author code 3) and H.4 (sender's comments, author code 1)."""
    data["reporter_comments"], data["sender_comments"] = "", ""
    if assessment is None:
        return
    for obs in assessment.findall(f"{H}component1/{H}observationEvent"):
        if _code_of(obs) != "10":
            continue
        author = obs.find(f"{H}author/{H}assignedEntity/{H}code")
        text = _text(obs.find(f"{H}value"))
        if author is not None and author.get("code") == "3":
            data["reporter_comments"] = text
        elif author is not None and author.get("code") == "1":
            data["sender_comments"] = text


def _patient(role, data: dict[str, Any]) -> None:
    player = role.find(f"{H}player1")
    if player is None:
        raise ReportError("primaryRole/player1", "patient missing (D.1 is mandatory)")
    name = player.find(f"{H}name")
    if name is None:
        raise ReportError("player1/name", "patient name or initials missing (D.1 is mandatory)")
    data["patient_name"] = _text(name) or (
        f"[{name.get('nullFlavor')}]" if name.get("nullFlavor") else ""
    )
    _require(data["patient_name"], "player1/name", "D.1")
    data["patient_sex"] = _ce(player.find(f"{H}administrativeGenderCode"), "D.5 sex", C.SEX)
    if data["patient_sex"] not in ("", "1", "2"):
        raise ReportError("administrativeGenderCode", f"unknown sex code {data['patient_sex']}")
    data["patient_birth_date"] = _attr(player.find(f"{H}birthTime"), "value")
    data["patient_age"] = data["patient_age_unit"] = ""
    data["patient_weight"] = data["patient_height"] = ""
    for obs in role.findall(f"{H}subjectOf2/{H}observation"):
        code = _code_of(obs)
        value, unit = _pq(obs.find(f"{H}value"))
        if code == C.OBS_AGE:
            data["patient_age"], data["patient_age_unit"] = value, unit
        elif code == C.OBS_WEIGHT:
            data["patient_weight"] = value
        elif code == C.OBS_HEIGHT:
            data["patient_height"] = value
    history = []
    for organizer in role.findall(f"{H}subjectOf2/{H}organizer"):
        if _code_of(organizer) != C.ORG_HISTORY:
            continue
        for obs in organizer.findall(f"{H}component/{H}observation"):
            if _code_of(obs) == C.OBS_HISTORY_TEXT:
                history.append(_text(obs.find(f"{H}value")))
    data["patient_medical_history"] = "\n".join(h for h in history if h)


def _reactions(role, data: dict[str, Any]) -> dict[str, int]:
    data["reactions"] = []
    ids: dict[str, int] = {}
    for obs in role.findall(f"{H}subjectOf2/{H}observation"):
        if _code_of(obs) != C.OBS_REACTION:
            continue
        i = len(data["reactions"])
        where = f"reaction {i + 1} (E.i)"
        value = obs.find(f"{H}value")
        if value is None:
            raise ReportError(f"{where}/value", "MedDRA code missing (E.i.2.1b is mandatory)")
        code = _ce(value, f"{where}/value (E.i.2.1b)", C.MEDDRA)
        system = value.get("codeSystem")
        if code and system != C.MEDDRA:
            raise ReportError(f"{where}/value", "MedDRA code without the MedDRA code system")
        version = (value.get("codeSystemVersion") or "").strip()
        if code and not version:
            raise ReportError(f"{where}/value", "MedDRA version missing (E.i.2.1a)")
        reported = _text(value.find(f"{H}originalText"))
        for rel in obs.findall(f"{H}outboundRelationship2/{H}observation"):
            if _code_of(rel) == C.OBS_REACTION_TRANSLATION and not reported:
                reported = _text(rel.find(f"{H}value"))
        if not code and not reported:
            raise ReportError(f"{where}/value", "no MedDRA code and no reported term")
        reaction: dict[str, Any] = {
            "reported_term": reported,
            "llt_code": code,
            "meddra_version": version,
            "onset": _attr(obs.find(f"{H}effectiveTime/{H}low"), "value"),
            "end": _attr(obs.find(f"{H}effectiveTime/{H}high"), "value"),
            "outcome": "",
            "country": _ce(
                obs.find(f"{H}location/{H}locatedEntity/{H}locatedPlace/{H}code"),
                f"{where} country (E.i.9)",
                C.COUNTRY,
            ),
        }
        for field in C.SERIOUSNESS_CODES.values():
            reaction[field] = False
        for rel in obs.findall(f"{H}outboundRelationship2/{H}observation"):
            code_rel = _code_of(rel)
            if code_rel in C.SERIOUSNESS_CODES:
                reaction[C.SERIOUSNESS_CODES[code_rel]] = _bool(rel.find(f"{H}value"))
            elif code_rel == C.OBS_OUTCOME:
                reaction["outcome"] = _ce(
                    rel.find(f"{H}value"), f"{where} outcome (E.i.7)", C.OUTCOME
                )
        reaction_id = _attr(obs.find(f"{H}id"), "root")
        if reaction_id:
            ids[reaction_id] = i
        data["reactions"].append(reaction)
    if not data["reactions"]:
        raise ReportError(
            "primaryRole/subjectOf2/observation[code=29]", "no reaction (E.i is mandatory)"
        )
    return ids


def _dosage(sa, where: str) -> dict[str, str]:
    x = {
        "dose": "",
        "unit": "",
        "frequency": "",
        "frequency_unit": "",
        "route": "",
        "start": "",
        "end": "",
        "text": "",
    }
    x["text"] = _text(sa.find(f"{H}text"))
    x["dose"], x["unit"] = _pq(sa.find(f"{H}doseQuantity"))
    time = sa.find(f"{H}effectiveTime")
    if time is not None:
        kind = time.get(XSI_TYPE) or ""
        parts = time.findall(f"{H}comp") if kind.endswith("SXPR_TS") else [time]
        for part in parts:
            ptype = part.get(XSI_TYPE) or ""
            if ptype.endswith("PIVL_TS"):
                x["frequency"], x["frequency_unit"] = _pq(part.find(f"{H}period"))
            else:
                x["start"] = x["start"] or _attr(part.find(f"{H}low"), "value")
                x["end"] = x["end"] or _attr(part.find(f"{H}high"), "value")
    route = sa.find(f"{H}routeCode")
    if route is not None:
        x["route"] = (route.get("code") or "").strip() or _text(route.find(f"{H}originalText"))
    return x


def _drugs(role, data: dict[str, Any], reaction_ids: dict[str, int]) -> dict[str, list[int]]:
    data["drugs"] = []
    ids: dict[str, list[int]] = {}
    for organizer in role.findall(f"{H}subjectOf2/{H}organizer"):
        if _code_of(organizer) != C.ORG_DRUGS:
            continue
        for sa in organizer.findall(f"{H}component/{H}substanceAdministration"):
            k = len(data["drugs"])
            where = f"drug {k + 1} (G.k)"
            product = sa.find(f"{H}consumable/{H}instanceOfKind/{H}kindOfProduct")
            name = _text(product.find(f"{H}name")) if product is not None else ""
            _require(name, f"{where}/kindOfProduct/name", "G.k.2.2 medicinal product as reported")
            approval = (
                product.find(f"{H}asManufacturedProduct/{H}subjectOf/{H}approval")
                if product is not None
                else None
            )
            drug: dict[str, Any] = {
                "role": "",
                "name": name,
                "approval_number": _id(approval, C.APPROVAL),
                "holder_name": _text(
                    approval.find(f"{H}holder/{H}role/{H}playingOrganization/{H}name")
                )
                if approval is not None
                else "",
                "batch_number": "",
                "dosages": [],
                "indication": "",
                "action_taken": "",
                "dechallenge": "",
                "rechallenge": "",
            }
            for rel in sa.findall(f"{H}outboundRelationship2"):
                inner = rel.find(f"{H}substanceAdministration")
                if rel.get("typeCode") == "COMP" and inner is not None:
                    dosage = _dosage(inner, where)
                    lot = _text(inner.find(f".//{H}productInstanceInstance/{H}lotNumberText"))
                    if lot and not drug["batch_number"]:
                        drug["batch_number"] = lot
                    if any(dosage.values()):
                        drug["dosages"].append(dosage)
                    continue
                obs = rel.find(f"{H}observation")
                if obs is None:
                    continue
                code = _code_of(obs)
                if code == C.OBS_RECURRENCE and not drug["rechallenge"]:
                    value = _ce(
                        obs.find(f"{H}value"), f"{where} recurrence (G.k.9.i.4)", C.RECURRENCE
                    )
                    drug["rechallenge"] = C.RECURRENCE_OF.get(value, "")
                elif code == C.OBS_ADDITIONAL_INFO:
                    text = _text(obs.find(f"{H}value"))
                    if text.startswith("[dechallenge=") and text.endswith("]"):
                        drug["dechallenge"] = text[len("[dechallenge=") : -1]
            for rel in sa.findall(f"{H}inboundRelationship"):
                if rel.get("typeCode") == "RSON":
                    obs = rel.find(f"{H}observation")
                    if (
                        obs is not None
                        and _code_of(obs) == C.OBS_INDICATION
                        and not drug["indication"]
                    ):
                        value = obs.find(f"{H}value")
                        drug["indication"] = (
                            _text(value.find(f"{H}originalText")) if value is not None else ""
                        )
                elif rel.get("typeCode") == "CAUS":
                    act = rel.find(f"{H}act/{H}code")
                    drug["action_taken"] = _ce(act, f"{where} action taken (G.k.8)", C.ACTION_TAKEN)
            drug_id = _attr(sa.find(f"{H}id"), "root")
            if drug_id:
                ids.setdefault(drug_id, []).append(k)
            data["drugs"].append(drug)
    if not data["drugs"]:
        raise ReportError("organizer[code=4]/substanceAdministration", "no drug (G.k is mandatory)")
    return ids


def _assessor(ca) -> str:
    source = _text(ca.find(f"{H}author/{H}assignedEntity/{H}code/{H}originalText")).lower()
    return "reporter" if "reporter" in source else "sender"


REGIONAL_PREFIX = "2.16.840.1.113883.3.989.5."  # regional (e.g. FDA) extensions of E2B(R3)


def _roles_and_causality(
    assessment, data, drug_ids: dict[str, list[int]], reaction_ids: dict[str, int]
) -> None:
    """G.k.1 roles and G.k.9.i.2.r assessments. A reference to a drug id that several drugs
    share applies to each of them; a reference to no drug is a warning (nothing to attach to)."""
    data["causalities"] = []
    warnings = data.setdefault("_warnings", [])
    for ca in assessment.findall(f"{H}component/{H}causalityAssessment"):
        code = _code_of(ca)
        drug_ref = _attr(ca.find(f"{H}subject2/{H}productUseReference/{H}id"), "root")
        if code == C.OBS_ROLE:
            value = ca.find(f"{H}value")
            if value is not None and (value.get("codeSystem") or "").startswith(REGIONAL_PREFIX):
                continue  # a regional characterisation beside the ICH one
            role = _ce(value, "G.k.1 characterisation of drug role", C.DRUG_ROLE)
            if drug_ref not in drug_ids:
                warnings.append(f"G.k.1: role {role} refers to no drug of the report ({drug_ref})")
                continue
            for k in drug_ids[drug_ref]:
                data["drugs"][k]["role"] = role
        elif code == C.OBS_CAUSALITY:
            reaction_ref = _attr(ca.find(f"{H}subject1/{H}adverseEffectReference/{H}id"), "root")
            if drug_ref not in drug_ids or reaction_ref not in reaction_ids:
                warnings.append(
                    "G.k.9.i.2.r: assessment refers to no drug or reaction of the report"
                )
                continue
            for k in drug_ids[drug_ref]:
                data["causalities"].append(
                    {
                        "drug": k,
                        "reaction": reaction_ids[reaction_ref],
                        "source": _text(
                            ca.find(f"{H}author/{H}assignedEntity/{H}code/{H}originalText")
                        ),
                        "method": _text(ca.find(f"{H}methodCode/{H}originalText")),
                        "result": _text(ca.find(f"{H}value")),
                        "assessor_kind": _assessor(ca),
                    }
                )
    for k, drug in enumerate(data["drugs"]):
        if not drug["role"]:
            raise ReportError(f"drug {k + 1} (G.k.1)", "characterisation of drug role is missing")
