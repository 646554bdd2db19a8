"""The regulators' side (work portal): the applications of the jurisdiction, the whole case
with the actions the workflow allows this user now, the materials, and the efficiency view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core.errors import DomainError
from yaojian.core.forms import apply_errors
from yaojian.core.pages import error_message, regulator, reraise_access
from yaojian.licensing import forms, queries, selectors, services, workflows
from yaojian.licensing.choices import FINAL_STATUSES, OPEN_STATUSES, Status
from yaojian.registry.views.common import list_page

EXPORT_COLUMNS = [
    (gettext_lazy("Application number"), lambda a: a.number),
    (gettext_lazy("Matter"), lambda a: a.matter.display_name),
    (gettext_lazy("Applicant"), lambda a: a.enterprise.name),
    (gettext_lazy("Unified social credit code"), lambda a: a.enterprise.uscc),
    (gettext_lazy("Handled by"), lambda a: a.handling_bureau.display_name),
    (gettext_lazy("Status"), lambda a: a.get_status_display()),
    (gettext_lazy("Route"), lambda a: a.get_route_display()),
    (gettext_lazy("Submitted at"), lambda a: a.submitted_at),
    (gettext_lazy("Accepted on"), lambda a: a.accepted_on),
    (gettext_lazy("Statutory deadline"), lambda a: a.deadline),
    (gettext_lazy("Committed deadline"), lambda a: a.committed_deadline),
    (gettext_lazy("Licence"), lambda a: a.licence.number if a.licence_id else ""),
]


@login_required
def application_list(request):
    user = regulator(request)
    get = request.GET
    filters = {
        "status": get.get("status", "")[:20],
        "matter": get.get("matter", "")[:60],
        "query": get.get("q", "").strip()[:100],
        "due": get.get("due", "")[:10],
    }
    sort = get.get("sort", "-created")
    unsorted = get.copy()
    for key in ("sort", "page", "export"):
        unsorted.pop(key, None)
    applications = queries.sort_applications(
        selectors.application_list(user, **filters).select_related("licence"), sort
    )
    return list_page(
        request,
        applications,
        template="licensing/application_list.html",
        rows_template="licensing/application_rows.html",
        nav="licensing",
        export_name="applications",
        export_sheet=_("Applications"),
        columns=EXPORT_COLUMNS,
        context={
            "filters": {**filters, "sort": sort},
            "statuses": [("open", _("Open (not yet decided)")), *Status.choices],
            "matters": selectors.matter_list(user, include_inactive=True),
            "due_filters": queries.DUE_FILTERS,
            "unsorted_querystring": unsorted.urlencode(),
            "today": timezone.localdate(),
            "open_statuses": sorted(OPEN_STATUSES),
            "may_edit_matters": user.has_role(Role.SYSTEM_ADMIN, Role.LEADER),
        },
    )


@dataclass
class Action:
    """One action of the case page: its form, the service it calls, what it says when done."""

    title: Any
    form: Callable[..., Any]
    run: Callable[[Any, int, Any], Any]
    done: Any
    help: Any = ""
    style: str = "primary"


ACTIONS: dict[str, Action] = {
    "accept": Action(
        workflows.TRANSITIONS["accept"].label,
        forms.EmptyForm,
        lambda user, pk, form: services.application_accept(actor=user, application_id=pk),
        gettext_lazy("The application was accepted; the statutory clock runs from today."),
        gettext_lazy(
            "The materials are complete and in the legal form: the statutory clock starts today."
        ),
    ),
    "request_correction": Action(
        workflows.TRANSITIONS["request_correction"].label,
        forms.CorrectionFormSet,
        lambda user, pk, form: services.application_request_correction(
            actor=user, application_id=pk, items=form.items()
        ),
        gettext_lazy("The correction notice was sent to the applicant."),
        gettext_lazy(
            "One notice only (行政许可法 第三十二条): list every missing or faulty item at once."
        ),
        "warning",
    ),
    "not_accept": Action(
        workflows.TRANSITIONS["not_accept"].label,
        forms.ReasonsForm,
        lambda user, pk, form: services.application_not_accept(
            actor=user, application_id=pk, **form.cleaned_data
        ),
        gettext_lazy("The application was not accepted; the applicant is told why."),
        gettext_lazy(
            "The matter is not this bureau's, or needs no licence: give the reasons and the legal basis."
        ),
        "danger",
    ),
    "start_inspection": Action(
        workflows.TRANSITIONS["start_inspection"].label,
        forms.NoteForm,
        lambda user, pk, form: services.application_start_inspection(
            actor=user, application_id=pk, note=form.cleaned_data["note"]
        ),
        gettext_lazy("Sent for on-site inspection; the clock pauses until the inspectors report."),
        gettext_lazy(
            "The inspectors of the bureau get a to-do; the statutory clock pauses meanwhile."
        ),
    ),
    "finish_inspection": Action(
        workflows.TRANSITIONS["finish_inspection"].label,
        forms.InspectionForm,
        lambda user, pk, form: services.application_finish_inspection(
            actor=user, application_id=pk, **form.cleaned_data
        ),
        gettext_lazy("The inspection was recorded; the clock runs again."),
    ),
    "finish_review": Action(
        workflows.TRANSITIONS["finish_review"].label,
        forms.OpinionForm,
        lambda user, pk, form: services.application_finish_review(
            actor=user, application_id=pk, opinion=form.cleaned_data["opinion"]
        ),
        gettext_lazy("The review is finished; the approvers decide next."),
    ),
    "decide": Action(
        gettext_lazy("Decide"),
        forms.DecisionForm,
        lambda user, pk, form: services.application_decide(
            actor=user, application_id=pk, **form.cleaned_data
        ),
        gettext_lazy("The decision was recorded and the applicant told."),
        gettext_lazy(
            "Approval enters the licence in the register and issues the signed electronic licence."
        ),
        "success",
    ),
    "request_extension": Action(
        gettext_lazy("Request an extension"),
        forms.ExtensionForm,
        lambda user, pk, form: services.extension_request(
            actor=user, application_id=pk, reason=form.cleaned_data["reason"]
        ),
        gettext_lazy("The extension was requested; a leader of the bureau approves it."),
        gettext_lazy("10 working days, once, with a leader's approval (行政许可法 第四十二条)."),
        "secondary",
    ),
    "approve_extension": Action(
        gettext_lazy("Approve the extension"),
        forms.EmptyForm,
        lambda user, pk, form: services.extension_approve(actor=user, application_id=pk),
        gettext_lazy("The extension was approved; the applicant is told the new deadline."),
        style="secondary",
    ),
}


def _initial_form(action: str, application):
    spec = ACTIONS[action]
    if action == "request_correction":
        missing = queries.missing_items(application)
        return spec.form(
            prefix=action,
            initial=[{"item": item, "reason": _("Not submitted")} for item in missing],
        )
    if action == "decide":
        return spec.form(prefix=action, initial={"basis": application.matter.legal_basis})
    if action == "not_accept":
        return spec.form(prefix=action, initial={"basis": "《中华人民共和国行政许可法》第三十二条"})
    return spec.form(prefix=action)


def _detail(request, user, application, *, bound: tuple[str, Any] | None = None):
    view = selectors.application_view(user, application)
    available = queries.page_actions(user, application, view)
    action_forms = []
    for action in available:
        form = bound[1] if bound and bound[0] == action else _initial_form(action, application)
        action_forms.append({"action": action, "spec": ACTIONS[action], "form": form})
    steps = queries.steps_of(view["events"], internal=True)
    context = {
        "nav": "licensing",
        "application": application,
        "view": view,
        "steps": steps,
        "rows": queries.material_rows(application, view["materials"]),
        "form_rows": queries.form_rows(application),
        "action_forms": action_forms,
        "inspection_pending": queries.inspection_pending(application, view),
        "is_final": application.status in FINAL_STATUSES,
        "prechecks": queries.precheck_rows(application),
        "decision_shown": queries.decision_shown(application),
        **queries.elicence_context(user, application.licence),
        **queries.clock_context(application, view["clock"]),
    }
    return render(request, "licensing/application_detail.html", context)


@login_required
def application_detail(request, pk: int):
    user = regulator(request)
    return _detail(request, user, selectors.application_get(user, pk))


@login_required
@require_POST
def application_act(request, pk: int, action: str):
    """One action of the case page: its form, then its service; a mistake is shown on the
    form's field and changes nothing."""
    user = regulator(request)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    application = selectors.application_get(user, pk)
    form = spec.form(request.POST, prefix=action)
    if not form.is_valid():
        return _detail(request, user, application, bound=(action, form))
    try:
        spec.run(user, application.pk, form)
    except DomainError as error:
        reraise_access(error)
        if error.status == 409 or not error.errors:
            error_message(request, error)
            return redirect("licensing:application_detail", pk=application.pk)
        application.refresh_from_db()
        _show_errors(form, error)
        return _detail(request, user, application, bound=(action, form))
    messages.success(request, str(spec.done))
    return redirect("licensing:application_detail", pk=application.pk)


