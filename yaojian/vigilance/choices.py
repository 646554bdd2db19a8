"""Choices of adverse-reaction monitoring. Values follow ICH E2B(R3) codes where E2B has them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeddraLevel(models.TextChoices):
    SOC = "soc", _("System organ class")
    HLGT = "hlgt", _("High level group term")
    HLT = "hlt", _("High level term")
    PT = "pt", _("Preferred term")
    LLT = "llt", _("Lowest level term")


class CaseSource(models.TextChoices):
    MEDICAL_INSTITUTION = "medical_institution", _("Medical institution")
    ENTERPRISE = "enterprise", _("Marketing-authorisation holder")
    PUBLIC = "public", _("Member of the public")
    E2B = "e2b", _("E2B(R3) exchange")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSESSED = "assessed", _("Assessed by the monitoring centre")
    MERGED = "merged", _("Merged into another case")
    NULLIFIED = "nullified", _("Nullified")


class VersionKind(models.TextChoices):
    INITIAL = "initial", _("Initial report")
    FOLLOW_UP = "follow_up", _("Follow-up")
    MERGE = "merge", _("Merged duplicate")


class ReportType(models.TextChoices):
    """E2B(R3) C.1.3."""

    SPONTANEOUS = "1", _("Spontaneous report")
    STUDY = "2", _("Report from study")
    OTHER = "3", _("Other")
    NOT_AVAILABLE = "4", _("Not available to sender (unknown)")


class Sex(models.TextChoices):
    """E2B(R3) D.5 (ISO 5218)."""

    MALE = "1", _("Male")
    FEMALE = "2", _("Female")
    UNKNOWN = "", _("Unknown")


class AgeUnit(models.TextChoices):
    """UCUM units of E2B(R3) D.2.2b."""

    YEAR = "a", _("years")
    MONTH = "mo", _("months")
    WEEK = "wk", _("weeks")
    DAY = "d", _("days")
    HOUR = "h", _("hours")
    DECADE = "10.a", _("decades")


class Outcome(models.TextChoices):
    """E2B(R3) E.i.7."""

    RECOVERED = "1", _("Recovered/resolved")
    RECOVERING = "2", _("Recovering/resolving")
    NOT_RECOVERED = "3", _("Not recovered/not resolved/ongoing")
    SEQUELAE = "4", _("Recovered/resolved with sequelae")
    FATAL = "5", _("Fatal")
    UNKNOWN = "0", _("Unknown")


SERIOUSNESS_CRITERIA = (
    ("death", _("Results in death")),
    ("life_threatening", _("Life-threatening")),
    ("hospitalisation", _("Caused or prolonged hospitalisation")),
    ("disability", _("Disabling/incapacitating")),
    ("congenital_anomaly", _("Congenital anomaly/birth defect")),
    ("other_medically_important", _("Other medically important condition")),
)
SERIOUSNESS_FIELDS = tuple(name for name, _label in SERIOUSNESS_CRITERIA)


class DrugRole(models.TextChoices):
    """E2B(R3) G.k.1."""

    SUSPECT = "1", _("Suspect")
    CONCOMITANT = "2", _("Concomitant")
    INTERACTING = "3", _("Interacting")
    NOT_ADMINISTERED = "4", _("Drug not administered")


SIGNAL_ROLES = (DrugRole.SUSPECT, DrugRole.INTERACTING)


class ActionTaken(models.TextChoices):
    """E2B(R3) G.k.8."""

    WITHDRAWN = "1", _("Drug withdrawn")
    DOSE_REDUCED = "2", _("Dose reduced")
    DOSE_INCREASED = "3", _("Dose increased")
    DOSE_NOT_CHANGED = "4", _("Dose not changed")
    UNKNOWN = "0", _("Unknown")
    NOT_APPLICABLE = "9", _("Not applicable")


class Challenge(models.TextChoices):
    """Dechallenge / rechallenge result (Chinese ADR form: 停药或减量后反应是否消失; 再次使用)."""

    POSITIVE = "positive", _("Reaction abated / recurred")
    NEGATIVE = "negative", _("Reaction did not abate / did not recur")
    NOT_DONE = "not_done", _("Not done / not applicable")
    UNKNOWN = "unknown", _("Unknown")


class Route(models.TextChoices):
    """A subset of the EDQM/E2B route-of-administration terms (E2B R2 numeric codes)."""

    ORAL = "048", _("Oral")
    INTRAVENOUS = "042", _("Intravenous")
    INTRAMUSCULAR = "030", _("Intramuscular")
    SUBCUTANEOUS = "058", _("Subcutaneous")
    TOPICAL = "061", _("Topical")
    INHALATION = "055", _("Respiratory (inhalation)")
    RECTAL = "054", _("Rectal")
    OPHTHALMIC = "047", _("Ophthalmic")
    OTHER = "050", _("Other")
    UNKNOWN = "065", _("Unknown")


class Qualification(models.TextChoices):
    """E2B(R3) C.2.r.4."""

    PHYSICIAN = "1", _("Physician")
    PHARMACIST = "2", _("Pharmacist")
    OTHER_HCP = "3", _("Other health professional")
    LAWYER = "4", _("Lawyer")
    CONSUMER = "5", _("Consumer or other non-health professional")


class AssessorKind(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    CENTRE = "centre", _("Monitoring centre")
    SENDER = "sender", _("Sender (E2B)")


class CausalityScale(models.TextChoices):
    CHINA = "china", _("Chinese ADR scale")
    WHO_UMC = "who_umc", _("WHO-UMC")
    OTHER = "other", _("Other method")


class ChinaCausality(models.TextChoices):
    CERTAIN = "肯定", _("Certain")
    PROBABLE = "很可能", _("Probable")
    POSSIBLE = "可能", _("Possible")
    UNLIKELY = "可能无关", _("Unlikely")
    PENDING = "待评价", _("Conditional (to be assessed)")
    UNASSESSABLE = "无法评价", _("Unassessable")


class WhoUmcCausality(models.TextChoices):
    CERTAIN = "certain", _("Certain")
    PROBABLE = "probable", _("Probable/likely")
    POSSIBLE = "possible", _("Possible")
    UNLIKELY = "unlikely", _("Unlikely")
    CONDITIONAL = "conditional", _("Conditional/unclassified")
    UNASSESSABLE = "unassessable", _("Unassessable/unclassifiable")


CAUSALITY_RESULTS = {
    CausalityScale.CHINA: ChinaCausality,
    CausalityScale.WHO_UMC: WhoUmcCausality,
}
# the two scales describe the same six grades (国家ADR监测中心 关联性评价 ≈ WHO-UMC)
CHINA_TO_WHO = dict(zip(ChinaCausality.values, WhoUmcCausality.values, strict=True))


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not a duplicate")


class AckCode(models.TextChoices):
    """HL7 acknowledgement codes used by E2B(R3)."""

    ACCEPTED = "AA", _("Accepted")
    ERROR = "AE", _("Accepted with errors")
    REJECTED = "AR", _("Rejected")
