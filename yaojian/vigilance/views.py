"""Pages of adverse-reaction monitoring: the monitoring centre (work portal), the enterprise's
reports and the public report form (government-service portal)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.core import masking, ratelimit
from yaojian.core.context import client_ip
from yaojian.core.errors import DomainError, NotFound
from yaojian.core.forms import apply_errors, paginate
from yaojian.core.pages import enterprise_user as _enterprise
from yaojian.core.pages import regulator as _regulator
from yaojian.vigilance import choices as c
from yaojian.vigilance import forms, selectors, services
from yaojian.vigilance.e2b import export_cases
from yaojian.vigilance.e2b.imports import batch_import

PUBLIC_LIMIT = (5, 3600)  # reports per IP address per hour (no CAPTCHA)


def mask_version(version) -> dict:
    """The patient and reporter as pages show them (masked)."""
    return {
        "patient": masking.mask_name(version.patient_name),
        "reporter": masking.mask_name(version.reporter_name),
        "phone": masking.mask_phone(version.reporter_phone),
    }


# ---------------------------------------------------------------------------------------------
# monitoring centre


@login_required
def overview(request):
    user = _regulator(request)
    return render(
        request,
        "vigilance/overview.html",
        {
            "nav": "vigilance",
            "counts": selectors.overview_counts(user),
            "due": list(
                selectors.case_list(user, due="serious_due").order_by("review_deadline")[:10]
            ),
            "today": timezone.localdate(),
        },
    )


@login_required
def case_list(request):
    user = _regulator(request)
    params = {
        k: request.GET.get(k, "")
        for k in ("query", "status", "serious", "source", "due", "product", "event")
    }
    page = paginate(request, selectors.case_list(user, **params))
    return render(
        request,
        "vigilance/case_list.html",
        {
            "nav": "vigilance",
            "page": page,
            "params": params,
            "statuses": c.CaseStatus.choices,
            "sources": c.CaseSource.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
def case_detail(request, case_id: int):
    user = request.user
    if not (user.is_regulator or user.is_enterprise_user):
        raise NotFound()
    case = selectors.case_get(user, case_id)
    versions = list(case.versions.order_by("number"))
    number = int(request.GET.get("version") or case.current_version.number)
    version = selectors.version_full(selectors.version_get(user, case, number).pk)
    diff = []
    if number > 1:
        diff = services.version_diff(case, number - 1, number)
    form = forms.CausalityForm(version=version) if user.is_regulator else None
    from yaojian.audit import services as audit

    audit.record(
        actor=user, action="vigilance.case.read", obj=case, detail="patient data shown masked"
    )
    return render(
        request,
        "vigilance/case_detail.html",
        {
            "nav": "vigilance",
            "case": case,
            "version": version,
            "versions": versions,
            "masked": mask_version(version),
            "diff": diff,
            "form": form,
            "causalities": case.causalities.select_related("assessed_by").order_by(
                "assessed_at", "pk"
            ),
            "history": case.history.select_related("actor"),
            "today": timezone.localdate(),
            "portal": user.is_enterprise_user,
        },
    )


@login_required
@require_POST
def causality(request, case_id: int):
    user = _regulator(request)
    case = selectors.case_get(user, case_id)
    form = forms.CausalityForm(request.POST, version=case.current_version)
    if form.is_valid():
        try:
            for scale in ("china", "who_umc"):
                if form.cleaned_data.get(scale):
                    services.causality_assess(
                        actor=user,
                        case_id=case.pk,
                        drug=form.cleaned_data["drug"],
                        reaction=form.cleaned_data["reaction"],
                        scale=scale,
                        result=form.cleaned_data[scale],
                        comment=form.cleaned_data["comment"],
                    )
            messages.success(request, _("Causality assessment recorded."))
        except DomainError as error:
            messages.error(request, str(error.detail))
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("vigilance:case_detail", case.pk)


@login_required
def case_export(request, case_id: int):
    user = request.user
    case = selectors.case_get(user, case_id)
    content = export_cases([case.current_version])
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{case.case_number}.xml"'
    return response


@login_required
def export_period(request):
    user = _regulator(request)
    import datetime as dt

    try:
        since = dt.date.fromisoformat(request.GET.get("from", ""))
        until = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        messages.error(request, _("Give the period as two dates."))
        return redirect("vigilance:cases")
    cases = selectors.case_list(user, status="active", since=since, until=until)
    content = export_cases([c.current_version for c in cases[:5000]])
    response = HttpResponse(content, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="ICSR-{since}-{until}.xml"'
    return response


@login_required
def duplicates(request):
    user = _regulator(request)
    pairs = list(selectors.duplicate_list(user)[:100])
    for pair in pairs:
        pair.masked_a = masking.mask_name(pair.case_a.current_version.patient_name)
        pair.masked_b = masking.mask_name(pair.case_b.current_version.patient_name)
    return render(request, "vigilance/duplicates.html", {"nav": "vigilance", "pairs": pairs})


@login_required
@require_POST
def duplicate_decide(request, pair_id: int):
    user = _regulator(request)
    try:
        if request.POST.get("decision") == "merge":
            services.case_merge(
                actor=user,
                pair_id=pair_id,
                survivor_id=int(request.POST.get("survivor") or 0),
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("The cases were merged."))
        else:
            services.duplicate_dismiss(
                actor=user, pair_id=pair_id, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Marked as different cases."))
    except DomainError as error:
        messages.error(request, str(error.detail))
    return redirect("vigilance:duplicates")


@login_required
def e2b_import(request):
    user = request.user
    if not (user.is_regulator or user.is_enterprise_user):
        raise NotFound()
    batch = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose an E2B(R3) XML file."))
        else:
            try:
                batch = batch_import(actor=user, content=upload.read(), file_name=upload.name)
            except DomainError as error:
                messages.error(request, str(error.detail))
    batches = list(selectors.batch_list(user)[:20]) if user.is_regulator else []
    return render(
        request,
        "vigilance/e2b_import.html",
        {"nav": "vigilance", "batch": batch, "batches": batches, "portal": user.is_enterprise_user},
    )


@login_required
def e2b_ack(request, batch_id: int):
    batch = selectors.batch_get(request.user, batch_id)
    response = HttpResponse(batch.ack_xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="ack-{batch.pk}.xml"'
    return response


def meddra_search(request):
    """Term suggestions for the report forms (LLT/PT of the current release)."""
    terms = selectors.meddra_search(request.GET.get("q", "")[:100], limit=15)
    return render(request, "vigilance/meddra_options.html", {"terms": terms})


# ---------------------------------------------------------------------------------------------
# report forms: the public, enterprises and medical institutions


def _rate_limited(request) -> bool:
    limit, seconds = PUBLIC_LIMIT
    client = client_ip(request.META) or "unknown"
    return not ratelimit.allow("vigilance-public", client, limit=limit, seconds=seconds)


def public_report(request):
    form = forms.ReportForm(request.POST or None, public=True)
    if request.method == "POST":
        if _rate_limited(request):
            form.add_error(
                None, _("Too many reports from this address; please try again in an hour.")
            )
            return render(
                request, "vigilance/report_form.html", {"form": form, "public": True}, status=429
            )
        if form.is_valid():
            try:
                case = services.case_submit(
                    actor=None,
                    data=form.to_data(report_id=f"CN-PUB-{uuid.uuid4().hex[:12].upper()}"),
                    region_code=form.cleaned_data["region_code"],
                )
                return render(request, "vigilance/report_done.html", {"case": case, "public": True})
            except DomainError as error:
                apply_errors(form, error)
    return render(request, "vigilance/report_form.html", {"form": form, "public": True})


@login_required
def my_cases(request):
    user = _enterprise(request)
    cases = selectors.case_list(user)
    return render(
        request,
        "vigilance/my_cases.html",
        {"page": paginate(request, cases), "enterprise": user.enterprise},
    )


@login_required
def my_report(request, case_id: int | None = None):
    user = _enterprise(request)
    case = selectors.case_get(user, case_id) if case_id else None
    initial = {"reporter_organisation": user.enterprise.name, "aware_date": timezone.localdate()}
    form = forms.ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if case is None:
                report_id = f"CN-{user.enterprise.uscc[-8:]}-{uuid.uuid4().hex[:8].upper()}"
                case = services.case_submit(actor=user, data=form.to_data(report_id=report_id))
                messages.success(request, _("Report %(n)s received.") % {"n": case.case_number})
            else:
                data = form.to_data(report_id=case.safety_report_id)
                data["first_received"] = case.current_version.first_received
                services.case_follow_up(actor=user, case_id=case.pk, data=data)
                messages.success(request, _("Follow-up recorded as a new version."))
            return redirect("vigilance:case_detail", case.pk)
        except DomainError as error:
            apply_errors(form, error)
    return render(
        request, "vigilance/report_form.html", {"form": form, "public": False, "case": case}
    )
