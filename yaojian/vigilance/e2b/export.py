"""Writing ICH E2B(R3) batches (MCCI_IN200100UV01 wrapping PORR_IN049016UV) from canonical
case dicts, with the ICH OIDs as in the conformance instances. What `parse` maps, this writes,
so an exported case reads back to the same data."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from lxml import etree

from yaojian.vigilance.e2b import codes as C

H = "{urn:hl7-org:v3}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
NSMAP = {None: C.HL7, "xsi": C.XSI}


def _el(parent, tag: str, text: str | None = None, **attrs: str):
    element = etree.SubElement(parent, H + tag)
    for key, value in attrs.items():
        if value is None:
            continue
        if key == "xsi_type":
            element.set(XSI_TYPE, value)
        else:
            element.set(key.rstrip("_"), value)
    if text:
        element.text = text
    return element


def _id(parent, root: str, extension: str):
    return _el(parent, "id", extension=extension, root=root)


def _device(parent, tag: str, root: str, extension: str) -> None:
    holder = _el(parent, tag, typeCode="RCV" if tag == "receiver" else "SND")
    device = _el(holder, "device", classCode="DEV", determinerCode="INSTANCE")
    _id(device, root, extension or "UNKNOWN")


def _obs_code(parent, code: str, name: str, system: str = C.OBSERVATION):
    return _el(parent, "code", code=code, codeSystem=system, displayName=name)


def now_ts() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M%S%z")


def export_batch(
    reports: Iterable[dict[str, Any]],
    *,
    batch_number: str | None = None,
    sender: str | None = None,
    receiver: str = "RECEIVER",
) -> bytes:
    sender = sender or getattr(settings, "YAOJIAN_E2B_SENDER", "CN-JX-ADR")
    root = etree.Element(H + "MCCI_IN200100UV01", nsmap=NSMAP, ITSVersion="XML_1.0")
    _id(root, C.BATCH_NUMBER, batch_number or f"YJ-{uuid.uuid4()}")
    _el(root, "creationTime", value=now_ts())
    _el(root, "responseModeCode", code="D")
    _el(root, "interactionId", extension="MCCI_IN200100UV01", root=C.INTERACTION)
    _el(root, "name", code="1", displayName="ichicsr", codeSystem=C.MESSAGE_TYPE)
    for data in reports:
        _message(root, data, sender=sender, receiver=receiver)
    _device(root, "receiver", C.BATCH_RECEIVER, receiver)
    _device(root, "sender", C.BATCH_SENDER, sender)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def export_cases(versions: Iterable[Any], **kwargs: Any) -> bytes:
    from yaojian.vigilance import data as casedata

    return export_batch((casedata.from_version(v) for v in versions), **kwargs)


def _message(root, data: dict[str, Any], *, sender: str, receiver: str) -> None:
    message = _el(root, "PORR_IN049016UV")
    _id(message, C.MESSAGE_ID, data.get("message_id") or str(uuid.uuid4()))
    _el(message, "creationTime", value=data.get("created_on") or now_ts())
    _el(message, "interactionId", extension="PORR_IN049016UV", root=C.INTERACTION)
    _el(message, "processingCode", code="P")
    _el(message, "processingModeCode", code="T")
    _el(message, "acceptAckCode", code="AL")
    _device(message, "receiver", C.MESSAGE_RECEIVER, data.get("receiver_id") or receiver)
    _device(message, "sender", C.MESSAGE_SENDER, data.get("sender_id") or sender)
    act = _el(message, "controlActProcess", classCode="CACT", moodCode="EVN")
    _el(act, "code", code="PORR_TE049016UV", codeSystem=C.TRIGGER)
    _el(act, "effectiveTime", value=data.get("created_on") or now_ts())
    subject = _el(act, "subject", typeCode="SUBJ")
    event = _el(subject, "investigationEvent", classCode="INVSTG", moodCode="EVN")
    _id(event, C.MESSAGE_ID, data["safety_report_id"])
    if data.get("worldwide_id"):
        _id(event, C.WORLDWIDE_ID, data["worldwide_id"])
    _el(event, "code", code="PAT_ADV_EVNT", codeSystem=C.ACT_CODE)
    if data.get("narrative"):
        _el(event, "text", data["narrative"])
    _el(event, "statusCode", code="active")
    time = _el(event, "effectiveTime")
    _el(time, "low", value=data["first_received"])
    _el(event, "availabilityTime", value=data.get("most_recent") or data["first_received"])
    assessment_holder = _el(event, "component", typeCode="COMP")
    assessment = _el(
        assessment_holder, "adverseEventAssessment", classCode="INVSTG", moodCode="EVN"
    )
    subject1 = _el(assessment, "subject1", typeCode="SBJ")
    role = _el(subject1, "primaryRole", classCode="INVSBJ")
    reaction_ids = [str(uuid.uuid4()) for _ in data["reactions"]]
    drug_ids = [str(uuid.uuid4()) for _ in data["drugs"]]
    _patient(role, data)
    for i, reaction in enumerate(data["reactions"]):
        _reaction(role, reaction, reaction_ids[i])
    if data["drugs"]:
        holder = _el(role, "subjectOf2", typeCode="SBJ")
        organizer = _el(holder, "organizer", classCode="CATEGORY", moodCode="EVN")
        _obs_code(organizer, C.ORG_DRUGS, "drugInformation", C.ORGANIZER)
        for k, drug in enumerate(data["drugs"]):
            _drug(organizer, drug, drug_ids[k], reaction_ids)
    for k, drug in enumerate(data["drugs"]):
        component = _el(assessment, "component", typeCode="COMP")
        ca = _el(component, "causalityAssessment", classCode="OBS", moodCode="EVN")
        _obs_code(ca, C.OBS_ROLE, "interventionCharacterization")
        _el(ca, "value", xsi_type="CE", code=drug["role"], codeSystem=C.DRUG_ROLE)
        ref = _el(
            _el(ca, "subject2", typeCode="SUBJ"),
            "productUseReference",
            classCode="SBADM",
            moodCode="EVN",
        )
        _el(ref, "id", root=drug_ids[k])
    for x in data.get("causalities") or []:
        component = _el(assessment, "component", typeCode="COMP")
        ca = _el(component, "causalityAssessment", classCode="OBS", moodCode="EVN")
        _obs_code(ca, C.OBS_CAUSALITY, "causality")
        _el(ca, "value", x["result"], xsi_type="ST")
        if x.get("method"):
            _el(_el(ca, "methodCode"), "originalText", x["method"])
        if x.get("source"):
            entity = _el(_el(ca, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
            _el(_el(entity, "code"), "originalText", x["source"])
        ref = _el(
            _el(ca, "subject1", typeCode="SUBJ"),
            "adverseEffectReference",
            classCode="OBS",
            moodCode="EVN",
        )
        _el(ref, "id", root=reaction_ids[x["reaction"]])
        ref = _el(
            _el(ca, "subject2", typeCode="SUBJ"),
            "productUseReference",
            classCode="SBADM",
            moodCode="EVN",
        )
        _el(ref, "id", root=drug_ids[x["drug"]])
    for author, key in (("3", "reporter_comments"), ("1", "sender_comments")):
        if data.get(key):
            component = _el(assessment, "component1", typeCode="COMP")
            obs = _el(component, "observationEvent", classCode="OBS", moodCode="EVN")
            _obs_code(obs, "10", "comment")
            _el(obs, "value", data[key], xsi_type="ED")
            entity = _el(_el(obs, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
            _el(entity, "code", code=author, codeSystem=f"{C.ICH}.1.21")
    _reporter(event, data)
    _sender(event, data)
    characteristic = _el(
        _el(event, "subjectOf2", typeCode="SUBJ"),
        "investigationCharacteristic",
        classCode="OBS",
        moodCode="EVN",
    )
    _el(characteristic, "code", code="1", codeSystem=C.CHARACTERISTIC, displayName="ICH ReportType")
    _el(characteristic, "value", xsi_type="CE", code=data["report_type"], codeSystem=C.REPORT_TYPE)


def _patient(role, data: dict[str, Any]) -> None:
    player = _el(role, "player1", classCode="PSN", determinerCode="INSTANCE")
    name = data["patient_name"]
    if name.startswith("[") and name.endswith("]") and len(name) <= 6:
        _el(player, "name", nullFlavor=name[1:-1])
    else:
        _el(player, "name", name)
    if data.get("patient_sex"):
        _el(player, "administrativeGenderCode", code=data["patient_sex"], codeSystem=C.SEX)
    if data.get("patient_birth_date"):
        _el(player, "birthTime", value=data["patient_birth_date"])
    for code, label, value, unit in (
        (C.OBS_AGE, "age", data.get("patient_age"), data.get("patient_age_unit") or "a"),
        (C.OBS_WEIGHT, "bodyWeight", data.get("patient_weight"), "kg"),
        (C.OBS_HEIGHT, "height", data.get("patient_height"), "cm"),
    ):
        if value:
            obs = _el(
                _el(role, "subjectOf2", typeCode="SBJ"),
                "observation",
                classCode="OBS",
                moodCode="EVN",
            )
            _obs_code(obs, code, label)
            _el(obs, "value", xsi_type="PQ", value=str(value), unit=unit)
    if data.get("patient_medical_history"):
        organizer = _el(
            _el(role, "subjectOf2", typeCode="SBJ"),
            "organizer",
            classCode="CATEGORY",
            moodCode="EVN",
        )
        _obs_code(
            organizer, C.ORG_HISTORY, "relevantMedicalHistoryAndConcurrentConditions", C.ORGANIZER
        )
        obs = _el(
            _el(organizer, "component", typeCode="COMP"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        _obs_code(obs, C.OBS_HISTORY_TEXT, "historyAndConcurrentConditionText")
        _el(obs, "value", data["patient_medical_history"], xsi_type="ED")


def _reaction(role, reaction: dict[str, Any], reaction_id: str) -> None:
    obs = _el(
        _el(role, "subjectOf2", typeCode="SBJ"), "observation", classCode="OBS", moodCode="EVN"
    )
    _el(obs, "id", root=reaction_id)
    _obs_code(obs, C.OBS_REACTION, "reaction")
    if reaction.get("onset") or reaction.get("end"):
        time = _el(obs, "effectiveTime", xsi_type="IVL_TS")
        if reaction.get("onset"):
            _el(time, "low", value=reaction["onset"])
        if reaction.get("end"):
            _el(time, "high", value=reaction["end"])
    if reaction.get("llt_code"):
        value = _el(
            obs,
            "value",
            xsi_type="CE",
            code=reaction["llt_code"],
            codeSystem=C.MEDDRA,
            codeSystemVersion=reaction["meddra_version"],
        )
    else:
        value = _el(obs, "value", xsi_type="CE", codeSystem=C.MEDDRA)
    if reaction.get("reported_term"):
        _el(value, "originalText", reaction["reported_term"])
    if reaction.get("country"):
        place = _el(
            _el(_el(obs, "location", typeCode="LOC"), "locatedEntity", classCode="LOCE"),
            "locatedPlace",
            determinerCode="INSTANCE",
            classCode="COUNTRY",
        )
        _el(place, "code", code=reaction["country"], codeSystem=C.COUNTRY)
    for code, field in C.SERIOUSNESS_CODES.items():
        rel = _el(
            _el(obs, "outboundRelationship2", typeCode="PERT"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        _obs_code(rel, code, field)
        if reaction.get(field):
            _el(rel, "value", xsi_type="BL", value="true")
        else:
            _el(rel, "value", xsi_type="BL", nullFlavor="NI")
    if reaction.get("outcome"):
        rel = _el(
            _el(obs, "outboundRelationship2", typeCode="PERT"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        _obs_code(rel, C.OBS_OUTCOME, "outcome")
        _el(rel, "value", xsi_type="CE", code=reaction["outcome"], codeSystem=C.OUTCOME)


def _drug(organizer, drug: dict[str, Any], drug_id: str, reaction_ids: list[str]) -> None:
    sa = _el(
        _el(organizer, "component", typeCode="COMP"),
        "substanceAdministration",
        classCode="SBADM",
        moodCode="EVN",
    )
    _el(sa, "id", root=drug_id)
    kind = _el(
        _el(_el(sa, "consumable", typeCode="CSM"), "instanceOfKind", classCode="INST"),
        "kindOfProduct",
        classCode="MMAT",
        determinerCode="KIND",
    )
    _el(kind, "name", drug["name"])
    if drug.get("approval_number") or drug.get("holder_name"):
        approval = _el(
            _el(_el(kind, "asManufacturedProduct", classCode="MANU"), "subjectOf", typeCode="SBJ"),
            "approval",
            classCode="CNTRCT",
            moodCode="EVN",
        )
        if drug.get("approval_number"):
            _id(approval, C.APPROVAL, drug["approval_number"])
        if drug.get("holder_name"):
            org = _el(
                _el(_el(approval, "holder", typeCode="HLD"), "role", classCode="HLD"),
                "playingOrganization",
                classCode="ORG",
                determinerCode="INSTANCE",
            )
            _el(org, "name", drug["holder_name"])
    dosages = list(drug.get("dosages") or [])
    if drug.get("batch_number") and not dosages:
        dosages = [{}]
    for j, dosage in enumerate(dosages):
        inner = _el(
            _el(sa, "outboundRelationship2", typeCode="COMP"),
            "substanceAdministration",
            classCode="SBADM",
            moodCode="EVN",
        )
        if dosage.get("text"):
            _el(inner, "text", dosage["text"])
        has_period = bool(dosage.get("frequency"))
        has_range = bool(dosage.get("start") or dosage.get("end"))
        if has_period or has_range:
            time = _el(inner, "effectiveTime", xsi_type="SXPR_TS")
            if has_period:
                comp = _el(time, "comp", xsi_type="PIVL_TS")
                _el(
                    comp,
                    "period",
                    value=dosage["frequency"],
                    unit=dosage.get("frequency_unit") or "d",
                )
            if has_range:
                comp = _el(time, "comp", xsi_type="IVL_TS", operator="A")
                if dosage.get("start"):
                    _el(comp, "low", value=dosage["start"])
                if dosage.get("end"):
                    _el(comp, "high", value=dosage["end"])
        if dosage.get("route"):
            _el(inner, "routeCode", code=dosage["route"], codeSystem=C.ROUTE)
        if dosage.get("dose"):
            _el(inner, "doseQuantity", value=dosage["dose"], unit=dosage.get("unit") or "1")
        if j == 0 and drug.get("batch_number"):
            product = _el(
                _el(_el(inner, "consumable", typeCode="CSM"), "instanceOfKind", classCode="INST"),
                "productInstanceInstance",
                classCode="MMAT",
                determinerCode="INSTANCE",
            )
            _el(product, "lotNumberText", drug["batch_number"])
    if drug.get("rechallenge") and reaction_ids:
        obs = _el(
            _el(sa, "outboundRelationship2", typeCode="PERT"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        _obs_code(obs, C.OBS_RECURRENCE, "recurranceOfReaction")
        _el(
            obs,
            "value",
            xsi_type="CE",
            code=C.RECURRENCE_CODE[drug["rechallenge"]],
            codeSystem=C.RECURRENCE,
        )
        ref = _el(
            _el(obs, "outboundRelationship1", typeCode="REFR"),
            "actReference",
            classCode="OBS",
            moodCode="EVN",
        )
        _el(ref, "id", root=reaction_ids[0])
    if drug.get("dechallenge"):
        obs = _el(
            _el(sa, "outboundRelationship2", typeCode="REFR"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        _obs_code(obs, C.OBS_ADDITIONAL_INFO, "additionalInformation")
        _el(obs, "value", f"[dechallenge={drug['dechallenge']}]", xsi_type="ST")
    if drug.get("indication"):
        obs = _el(
            _el(sa, "inboundRelationship", typeCode="RSON"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        _obs_code(obs, C.OBS_INDICATION, "indication")
        value = _el(obs, "value", xsi_type="CE", codeSystem=C.MEDDRA)
        _el(value, "originalText", drug["indication"])
    if drug.get("action_taken"):
        act = _el(
            _el(sa, "inboundRelationship", typeCode="CAUS"), "act", classCode="ACT", moodCode="EVN"
        )
        _el(act, "code", code=drug["action_taken"], codeSystem=C.ACTION_TAKEN)


def _reporter(event, data: dict[str, Any]) -> None:
    keys = (
        "reporter_name",
        "reporter_qualification",
        "reporter_organisation",
        "reporter_phone",
        "reporter_country",
    )
    if not any(data.get(k) for k in keys):
        return
    rel = _el(event, "outboundRelationship", typeCode="SPRT")
    _el(rel, "priorityNumber", value="1")
    related = _el(rel, "relatedInvestigation", classCode="INVSTG", moodCode="EVN")
    _el(related, "code", code="2", codeSystem=C.REPORT_RELATION, displayName="sourceReport")
    entity = _el(
        _el(
            _el(
                _el(related, "subjectOf2", typeCode="SUBJ"),
                "controlActEvent",
                classCode="CACT",
                moodCode="EVN",
            ),
            "author",
            typeCode="AUT",
        ),
        "assignedEntity",
        classCode="ASSIGNED",
    )
    if data.get("reporter_phone"):
        _el(entity, "telecom", value=f"tel:{data['reporter_phone']}")
    person = _el(entity, "assignedPerson", classCode="PSN", determinerCode="INSTANCE")
    if data.get("reporter_name"):
        name = _el(person, "name")
        parts = data["reporter_name"].rsplit(" ", 1)
        if len(parts) == 2:
            _el(name, "given", parts[0])
            _el(name, "family", parts[1])
        else:
            _el(name, "family", parts[0])
    if data.get("reporter_qualification"):
        _el(
            _el(person, "asQualifiedEntity", classCode="QUAL"),
            "code",
            code=data["reporter_qualification"],
            codeSystem=C.QUALIFICATION,
        )
    if data.get("reporter_country"):
        location = _el(
            _el(person, "asLocatedEntity", classCode="LOCE"),
            "location",
            classCode="COUNTRY",
            determinerCode="INSTANCE",
        )
        _el(location, "code", code=data["reporter_country"], codeSystem=C.COUNTRY)
    if data.get("reporter_organisation"):
        org = _el(entity, "representedOrganization", classCode="ORG", determinerCode="INSTANCE")
        inner = _el(
            _el(org, "assignedEntity", classCode="ASSIGNED"),
            "representedOrganization",
            classCode="ORG",
            determinerCode="INSTANCE",
        )
        _el(inner, "name", data["reporter_organisation"])


def _sender(event, data: dict[str, Any]) -> None:
    if not (data.get("sender_type") or data.get("sender_organisation")):
        return
    entity = _el(
        _el(
            _el(
                _el(event, "subjectOf1", typeCode="SUBJ"),
                "controlActEvent",
                classCode="CACT",
                moodCode="EVN",
            ),
            "author",
            typeCode="AUT",
        ),
        "assignedEntity",
        classCode="ASSIGNED",
    )
    if data.get("sender_type"):
        _el(entity, "code", code=data["sender_type"], codeSystem=C.SENDER_TYPE)
    if data.get("sender_organisation"):
        org = _el(entity, "representedOrganization", classCode="ORG", determinerCode="INSTANCE")
        inner = _el(
            _el(org, "assignedEntity", classCode="ASSIGNED"),
            "representedOrganization",
            classCode="ORG",
            determinerCode="INSTANCE",
        )
        _el(inner, "name", data["sender_organisation"])
