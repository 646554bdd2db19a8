"""The E2B(R3) acknowledgement message (MCCI_IN200101UV01): one per received batch, with the
transmission acknowledgement code (ACK.A.4: AA accepted, AE accepted with errors, AR rejected)
and one MCCI_IN000002UV01 per ICSR message (ACK.B.r.6: CA accepted, CR rejected)."""

from __future__ import annotations

import uuid
from typing import Any

from lxml import etree

from yaojian.vigilance.e2b import codes as C
from yaojian.vigilance.e2b.export import NSMAP, _device, _el, _id, now_ts

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"


def build_ack(
    *,
    batch_number: str,
    batch_sender: str,
    batch_receiver: str,
    transmitted: str,
    code: str,
    detail: str,
    reports: list[dict[str, Any]],
    local_number: str = "",
) -> str:
    """reports: [{"message_id", "safety_report_id", "created", "accepted": bool, "detail",
    "local_number"}]."""
    root = etree.Element("{urn:hl7-org:v3}MCCI_IN200101UV01", nsmap=NSMAP, ITSVersion="XML_1.0")
    _id(root, C.ACK_BATCH_NUMBER, local_number or str(uuid.uuid4()))
    _el(root, "creationTime", value=now_ts())
    _el(root, "responseModeCode", code="D")
    _el(root, "interactionId", extension="MCCI_IN200101UV01", root=C.INTERACTION)
    for report in reports:
        message = _el(root, "MCCI_IN000002UV01")
        _id(message, C.ACK_LOCAL_REPORT, report.get("local_number") or "")
        _el(message, "creationTime", value=now_ts())
        _el(message, "interactionId", extension="MCCI_IN000002UV01", root=C.INTERACTION)
        _el(message, "processingCode", code="P")
        _el(message, "processingModeCode", code="T")
        _el(message, "acceptAckCode", code="NE")
        _device(message, "receiver", C.ACK_MESSAGE_RECEIVER, batch_sender)
        _device(message, "sender", C.ACK_MESSAGE_SENDER, batch_receiver)
        line = _el(message, "attentionLine")
        _el(
            line,
            "keyWordText",
            code="1",
            codeSystem=C.ACK_KEYWORD,
            codeSystemVersion="1.0",
            displayName="dateOfIcsrMessageCreation",
        )
        _el(line, "value", value=report.get("created") or transmitted or now_ts(), xsi_type="TS")
        ack = _el(message, "acknowledgement", typeCode="CA" if report["accepted"] else "CR")
        target = _el(ack, "targetMessage")
        _id(
            target,
            C.MESSAGE_ID,
            f"{report.get('message_id', '')} {report.get('safety_report_id', '')}".strip(),
        )
        _el(_el(ack, "acknowledgementDetail"), "text", report.get("detail") or "")
    _device(root, "receiver", C.ACK_BATCH_RECEIVER, batch_sender)
    _device(root, "sender", C.ACK_BATCH_SENDER, batch_receiver)
    line = _el(root, "attentionLine")
    _el(
        line,
        "keyWordText",
        code="2",
        codeSystem=C.ACK_KEYWORD,
        codeSystemVersion="1.0",
        displayName="acknowledgementLocalMessageNumber",
    )
    _el(line, "value", extension=local_number or "0", root=C.ACK_LOCAL_MESSAGE, xsi_type="II")
    line = _el(root, "attentionLine")
    _el(
        line,
        "keyWordText",
        code="3",
        codeSystem=C.ACK_KEYWORD,
        codeSystemVersion="1.0",
        displayName="dateOfIcsrBatchTransmission",
    )
    _el(line, "value", value=transmitted or now_ts(), xsi_type="TS")
    ack = _el(root, "acknowledgement", typeCode=code)
    target = _el(ack, "targetBatch")
    _id(target, C.BATCH_NUMBER, batch_number or "UNKNOWN")
    _el(_el(ack, "acknowledgementDetail"), "text", detail)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode()


def read_ack(xml: str | bytes) -> dict[str, Any]:
    """The codes of an acknowledgement (for tests and for acknowledgements we receive)."""
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    ns = {"h": C.HL7}
    return {
        "batch_code": root.xpath("string(h:acknowledgement/@typeCode)", namespaces=ns),
        "batch_number": root.xpath(
            "string(h:acknowledgement/h:targetBatch/h:id/@extension)", namespaces=ns
        ),
        "reports": [
            {
                "code": m.xpath("string(h:acknowledgement/@typeCode)", namespaces=ns),
                "target": m.xpath(
                    "string(h:acknowledgement/h:targetMessage/h:id/@extension)", namespaces=ns
                ),
                "detail": m.xpath(
                    "string(h:acknowledgement/h:acknowledgementDetail/h:text)", namespaces=ns
                ),
            }
            for m in root.findall(f"{{{C.HL7}}}MCCI_IN000002UV01")
        ],
    }
