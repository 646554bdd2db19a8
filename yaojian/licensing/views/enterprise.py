"""The enterprise's side (government-service portal): the catalogue, starting an application,
and the application's own page: the form and materials of a draft or a correction, then every
step, the deadline, the decision and the licence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.core.errors import DomainError
from yaojian.core.forms import apply_errors
from yaojian.core.pages import (
    enterprise_user,
    error_message,
    error_text,
    reraise_access,
)
from yaojian.licensing import forms, queries, selectors, services
from yaojian.licensing.config import materials_of

MB = 1024 * 1024
UPLOAD_CEILING = 50 * MB  # the largest limit a matter may set (config.MaterialSpec.max_mb)


def hall(request):
    """The catalogue of matters, for everyone; enterprises with the right may apply."""
    matters = list(selectors.matter_list(request.user))
    return render(
        request,
        "licensing/hall.html",
        {
            "nav": "hall",
            "groups": queries.matters_grouped(matters),
            "may_apply": queries.may_apply(request.user),
            "count": len(matters),
        },
    )


@login_required
def apply(request, code: str):
    """The matter's requirements, then a draft (filled from the register) on POST."""
    user = enterprise_user(request)
    matter = selectors.matter_get(code)
    needs_licence = queries.needs_licence(matter)
    licences = list(queries.own_licences(user, matter)) if needs_licence else []
    form = forms.ApplyForm(
        request.POST if request.method == "POST" else None,
        licences=licences,
        needs_licence=needs_licence,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                actor=user,
                matter_code=matter.code,
                licence_number=form.cleaned_data.get("licence_number", ""),
            )
        except DomainError as error:
            reraise_access(error)
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Draft %(number)s created: fill in the form and attach the materials.")
                % {"number": application.number},
            )
            return redirect("licensing:my_application", pk=application.pk)
    return render(
        request,
        "licensing/apply.html",
        {
            "nav": "enterprise",
            "matter": matter,
            "form": form,
            "needs_licence": needs_licence,
            "licences": licences,
            "materials": materials_of(matter),
            "may_apply": queries.may_apply(user),
        },
    )


def _may_edit(user, application) -> bool:
    return queries.may_edit(user, application)


def _require_right_to_edit(user, application, action: str) -> None:
    queries.require_right_to_edit(user, application, action)


def _application_form(user, application, data=None):
    licences = queries.own_licences(user, application.matter)
    return forms.ApplicationForm(
        data,
        matter=application.matter,
        licences=licences,
        prefix="form",
        initial=forms.initial_of(application),
    )


def _page(
    request,
    user,
    application,
    *,
    form=None,
    withdraw_form=None,
    answer_form=None,
    upload_errors=None,
):
    view = selectors.application_view(user, application)
    rows = queries.material_rows(application, view["materials"])
    steps = queries.steps_of(view["events"], internal=False)
    may_edit = _may_edit(user, application)
    context = {
        "nav": "enterprise",
        "application": application,
        "view": view,
        "steps": steps,
        "rows": rows,
        "may_edit": may_edit,
        "form": (form or _application_form(user, application)) if may_edit else None,
        "withdraw_form": withdraw_form or forms.WithdrawForm(),
        "answer_form": answer_form or forms.AnswerForm(),
        "upload_errors": upload_errors or {},
        "actions": queries.enterprise_actions(user, application),
        "missing": queries.missing_items(application, rows) if may_edit else [],
        "completeness": queries.completeness(application),
        "decision_shown": queries.decision_shown(application),
        "waived": [row.spec.display_name for row in rows if row.spec.waived_by_commitment],
        "form_rows": queries.form_rows(application),
        **queries.elicence_context(user, application.licence),
        **queries.clock_context(application, view["clock"]),
    }
    return render(request, "licensing/my_application.html", context)


