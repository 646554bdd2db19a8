"""What the portal publishes, over HTTP: /api/v1/public/publications (no login needed)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import translation
from ninja import Field, Query, Router, Schema

from yaojian.core.schemas import PageParams, paginate_queryset, with_problems
from yaojian.portal import publications

router = Router(tags=["publications (public)"])

KindName = Literal["draw_plan", "draw_result", "sampling_result", "penalty_decision", "recall"]


class PublicationParams(PageParams):
    kind: KindName | None = None
    q: str = Field("", max_length=100)


class PublicationOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    fields: list[tuple[str, str]]
    division_code: str
    published_at: dt.datetime
    display_until: dt.date | None


class PublicationPage(Schema):
    items: list[PublicationOut]
    count: int
    page: int
    per_page: int


def _out(item: publications.Publication) -> dict:
    title, summary, fields = item.text(translation.get_language() or "zh-hans")
    return {
        "id": item.pk,
        "kind": item.kind,
        "title": title,
        "summary": summary,
        "fields": [tuple(row) for row in fields],
        "division_code": item.division_code,
        "published_at": item.published_at,
        "display_until": item.display_until,
    }


@router.get(
    "/publications",
    response=with_problems(PublicationPage, 422),
    auth=None,
    summary="What the regulator has published",
)
def publication_list(request, params: Query[PublicationParams]):
    """Random-inspection plans and results, sampling results, penalty decisions and recalls
    that are inside their display window, newest first (Chinese, or English with
    `Accept-Language: en`)."""
    found = paginate_queryset(publications.visible(kind=params.kind or "", query=params.q), params)
    return {**found, "items": [_out(item) for item in found["items"]]}


@router.get(
    "/publications/{int:publication_id}",
    response=with_problems(PublicationOut, 404),
    auth=None,
    summary="One publication",
)
def publication_get(request, publication_id: int):
    return _out(publications.visible_one(publication_id))
