"""The enterprise's traceability pages (government-service portal): what it filed, registered,
holds and sent; forms to file product identifiers, register sites and batches; uploads."""

from __future__ import annotations

import codecs
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yaojian.accounts.choices import EnterpriseRight
from yaojian.core import scoping
from yaojian.core.errors import DomainError, NotFound, PermissionDenied
from yaojian.core.forms import apply_errors
from yaojian.core.pages import reraise_access as _reraise_access
from yaojian.trace import anomalies, forms, selectors, uploads
from yaojian.trace.choices import AnomalyStatus, CodeStatus, JobStatus
from yaojian.trace.models import CodeRule, CodeState, Site
from yaojian.trace.services import register

SAMPLES = {
    uploads.HIERARCHY: [
        ["父码", "子码", "包装层级"],
        ["81234560000000010001", "81234560000000010000", "2"],
    ],
    uploads.DOCUMENTS: [
        ["单据类型", "单据号", "日期时间", "对方", "追溯码"],
        ["发货", "FH20261120001", "2026-11-20 09:30", "91360100MA35XXXXXX", "81234560000000010000"],
    ],
}


def _trace_user(request) -> Any:
    """An enterprise account with the right to report traceability data; others are refused."""
    user = request.user
    if not (user.is_authenticated and user.is_enterprise_user):
        raise NotFound(_("Traceability pages are for enterprise accounts."))
    if not user.has_enterprise_right(EnterpriseRight.TRACE):
        raise PermissionDenied(
            _(
                "Your account lacks the right to report traceability data: ask your "
                "enterprise's master account to grant it."
            )
        )
    return user


def _batch_rows(user: Any) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The enterprise's batches (registered or of codes it holds) with its codes by status."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for batch in selectors.batches_visible(user).filter(holder_id=user.enterprise_id)[:200]:
        rows[(batch.product_key, batch.batch_no)] = {
            "batch": batch,
            "product_key": batch.product_key,
            "batch_no": batch.batch_no,
            "counts": {},
            "total": 0,
        }
    held = (
        scoping.restrict(CodeState.objects.all(), user)
        .filter(holder_id=user.enterprise_id)
        .values("product_key", "batch_no", "status")
        .annotate(n=Count("id"))
        .order_by("product_key", "batch_no")
    )
    seen: set[str] = set()
    for item in held[:2000]:
        row = rows.setdefault(
            (item["product_key"], item["batch_no"]),
            {
                "batch": None,
                "product_key": item["product_key"],
                "batch_no": item["batch_no"],
                "counts": {},
                "total": 0,
            },
        )
        row["counts"][item["status"]] = item["n"]
        row["total"] += item["n"]
        seen.add(item["status"])
    statuses = [(value, label) for value, label in CodeStatus.choices if value in seen]
    listed = sorted(rows.values(), key=lambda r: (r["product_key"], r["batch_no"]))
    for row in listed:
        row["cells"] = [row["counts"].get(value, 0) for value, _label in statuses]
    return listed, statuses


@login_required
def home(request):
    user = _trace_user(request)
    enterprise_id = user.enterprise_id
    batch_rows, statuses = _batch_rows(user)
    open_anomalies = list(
        selectors.anomalies_visible(user).filter(
            enterprise_id=enterprise_id, status=AnomalyStatus.OPEN
        )[:50]
    )
    for anomaly in open_anomalies:
        anomaly.rule_info = anomalies.RULES.get(anomaly.rule)
    return render(
        request,
        "trace/enterprise_home.html",
        {
            "nav": "enterprise",
            "enterprise": user.enterprise,
            "rules": list(
                scoping.restrict(CodeRule.objects.select_related("product"), user).filter(
                    enterprise_id=enterprise_id
                )[:200]
            ),
            "sites": list(
                scoping.restrict(Site.objects.all(), user).filter(enterprise_id=enterprise_id)[:200]
            ),
            "batch_rows": batch_rows,
            "statuses": statuses,
            "jobs": list(selectors.capture_jobs(user).filter(sender_id=enterprise_id)[:10]),
            "anomalies": open_anomalies,
        },
    )


def _form_page(request, template: str, form, **context):
    return render(request, template, {"nav": "enterprise", "form": form, **context})


