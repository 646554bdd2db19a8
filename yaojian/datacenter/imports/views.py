"""Pages of the bulk import in the work portal: thin (parse, one service or selector, render)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yaojian.core.errors import DomainError, NotFound, ValidationFailed
from yaojian.core.forms import apply_errors, paginate
from yaojian.core.pages import regulator as _regulator
from yaojian.datacenter.imports import columns, downloads, selectors, services
from yaojian.datacenter.imports.forms import CommitForm, UploadForm
from yaojian.datacenter.models import ImportRegister, ImportStatus, RowOutcome
from yaojian.registry.services.common import REGISTRY_ROLES

NAV = "imports"


def _list_context(request, form: UploadForm) -> dict:
    user = request.user
    register, status = request.GET.get("register", ""), request.GET.get("status", "")
    return {
        "nav": NAV,
        "form": form,
        "registers": [columns.REGISTERS[key] for key in ImportRegister.values],
        "page": paginate(request, selectors.job_list(user, register=register, status=status)),
        "filters": {"register": register, "status": status},
        "register_choices": ImportRegister.choices,
        "status_choices": ImportStatus.choices,
        "can_import": user.has_role(*REGISTRY_ROLES),
        "max_bytes": services.max_bytes(),
        "max_rows": services.max_rows(),
    }


@login_required
def import_list(request):
    """Templates to download, the upload form, and the imports of the user's jurisdiction."""
    _regulator(request)
    form = UploadForm(initial={"register": request.GET.get("register") or "enterprises"})
    return render(request, "datacenter/imports/list.html", _list_context(request, form))


@login_required
@require_POST
def import_upload(request):
    user = _regulator(request)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = services.import_upload(
                actor=user,
                register=form.cleaned_data["register"],
                file=form.cleaned_data["file"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect("datacenter:import_detail", pk=job.pk)
    return render(request, "datacenter/imports/list.html", _list_context(request, form), status=422)


@login_required
def import_template(request, register: str, fmt: str):
    _regulator(request)
    if register not in columns.REGISTERS or fmt not in ("xlsx", "csv"):
        raise Http404
    name = f"{register}-template"
    if fmt == "csv":
        response = HttpResponse(downloads.template_csv(register), content_type=downloads.CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(downloads.template_xlsx(register), content_type=downloads.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def import_detail(request, pk: int):
    """The job: its progress while it runs, then the preview of every row and the commit."""
    job = selectors.job_get(request.user, pk)
    outcome = request.GET.get("outcome", "")
    context = {
        "nav": NAV,
        "job": job,
        "progress": selectors.job_progress(job),
        "page": selectors.preview_page(request, job, outcome=outcome),
        "outcome": outcome,
        "outcomes": RowOutcome.choices,
        "commit_form": CommitForm(),
    }
    if request.headers.get("HX-Request") and request.GET.get("part") == "rows":
        return render(request, "datacenter/imports/rows.html", context)
    return render(request, "datacenter/imports/detail.html", context)


@login_required
def import_progress(request, pk: int):
    """The progress bar, polled by htmx; once the job stops, the page reloads itself."""
    job = selectors.job_get(request.user, pk)
    response = render(
        request,
        "datacenter/imports/progress.html",
        {"job": job, "progress": selectors.job_progress(job)},
    )
    if not job.is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_commit(request, pk: int):
    user = _regulator(request)
    form = CommitForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else ""
    try:
        services.import_commit(actor=user, job_id=pk, mode=mode)
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, services.reason(error))
    return redirect("datacenter:import_detail", pk=pk)


@login_required
@require_POST
def import_retry(request, pk: int):
    services.import_retry(actor=_regulator(request), job_id=pk)
    messages.info(request, _("The import is queued to be checked again."))
    return redirect("datacenter:import_detail", pk=pk)


@login_required
def import_report(request, pk: int):
    """The rows as read, with a column of errors (Excel)."""
    job = selectors.job_get(request.user, pk)
    data = downloads.error_report(job, selectors.job_rows(job).iterator(chunk_size=2000))
    response = HttpResponse(data, content_type=downloads.XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors-{stamp}.xlsx"'
    return response
