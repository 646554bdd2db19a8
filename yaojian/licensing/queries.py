"""Small reads for the hall's pages and API, on top of `selectors` (which stays the lead's).

Everything here takes the user and reads through the scoped selectors; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import F, QuerySet
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext_lazy as _

from yaojian.accounts.choices import EnterpriseRight, Role
from yaojian.licensing import workflows
from yaojian.licensing.choices import OPEN_STATUSES, MatterKind, Route, Status
from yaojian.licensing.config import fields_of, materials_of
from yaojian.licensing.models import Application, Matter

S = Status

# The actions a regulator takes from the case page, in the order the page offers them.
# `approve` and `refuse` share one form ("decide"); extensions are not in the workflow table.
PAGE_ACTIONS = [
    "accept",
    "request_correction",
    "not_accept",
    "start_inspection",
    "finish_inspection",
    "finish_review",
    "decide",
    "request_extension",
    "approve_extension",
]
EXTENSION_STATUSES = frozenset({S.REVIEWING, S.INSPECTING, S.DECIDING})

# The step list names what happened (the workflow table names the buttons).
STEP_LABELS = {
    "create": _("Draft created"),
    "submit": _("Submitted"),
    "withdraw": _("Withdrawn"),
    "request_correction": _("Corrections requested"),
    "answer_correction": _("Corrections sent"),
    "not_accept": _("Not accepted"),
    "accept": _("Accepted"),
    "start_inspection": _("Sent for on-site inspection"),
    "finish_inspection": _("Inspection recorded"),
    "finish_review": _("Review finished"),
    "approve": _("Approved and issued"),
    "refuse": _("Refused"),
    "request_extension": _("Extension requested"),
    "approve_extension": _("Extension approved"),
}
# Whose notes the applicant reads: what the law says must be told to them (corrections,
# refusals, reasons of an extension), never the reviewers' internal opinions and reports.
APPLICANT_NOTES = frozenset(
    {
        "submit",
        "withdraw",
        "answer_correction",
        "not_accept",
        "approve",
        "refuse",
        "approve_at_once",
        "request_extension",
    }
)
SORTS = {
    "deadline": (F("deadline").asc(nulls_last=True), "-pk"),
    "-deadline": (F("deadline").desc(nulls_last=True), "-pk"),
    "submitted": (F("submitted_at").asc(nulls_last=True), "-pk"),
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-pk"),
    "-created": ("-created_at", "-pk"),
}
DUE_FILTERS = [("overdue", _("Overdue")), ("week", _("Due within a week"))]


def step_label(action: str) -> str:
    if action in STEP_LABELS:
        return str(STEP_LABELS[action])
    transition = workflows.TRANSITIONS.get(
        action
    )  # auto_accept, approve_at_once: already past tense
    return str(transition.label) if transition is not None else action


def steps_of(events, *, internal: bool) -> list[dict]:
    """The step list of a page: label, note (the applicant reads only what concerns them),
    the correction items, and the inspection's result for the bureau."""
    steps = []
    for event in events:
        data = event.data or {}
        steps.append(
            {
                "event": event,
                "label": step_label(event.action),
                "note": event.note if internal or event.action in APPLICANT_NOTES else "",
                "items": data.get("items") if event.action == "request_correction" else None,
                "passed": data.get("passed")
                if internal and event.action == "finish_inspection"
                else None,
            }
        )
    return steps


def sort_applications(applications: QuerySet[Application], sort: str) -> QuerySet[Application]:
    return applications.order_by(*SORTS.get(sort, SORTS["-created"]))


@dataclass
class MatterGroup:
    licence_kind: str
    label: str
    matters: list[Matter]


def matters_grouped(matters) -> list[MatterGroup]:
    """The catalogue grouped by licence or filing in the register's order (drugs, devices,
    cosmetics, online sales), each group new, change, renewal, cancellation, filing."""
    from yaojian.registry.choices import LicenceKind

    kinds = {value: index for index, value in enumerate(LicenceKind.values)}
    steps = {value: index for index, value in enumerate(MatterKind.values)}
    matters = sorted(
        matters, key=lambda m: (kinds.get(m.licence_kind, 99), steps.get(m.kind, 99), m.code)
    )
    groups = []
    for kind, items in groupby(matters, key=lambda m: m.licence_kind):
        items = list(items)
        groups.append(MatterGroup(kind, str(items[0].get_licence_kind_display()), items))
    return groups