@login_required
def my_application(request, pk: int):
    if request.user.is_regulator:
        return redirect("licensing:application_detail", pk=pk)
    user = enterprise_user(request)
    application = selectors.application_get(user, pk)
    if request.method != "POST":
        return _page(request, user, application)
    action = request.POST.get("action", "save")
    if action == "withdraw":
        return _withdraw(request, user, application)
    if not queries.editable(application):
        messages.error(request, _("Only a draft or an application under correction can be edited."))
        return redirect("licensing:my_application", pk=application.pk)
    _require_right_to_edit(user, application, "licensing.application.save")
    form = _application_form(user, application, request.POST)
    answer_form = forms.AnswerForm(request.POST)
    if not (form.is_valid() and answer_form.is_valid()):
        messages.error(request, _("Some fields are not valid: nothing was saved."))
        return _page(request, user, application, form=form, answer_form=answer_form)
    try:
        services.application_save(
            actor=user,
            application_id=application.pk,
            form_data=form.form_data(),
            route=form.route(),
        )
    except DomainError as error:
        reraise_access(error)
        apply_errors(form, error)
        return _page(request, user, application, form=form, answer_form=answer_form)
    try:
        if action == "submit":
            services.application_submit(actor=user, application_id=application.pk)
            messages.success(
                request, _("Application %(number)s was submitted.") % {"number": application.number}
            )
        elif action == "answer":
            services.application_answer_correction(
                actor=user, application_id=application.pk, note=answer_form.cleaned_data["note"]
            )
            messages.success(request, _("The corrections were sent to the bureau."))
        else:
            messages.success(request, _("The draft was saved."))
    except DomainError as error:
        reraise_access(error)
        application.refresh_from_db()
        if error.errors:
            apply_errors(form, error)
        messages.error(
            request, _("The form was saved, but not sent: %(error)s") % {"error": error_text(error)}
        )
        return _page(request, user, application, form=form, answer_form=answer_form)
    return redirect("licensing:my_application", pk=application.pk)


def _withdraw(request, user, application):
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        return _page(request, user, application, withdraw_form=form)
    try:
        services.application_withdraw(
            actor=user, application_id=application.pk, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        error_message(request, error)
    else:
        messages.success(
            request, _("Application %(number)s was withdrawn.") % {"number": application.number}
        )
    return redirect("licensing:my_application", pk=application.pk)


def _material_row(request, user, application, code: str, error: str = ""):
    """The row of one material (for htmx), with the list of what is still missing."""
    application = selectors.application_get(user, application.pk)
    rows = queries.material_rows(application)
    row = next((r for r in rows if r.code == code), None)
    if row is None:
        return redirect("licensing:my_application", pk=application.pk)
    return render(
        request,
        "licensing/_material_row.html",
        {
            "application": application,
            "row": row,
            "may_edit": _may_edit(user, application),
            "error": error,
            "missing": queries.missing_items(application, rows),
            "oob": True,
        },
    )


@login_required
@require_POST
def material_upload(request, pk: int):
    """One file for one material; its type is judged by its content (the service)."""
    user = enterprise_user(request)
    application = selectors.application_get(user, pk)
    _require_right_to_edit(user, application, "licensing.material.upload")
    form = forms.UploadForm(request.POST, request.FILES)
    code = request.POST.get("code", "")[:60]
    error = ""
    if not form.is_valid():
        error = _("Choose a file to upload.")
    else:
        upload = form.cleaned_data["file"]
        spec = next((m for m in materials_of(application.matter) if m.code == code), None)
        ceiling = spec.max_mb * MB if spec else UPLOAD_CEILING
        try:
            services.material_upload(
                actor=user,
                application_id=application.pk,
                code=code,
                name=upload.name,
                data=upload.read(ceiling + 1),
            )
        except DomainError as error_:
            reraise_access(error_)
            error = error_text(error_)
    if request.headers.get("HX-Request"):
        return _material_row(request, user, application, code, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The file was uploaded."))
    return redirect(reverse("licensing:my_application", args=[application.pk]) + "#materials")


@login_required
@require_POST
def material_delete(request, pk: int, material_id: int):
    user = enterprise_user(request)
    application = selectors.application_get(user, pk)
    _require_right_to_edit(user, application, "licensing.material.delete")
    material = application.uploaded_materials.filter(pk=material_id).first()
    code = material.code if material else ""
    error = ""
    try:
        services.material_delete(actor=user, application_id=application.pk, material_id=material_id)
    except DomainError as error_:
        reraise_access(error_)
        error = error_text(error_)
    if request.headers.get("HX-Request") and code:
        return _material_row(request, user, application, code, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("The file was removed."))
    return redirect(reverse("licensing:my_application", args=[application.pk]) + "#materials")
