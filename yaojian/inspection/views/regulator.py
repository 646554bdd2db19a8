"""The regulators' inspection pages (work portal): overview, list, detail, steps, the field form."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.accounts.choices import Role
from yaojian.core import scoping
from yaojian.core.errors import DomainError, NotFound
from yaojian.core.forms import paginate
from yaojian.core.pages import error_message, regulator
from yaojian.inspection import selectors, services, workflows
from yaojian.inspection.choices import (
    FIELD_STATUSES,
    Grade,
    InspectionKind,
    ItemResult,
    Origin,
    Outcome,
    Status,
)
from yaojian.inspection.views.common import serve_file


@login_required
def overview(request):
    user = regulator(request)
    today = timezone.localdate()
    return render(
        request,
        "inspection/overview.html",
        {
            "nav": "inspection",
            "counts": selectors.overview(user, today=today),
            "mine": list(selectors.my_open(user)[:20]),
            "overdue": list(
                selectors.inspection_list(user, due="overdue", today=today).order_by(
                    "rectification_deadline", "due_date"
                )[:20]
            ),
            "awaiting": list(
                selectors.inspection_list(user, status=Status.RECTIFICATION_SUBMITTED)[:20]
            ),
            "pending": list(selectors.inspection_list(user, status=Status.PENDING)[:20]),
            "today": today,
        },
    )


@login_required
def inspection_list(request):
    user = regulator(request)
    filters = {
        "status": request.GET.get("status", ""),
        "kind": request.GET.get("kind", ""),
        "origin": request.GET.get("origin", ""),
        "due": request.GET.get("due", ""),
        "q": request.GET.get("q", "")[:100],
        "mine": request.GET.get("mine", "") == "1",
    }
    rows = selectors.inspection_list(user, **filters).order_by("-created_at", "-pk")
    page = paginate(request, rows, per_page=30)
    template = (
        "inspection/list_rows.html" if request.headers.get("HX-Request") else "inspection/list.html"
    )
    return render(
        request,
        template,
        {
            "nav": "inspection",
            "page": page,
            "filters": filters,
            "statuses": Status.choices,
            "kinds": InspectionKind.choices,
            "origins": Origin.choices,
            "today": timezone.localdate(),
        },
    )


def _inspectors(user):
    from yaojian.accounts.models import User

    return (
        scoping.restrict(User.objects.filter(kind="regulator", is_active=True), user)
        .filter(role_assignments__role=Role.INSPECTOR)
        .select_related("bureau")
        .distinct()
        .order_by("bureau__region_code", "full_name")[:200]
    )


@login_required
def detail(request, inspection_id: int):
    user = regulator(request)
    inspection = selectors.inspection_get(user, inspection_id)
    actions = {t.action for t in workflows.available(user, inspection)}
    events = list(inspection.events.all())
    for event in events:
        transition = workflows.TRANSITIONS.get(event.action)
        event.label = transition.label if transition else _("Requested by another module")
    return render(
        request,
        "inspection/detail.html",
        {
            "nav": "inspection",
            "inspection": inspection,
            "items": selectors.items_of(inspection),
            "general_findings": list(inspection.findings.filter(item__isnull=True)),
            "photos": list(inspection.photos.select_related("finding__item")),
            "team": list(inspection.team.all()),
            "events": events,
            "rectifications": list(inspection.rectifications.prefetch_related("evidence")),
            "actions": actions,
            "may_field": inspection.status in FIELD_STATUSES
            and workflows.on_team(user, inspection)
            and user.has_role(Role.INSPECTOR),
            "inspectors": _inspectors(user) if "schedule" in actions else [],
            "outcomes": Outcome.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def step(request, inspection_id: int, action: str):
    """One workflow step from the detail page's buttons."""
    user = regulator(request)
    post = request.POST
    try:
        if action == "start":
            services.inspection_start(actor=user, inspection_id=inspection_id)
            messages.success(request, _("The inspection is started."))
            return redirect("inspection:field", inspection_id=inspection_id)
        if action == "schedule":
            services.inspection_assign(
                actor=user,
                inspection_id=inspection_id,
                team=[int(pk) for pk in post.getlist("team") if pk.isdigit()],
                lead=int(post["lead"]) if post.get("lead", "").isdigit() else None,
                due_date=post.get("due_date", ""),
            )
            messages.success(request, _("The inspection is scheduled."))
        elif action == "decide":
            services.inspection_decide(
                actor=user,
                inspection_id=inspection_id,
                outcome=post.get("outcome", ""),
                note=post.get("note", ""),
                days=post.get("days") or None,
            )
            messages.success(request, _("The outcome is recorded."))
        elif action == "accept_rectification":
            services.rectification_accept(
                actor=user, inspection_id=inspection_id, note=post.get("note", "")
            )
            messages.success(request, _("The rectification is accepted; the inspection is closed."))
        elif action == "return_rectification":
            services.rectification_return(
                actor=user,
                inspection_id=inspection_id,
                reason=post.get("reason", ""),
                days=post.get("days") or None,
            )
            messages.success(request, _("The rectification is returned to the enterprise."))
        elif action == "cancel":
            services.inspection_cancel(
                actor=user, inspection_id=inspection_id, reason=post.get("reason", "")
            )
            messages.success(request, _("The inspection is cancelled."))
        else:
            messages.error(request, _("Unknown step."))
    except DomainError as error:
        error_message(request, error)
    return redirect("inspection:detail", inspection_id=inspection_id)