def needs_licence(matter: Matter) -> bool:
    """Changes, renewals and cancellations act on one of the enterprise's licences."""
    return matter.kind not in (MatterKind.NEW, MatterKind.FILING)


def own_licences(user: Any, matter: Matter):
    """The enterprise's licences of the matter's kind (a change, renewal or cancellation
    chooses one of them)."""
    from yaojian.registry import selectors as registry
    from yaojian.registry.models import Licence

    if not getattr(user, "is_enterprise_user", False):
        return Licence.objects.none()
    return registry.licence_list(user, kind=matter.licence_kind, sort="number")


def may_apply(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_enterprise_user", False)
        and user.has_enterprise_right(EnterpriseRight.APPLY)
    )


def editable(application: Application) -> bool:
    """The applicant edits the form and the materials of a draft or during a correction."""
    return application.status in (S.DRAFT, S.CORRECTING)


@dataclass
class MaterialRow:
    spec: Any
    files: list
    waived: bool

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def accept(self) -> str:
        """The file input's `accept` attribute."""
        return ",".join(
            {
                "pdf": ".pdf,application/pdf",
                "jpeg": ".jpg,.jpeg,image/jpeg",
                "png": ".png,image/png",
            }[t]
            for t in self.spec.types
        )

    @property
    def types_label(self) -> str:
        return " / ".join(t.upper() for t in self.spec.types)

    @property
    def missing(self) -> bool:
        return self.spec.required and not self.files and not self.waived


def material_rows(application: Application, uploaded=None) -> list[MaterialRow]:
    """Each material the matter asks for, with the files uploaded for it."""
    uploaded = list(application.uploaded_materials.all()) if uploaded is None else uploaded
    commitment = application.route == Route.COMMITMENT
    rows = []
    for spec in materials_of(application.matter):
        files = [m for m in uploaded if m.code == spec.code]
        rows.append(MaterialRow(spec, files, commitment and spec.waived_by_commitment))
    return rows


def missing_items(application: Application, rows: list[MaterialRow] | None = None) -> list[str]:
    """Required materials and fields still missing (the applicant may submit all the same:
    the bureau then asks for everything in one correction notice)."""
    rows = material_rows(application) if rows is None else rows
    missing = [row.spec.display_name for row in rows if row.missing]
    for spec in fields_of(application.matter):
        if spec.required and application.form_data.get(spec.name) in (None, "", []):
            missing.append(spec.display_label)
    return missing


def form_rows(application: Application) -> list[dict]:
    """The filled form in the reader's language, in the matter's order, then any value the
    matter no longer asks for: each with its field name, label, stored value and the value as
    the reader reads it (choices and scope items in English for a reader of English)."""
    data = dict(application.form_data or {})
    rows = []
    for spec in fields_of(application.matter):
        value = data.pop(spec.name, None)
        rows.append(
            {
                "name": spec.name,
                "label": spec.display_label,
                "value": value,
                "display": spec.display_value(value),
                "required": spec.required,
            }
        )
    for name, value in data.items():
        rows.append(
            {"name": name, "label": name, "value": value, "display": value, "required": False}
        )
    return rows


def precheck_rows(application: Application) -> list[dict]:
    """The stored pre-check report with each rule's name and explanation in the reader's
    language (a report stored before explanations were kept per language reads as written)."""
    from yaojian.licensing import prechecks

    names = {rule.code: rule.name for rule in prechecks.RULES}
    return [
        {
            **item,
            "name": str(names.get(item.get("code"), item.get("name", ""))),
            "explanation": prechecks.explanation_of(item),
        }
        for item in application.prechecks or []
    ]


def completeness(application: Application) -> dict | None:
    """The pre-check report's completeness item: all that the applicant is shown of it."""
    return next(
        (item for item in precheck_rows(application) if item.get("code") == "completeness"), None
    )


