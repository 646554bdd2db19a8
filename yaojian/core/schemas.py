from __future__ import annotations

import datetime as dt
import re
from typing import Generic, TypeVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from yaojian.core.errors import ValidationFailed

T = TypeVar("T")

# A date in a query string: text of this form, documented as OpenAPI's `date` format
# (`Field(None, json_schema_extra=DATE_TEXT)`) and read by `query_date`. Not pydantic's `date`,
# which would also read a number as a Unix time that the document does not allow, nor a pydantic
# pattern, whose message is English only.
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_TEXT = {"format": "date", "pattern": DATE_PATTERN}

# NullCharacterMiddleware drops NUL characters from the query string before any validation, so
# a query text that must not be empty has to hold some other character: one made only of NULs
# arrives empty and is refused. This pattern says so in the document.
NOT_ONLY_NUL = r"[^\x00]"


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict] | None = None


def query_date(value: str | None, field: str) -> dt.date | None:
    """The date a `DATE_TEXT` parameter holds (None when not given); 422 for anything else."""
    if value is None:
        return None
    if re.fullmatch(DATE_PATTERN, value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # 2026-02-30
    raise ValidationFailed.field(field, _("Enter a date as YYYY-MM-DD."))


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    page: int
    per_page: int


class PageParams(Schema):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=500)


def paginate_queryset(queryset, params: PageParams) -> dict:
    start = (params.page - 1) * params.per_page
    return {
        "items": list(queryset[start : start + params.per_page]),
        "count": queryset.count(),
        "page": params.page,
        "per_page": params.per_page,
    }


class Region(Schema):
    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None


def with_problems(ok, *codes: int) -> dict:
    """A response map for the OpenAPI document: the success schema and the problems it may return.

    Every operation may also answer 400 (a body that is not JSON) and 422 (a parameter or a
    field of the wrong type, which the API refuses before the operation runs). `ok` is None for
    an operation whose success is not JSON: its `openapi_extra` documents it (`xml_document`)."""
    listed = codes or (401, 403, 404, 422)
    problems = {code: Problem for code in sorted({*listed, 400, 422})}
    return problems if ok is None else {200: ok, **problems}


def xml_document(description: str) -> dict:
    """`openapi_extra` for an operation that answers 200 with an XML document, not JSON.

    ninja documents every response model as application/json; such an operation leaves 200 out
    of its response map (`with_problems(None, …)`) and is documented here instead."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        }
    }
