"""The ICH E2B(R3) object identifiers (OIDs) of identifiers and code systems, as used by the
ICH implementation guide and the FDA conformance instances."""

HL7 = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {"h": HL7, "xsi": XSI}

ICH = "2.16.840.1.113883.3.989.2.1"
# identifier roots (ICH.3.x)
BATCH_NUMBER = f"{ICH}.3.22"  # N.1.2
BATCH_SENDER = f"{ICH}.3.13"  # N.1.3
BATCH_RECEIVER = f"{ICH}.3.14"  # N.1.4
MESSAGE_ID = f"{ICH}.3.1"  # N.2.r.1 and C.1.1
MESSAGE_SENDER = f"{ICH}.3.11"  # N.2.r.2
MESSAGE_RECEIVER = f"{ICH}.3.12"  # N.2.r.3
WORLDWIDE_ID = f"{ICH}.3.2"  # C.1.8.1
APPROVAL = f"{ICH}.3.4"  # G.k.3.1
# acknowledgement identifiers
ACK_LOCAL_REPORT = f"{ICH}.3.19"
ACK_MESSAGE_RECEIVER = f"{ICH}.3.16"
ACK_MESSAGE_SENDER = f"{ICH}.3.15"
ACK_BATCH_RECEIVER = f"{ICH}.3.18"
ACK_BATCH_SENDER = f"{ICH}.3.17"
ACK_BATCH_NUMBER = f"{ICH}.3.20"
ACK_LOCAL_MESSAGE = f"{ICH}.3.21"

# code systems (ICH.1.x)
MESSAGE_TYPE = f"{ICH}.1.1"
REPORT_TYPE = f"{ICH}.1.2"  # C.1.3 values
SENDER_TYPE = f"{ICH}.1.7"  # C.3.1
QUALIFICATION = f"{ICH}.1.6"  # C.2.r.4
AGE_GROUP = f"{ICH}.1.9"
OUTCOME = f"{ICH}.1.11"  # E.i.7
DRUG_ROLE = f"{ICH}.1.13"  # G.k.1
ACTION_TAKEN = f"{ICH}.1.15"  # G.k.8
RECURRENCE = f"{ICH}.1.16"  # G.k.9.i.4
OBSERVATION = f"{ICH}.1.19"  # observation codes
ORGANIZER = f"{ICH}.1.20"
REPORT_RELATION = f"{ICH}.1.22"
CHARACTERISTIC = f"{ICH}.1.23"
ACK_KEYWORD = f"{ICH}.1.24"
MEDDRA = "2.16.840.1.113883.6.163"
SEX = "1.0.5218"
COUNTRY = "1.0.3166.1.2.2"
ROUTE = "0.4.0.127.0.16.1.1.2.6"
INTERACTION = "2.16.840.1.113883.1.6"
TRIGGER = "2.16.840.1.113883.1.18"
ACT_CODE = "2.16.840.1.113883.5.4"

# observation codes (OBSERVATION code system)
OBS_AGE = "3"
OBS_WEIGHT = "7"
OBS_HEIGHT = "17"
OBS_HISTORY_TEXT = "18"
OBS_INDICATION = "19"
OBS_ROLE = "20"
OBS_REACTION = "29"
OBS_REACTION_TRANSLATION = "30"
OBS_RECURRENCE = "31"
OBS_CAUSALITY = "39"
OBS_ADDITIONAL_INFO = "2"
OBS_OUTCOME = "27"
SERIOUSNESS_CODES = {
    "34": "death",
    "21": "life_threatening",
    "33": "hospitalisation",
    "35": "disability",
    "12": "congenital_anomaly",
    "26": "other_medically_important",
}
ORG_HISTORY = "1"
ORG_DRUGS = "4"
RECURRENCE_OF = {"1": "positive", "2": "negative", "3": "unknown", "4": "not_done"}
RECURRENCE_CODE = {v: k for k, v in RECURRENCE_OF.items()}
