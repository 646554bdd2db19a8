"""The bulk import over HTTP (mounted at /api/v1/registry/imports): regulators only, scoped
to the bureau's jurisdiction like the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from yaojian.core.pages import api_regulator as _regulator
from yaojian.core.schemas import PageParams, Problem, paginate_queryset, with_problems
from yaojian.datacenter.imports import downloads, selectors, services

router = Router(tags=["bulk import"])
BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_PROBLEMS = {401: Problem, 404: Problem, 422: Problem}


def _file_response(*content_types: str) -> dict:
    """The OpenAPI description of a download (ninja would document JSON)."""
    return {
        "responses": {
            200: {"description": "the file", "content": {t: BINARY for t in content_types}}
        }
    }


RegisterName = Literal["enterprises", "licences", "products", "people"]


class ImportJobOut(Schema):
    id: int
    register_key: str = Field(description="enterprises, licences, products or people")
    status: str
    status_label: str
    file_name: str
    file_size: int
    file_format: str
    encoding: str
    created_by: str
    created_at: dt.datetime
    validated_at: dt.datetime | None
    total_rows: int
    error_rows: int
    create_rows: int
    update_rows: int
    unchanged_rows: int
    commit_mode: str
    committed_at: dt.datetime | None
    created_count: int
    updated_count: int
    unchanged_count: int
    skipped_count: int
    error: str
    progress: int = Field(description="0–100 while the job runs")

    @staticmethod
    def resolve_register_key(obj) -> str:
        return obj.register

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_created_by(obj) -> str:
        return obj.created_by.username

    @staticmethod
    def resolve_progress(obj) -> int:
        return selectors.job_progress(obj)["percent"]


class ImportJobPage(Schema):
    items: list[ImportJobOut]
    count: int
    page: int
    per_page: int


class JobFilters(PageParams):
    register_key: str = Field(
        "", max_length=12, description="enterprises, licences, products or people"
    )
    status: str = Field("", max_length=12)


class RowError(Schema):
    column: str
    field: str
    message: str


class ImportRowOut(Schema):
    number: int = Field(description="the row's number in the file")
    outcome: str = Field(description="create, update, unchanged or error")
    cells: list[str]
    errors: list[RowError]
    changes: dict[str, list]


class ImportRowPage(Schema):
    items: list[ImportRowOut]
    count: int
    page: int
    per_page: int


class RowFilters(PageParams):
    outcome: str = Field("", max_length=10, description="create, update, unchanged or error")


class CommitIn(Schema):
    mode: Literal["valid", "all"] = Field(
        description="valid: every valid row (rows with errors are skipped); all: all or "
        "nothing (refused if any row has an error)"
    )


@router.get("", response=with_problems(ImportJobPage), summary="Imports of your jurisdiction")
def job_list(request, filters: Query[JobFilters]):
    user = _regulator(request)
    return paginate_queryset(
        selectors.job_list(user, register=filters.register_key, status=filters.status), filters
    )


@router.post(
    "",
    response={201: ImportJobOut, **with_problems(ImportJobOut, 401, 403, 404, 422)},
    summary="Upload a file to check (the check runs in the background)",
)
def job_upload(request, register_key: Form[RegisterName], file: File[UploadedFile | None] = None):
    user = _regulator(request)
    job = services.import_upload(
        actor=user, register=register_key, file=file, language=request.LANGUAGE_CODE
    )
    return Status(201, job)


@router.get(
    "/templates/{register_key}",
    response=FILE_PROBLEMS,
    openapi_extra=_file_response(downloads.XLSX_TYPE, downloads.CSV_TYPE),
    summary="The template of a register (xlsx or csv)",
)
def template(request, register_key: RegisterName, format: Literal["xlsx", "csv"] = "xlsx"):
    _regulator(request)
    register = register_key
    if format == "csv":
        response = HttpResponse(downloads.template_csv(register), content_type=downloads.CSV_TYPE)
    else:
        response = HttpResponse(downloads.template_xlsx(register), content_type=downloads.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{register}-template.{format}"'
    return response


@router.get("/{int:job_id}", response=with_problems(ImportJobOut), summary="One import")
def job_detail(request, job_id: int):
    return selectors.job_get(request.auth, job_id)


@router.get(
    "/{int:job_id}/rows",
    response=with_problems(ImportRowPage),
    summary="The preview: every row with its errors or changes",
)
def job_rows(request, job_id: int, filters: Query[RowFilters]):
    job = selectors.job_get(request.auth, job_id)
    return paginate_queryset(selectors.job_rows(job, outcome=filters.outcome), filters)


@router.post(
    "/{int:job_id}/commit",
    response=with_problems(ImportJobOut, 401, 403, 404, 409, 422),
    summary="Commit a checked import (runs in the background)",
)
def job_commit(request, job_id: int, payload: Form[CommitIn]):
    user = _regulator(request)
    return services.import_commit(actor=user, job_id=job_id, mode=payload.mode)


@router.get(
    "/{int:job_id}/report",
    response=FILE_PROBLEMS,
    openapi_extra=_file_response(downloads.XLSX_TYPE),
    summary="The error report (xlsx): the rows as read, with a column of errors",
)
def job_report(request, job_id: int):
    job = selectors.job_get(request.auth, job_id)
    data = downloads.error_report(job, selectors.job_rows(job).iterator(chunk_size=2000))
    response = HttpResponse(data, content_type=downloads.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response