@login_required
def rule_new(request):
    user = _trace_user(request)
    form = forms.CodeRuleForm(
        request.POST if request.method == "POST" else None, enterprise=user.enterprise
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = register.code_rule_file(
                actor=user,
                product_id=data["product"].pk,
                code=data["code"],
                package_level=data["package_level"],
                units_per_package=data["units_per_package"],
                package_spec=data["package_spec"],
            )
        except DomainError as error:
            _reraise_access(error)
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The product identifier %(key)s is filed.") % {"key": rule.product_key},
            )
            return redirect("trace:my_home")
    return _form_page(
        request,
        "trace/enterprise_rule_form.html",
        form,
        has_products=form.fields["product"].queryset.exists(),
    )


@login_required
def site_new(request):
    user = _trace_user(request)
    form = forms.SiteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = register.site_register(
                actor=user,
                identifier=data["identifier"],
                kind=data["kind"],
                name=data["name"],
                address=data["address"],
                region_code=data["region_code"],
            )
        except DomainError as error:
            _reraise_access(error)
            apply_errors(form, error)
        else:
            messages.success(
                request, _("%(site)s is registered.") % {"site": site.name or site.identifier}
            )
            return redirect("trace:my_home")
    return _form_page(request, "trace/enterprise_site_form.html", form)


@login_required
def batch_new(request):
    """One page serves the form and, for htmx, the form again when the product changes (a
    decoction piece's batch shows its herb source, processing and inspection report)."""
    user = _trace_user(request)
    if request.method == "POST":
        form = forms.BatchForm(request.POST, enterprise=user.enterprise)
    else:
        form = forms.BatchForm(
            initial={k: v for k, v in request.GET.items() if k in forms.BatchForm.base_fields},
            enterprise=user.enterprise,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = register.batch_register(
                actor=user,
                product_key=data["product_key"],
                batch_no=data["batch_no"],
                production_date=data["production_date"],
                expiry_date=data["expiry_date"],
                herb_origin=data["herb_origin"],
                harvest_date=data["harvest_date"],
                processing=data["processing"],
                inspection_report=data["inspection_report"],
            )
        except DomainError as error:
            _reraise_access(error)
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Batch %(batch)s is registered.") % {"batch": batch.batch_no}
            )
            return redirect("trace:my_home")
    return _form_page(request, "trace/enterprise_batch_form.html", form)


@login_required
def upload(request):
    user = _trace_user(request)
    form = forms.UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        sent = form.cleaned_data["file"]
        try:
            job = uploads.upload_submit(
                actor=user,
                kind=form.cleaned_data["kind"],
                data=sent.read(uploads.MAX_BYTES + 1),
                filename=sent.name or "",
            )
        except DomainError as error:
            _reraise_access(error)
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The file was received; its events are being checked and stored.")
            )
            return redirect("trace:my_job", job_id=job.pk)
    return _form_page(
        request,
        "trace/enterprise_upload.html",
        form,
        columns=uploads.COLUMNS,
        kinds=uploads.KINDS,
    )


@login_required
def upload_sample(request, kind: str):
    """A CSV to start from (UTF-8 with a BOM, so that Excel opens the Chinese headers)."""
    _trace_user(request)
    if kind not in SAMPLES:
        raise NotFound()
    lines = "\r\n".join(",".join(row) for row in SAMPLES[kind]) + "\r\n"
    response = HttpResponse(
        codecs.BOM_UTF8 + lines.encode(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="trace-{kind}.csv"'
    return response


@login_required
def job_detail(request, job_id):
    """A capture job's result: counts and problems; refreshed by htmx while it runs."""
    user = _trace_user(request)
    job = selectors.capture_job_get(user, job_id)
    if job.sender_id != user.enterprise_id:
        raise NotFound()
    labels = uploads.event_labels(job) if job.problems else {}
    problems = [
        {**problem, "label": labels.get(problem.get("eventIndex"), "")}
        for problem in job.problems or []
    ]
    context = {
        "nav": "enterprise",
        "job": job,
        "problems": problems,
        "running": job.status in (JobStatus.PENDING, JobStatus.RUNNING),
    }
    if request.headers.get("HX-Request"):
        return render(request, "trace/enterprise_job_status.html", context)
    return render(request, "trace/enterprise_job.html", context)