# --- the field form --------------------------------------------------------------------------------


@login_required
def field_form(request, inspection_id: int):
    """The phone-sized checklist form; it keeps its state on the device until it is recorded."""
    user = regulator(request)
    inspection = selectors.inspection_get(user, inspection_id)
    if request.method == "POST":
        return _field_submit(request, user, inspection)
    return render(
        request,
        "inspection/field.html",
        {
            "nav": "inspection",
            "inspection": inspection,
            "items": list(inspection.checklist.items.filter(active=True)),
            "results": ItemResult.choices,
            "grades": Grade.choices,
            "key": uuid.uuid4().hex,
            "open": inspection.status in FIELD_STATUSES,
            "on_team": workflows.on_team(user, inspection),
        },
    )


def _from_post(inspection, request) -> tuple[dict, list, list[str], dict, list]:
    post, files = request.POST, request.FILES
    results: dict = {}
    findings: list = []
    codes: list[str] = []
    photos: list = []
    for item in inspection.checklist.items.filter(active=True):
        code = item.code
        value = post.get(f"result_{code}", "")
        if value:
            results[code] = {"result": value, "note": post.get(f"remark_{code}", "")}
        if value == ItemResult.NON_COMPLIANT:
            findings.append(
                {
                    "item": code,
                    "grade": post.get(f"grade_{code}", ""),
                    "rule": post.get(f"rule_{code}", "") or item.rule,
                    "note": post.get(f"note_{code}", ""),
                }
            )
            codes.append(code)
        for upload in files.getlist(f"photo_{code}"):
            photos.append(
                services.PhotoIn(name=upload.name, data=upload.read(), item=code, caption=code)
            )
    for upload in files.getlist("photo_general"):
        photos.append(services.PhotoIn(name=upload.name, data=upload.read()))
    acknowledgement = {
        "name": post.get("ack_name", ""),
        "acknowledged": post.get("ack_ok", "") in ("on", "true", "1"),
        "statement": post.get("ack_statement", ""),
    }
    return results, findings, codes, acknowledgement, photos


def _form_field(key: str, codes: list[str]) -> str:
    """The name of the form control that a service error key is about."""
    if key.startswith("results."):
        return "result_" + key.split(".", 1)[1]
    if key.startswith("findings["):
        index, _dot, part = key[len("findings[") :].partition("].")
        try:
            code = codes[int(index)]
        except (ValueError, IndexError):
            return "findings"
        return {"grade": "grade_", "rule": "rule_", "note": "note_", "item": "result_"}.get(
            part, "note_"
        ) + code
    return {
        "acknowledgement.name": "ack_name",
        "acknowledgement.acknowledged": "ack_ok",
    }.get(key, key)


def _field_submit(request, user, inspection):
    wants_json = "application/json" in request.headers.get("Accept", "")
    results, findings, codes, acknowledgement, photos = _from_post(inspection, request)
    try:
        submission = services.inspection_submit_checklist(
            actor=user,
            inspection_id=inspection.pk,
            key=request.POST.get("key", ""),
            results=results,
            findings=findings,
            acknowledgement=acknowledgement,
            summary=request.POST.get("summary", ""),
            photos=photos,
        )
    except DomainError as error:
        if not wants_json:
            error_message(request, error)
            return redirect("inspection:field", inspection_id=inspection.pk)
        errors: dict[str, list[str]] = {}
        for key, items in error.errors.items():
            errors.setdefault(_form_field(key, codes), []).extend(items)
        return JsonResponse(
            {
                "status": "refused",
                "code": error.code,
                "detail": str(error.detail),
                "errors": errors,
            },
            status=error.status,
        )
    if submission.already_recorded:
        message = _("This checklist was already recorded; nothing was changed.")
    else:
        message = _("The checklist is recorded.")
    target = submission.inspection.get_absolute_url()
    if wants_json:
        return JsonResponse(
            {
                "status": "already_recorded" if submission.already_recorded else "recorded",
                "detail": message,
                "redirect": target,
            }
        )
    (messages.info if submission.already_recorded else messages.success)(request, message)
    return redirect(target)


# --- the report and the files ------------------------------------------------------------------------


@login_required
def report_pdf(request, inspection_id: int):
    """The inspection report as a PDF (regulators, and the enterprise once it sees the record)."""
    from yaojian.inspection import pdf

    inspection = selectors.inspection_get(request.user, inspection_id)
    response = HttpResponse(pdf.render(inspection), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{inspection.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def photo(request, photo_id: int):
    from yaojian.inspection.models import InspectionPhoto

    stored = InspectionPhoto.objects.filter(pk=photo_id).first()
    if stored is None:
        raise NotFound()
    selectors.inspection_get(request.user, stored.inspection_id)  # scope: 404 outside it
    return serve_file(stored.file, content_type=stored.content_type, name=stored.original_name)


@login_required
def evidence(request, evidence_id: int):
    from yaojian.inspection.models import RectificationEvidence

    stored = (
        RectificationEvidence.objects.select_related("rectification").filter(pk=evidence_id).first()
    )
    if stored is None:
        raise NotFound()
    selectors.inspection_get(request.user, stored.rectification.inspection_id)
    return serve_file(stored.file, content_type=stored.content_type, name=stored.original_name)