def _show_errors(form, error: DomainError) -> None:
    if isinstance(form, forms.BaseCorrectionFormSet):
        form.add_service_errors([message for items in error.errors.values() for message in items])
        return
    apply_errors(form, error)


@login_required
def material_download(request, pk: int, material_id: int):
    """A material's file, only to users who may see the application; every download is
    recorded in the audit log."""
    application = selectors.application_get(request.user, pk)
    material = application.uploaded_materials.filter(pk=material_id).first()
    if material is None:
        raise Http404
    audit.record(
        actor=request.user,
        action="licensing.material.download",
        obj=application,
        detail=f"{material.code} {material.original_name} sm3 {material.sm3[:16]}",
    )
    response = FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.original_name,
        content_type=material.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def efficiency(request):
    """Leaders' view: open applications by remaining time, on-time rate, average days."""
    user = regulator(request)
    figures = selectors.efficiency(user)
    buckets = figures["buckets"]
    chart = {
        "labels": [str(_("Overdue")), "0–3", "4–10", "11+"],
        "axis_days": str(_("Working days left")),
        "values": [buckets["overdue"], buckets["0-3"], buckets["4-10"], buckets["11+"]],
        "matters": [row["name"] for row in figures["by_matter"]],
        # ECharts draws a gap for null: a matter with open applications but no decision yet.
        "average_days": [
            None if row["average_days"] is None else round(row["average_days"], 1)
            for row in figures["by_matter"]
        ],
        "series_open": str(_("Open applications")),
        "series_days": str(_("Average working days to decision")),
    }
    return render(
        request,
        "licensing/efficiency.html",
        {"nav": "licensing", "figures": figures, "chart": chart},
    )
