from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Schema
from pydantic import Field

T = TypeVar("T")


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict] | None = None


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
    field of the wrong type, which the API refuses before the operation runs)."""
    listed = codes or (401, 403, 404, 422)
    return {200: ok, **{code: Problem for code in sorted({*listed, 400, 422})}}