def clock_context(application: Application, state=None) -> dict:
    """Whether the statutory clock runs now; once decided, whether the decision was on time."""
    from django.utils import timezone

    from yaojian.licensing.choices import CLOCK_RUNNING

    decided_on = (
        timezone.localtime(application.decided_at).date() if application.decided_at else None
    )
    return {
        "clock_running": application.status in CLOCK_RUNNING,
        "decided_on": decided_on,
        "decided_on_time": bool(
            decided_on and (application.deadline is None or decided_on <= application.deadline)
        ),
    }


def decision_shown(application: Application) -> bool:
    return application.status in (S.NOT_ACCEPTED, S.ISSUED, S.REFUSED) and bool(
        application.decision_reasons
    )


def page_actions(user: Any, application: Application, view: dict) -> list[str]:
    """The regulator's actions the case page offers: those the workflow table allows this
    user now (`application_view(...)["actions"]`), with `approve`/`refuse` as one decision,
    without a second correction notice, plus the extension's two steps."""
    allowed = set(view["actions"])
    actions = []
    for action in PAGE_ACTIONS:
        if action == "decide":
            if allowed & {"approve", "refuse"}:
                actions.append(action)
        elif action == "request_correction":
            if action in allowed and view["correction"] is None:
                actions.append(action)
        elif action == "finish_review":
            if action in allowed and not inspection_pending(application, view):
                actions.append(action)
        elif action == "request_extension":
            if (
                getattr(user, "is_regulator", False)
                and user.has_role(Role.REVIEWER, Role.APPROVER)
                and application.status in EXTENSION_STATUSES
                and view["extension"] is None
            ):
                actions.append(action)
        elif action == "approve_extension":
            extension = view["extension"]
            if (
                getattr(user, "is_regulator", False)
                and user.has_role(Role.LEADER)
                and extension is not None
                and extension.approved_at is None
            ):
                actions.append(action)
        elif action in allowed:
            actions.append(action)
    return actions


def inspection_pending(application: Application, view: dict) -> bool:
    """The matter needs an on-site inspection that has not been recorded yet."""
    return bool(
        application.matter.inspection_step
        and application.route == Route.NORMAL
        and not any(event.action == "finish_inspection" for event in view["events"])
    )


def enterprise_actions(user: Any, application: Application) -> list[str]:
    """The applicant's buttons: submit, withdraw, answer_correction (as the table allows)."""
    return [t.action for t in workflows.available(user, application.status)]


def elicence_context(user: Any, licence: Any) -> dict:
    """The e-licence versions of a licence, when the elicence app is installed: a flag for
    the template's {% include "elicence/versions.html" %} and the versions it shows."""
    try:
        get_template("elicence/versions.html")
        from yaojian.elicence import selectors as elicence
    except (TemplateDoesNotExist, ImportError):
        return {"elicence_ready": False, "elicence_versions": []}
    versions = list(elicence.versions_of(user, licence)) if licence is not None else []
    return {
        "elicence_ready": True,
        "elicence_versions": versions,
        "elicence_current": next((v for v in versions if not v.superseded_at), None),
    }


def open_count(applications: QuerySet[Application]) -> int:
    return applications.filter(status__in=OPEN_STATUSES).count()


def matter_exists(code: str) -> bool:
    return Matter.objects.filter(code=code).exists()


def right_to_edit(application: Application) -> str:
    """A draft is the business of accounts with the right to apply, a correction of those
    with the right to answer the bureau."""
    return EnterpriseRight.APPLY if application.status == S.DRAFT else EnterpriseRight.RESPOND


def may_edit(user: Any, application: Application) -> bool:
    return (
        editable(application)
        and bool(getattr(user, "is_enterprise_user", False))
        and user.has_enterprise_right(right_to_edit(application))
    )


def require_right_to_edit(user: Any, application: Application, action: str) -> None:
    """403 (recorded) for an enterprise account without the right to edit this application.

    A stopgap for the pages and the API: `services.application_save`, `material_upload` and
    `material_delete` check the enterprise's scope but not the account's right (reported to
    the lead); once they do, this check is redundant but harmless."""
    from yaojian.accounts.services import require_enterprise_right

    if editable(application) and getattr(user, "is_enterprise_user", False):
        require_enterprise_right(user, right_to_edit(application), action=action)
