"""Publication on the government-service portal (信息公开): one mechanism for every module.

Modules call `publish` when the law says a record must be made public (a random-inspection
plan and its draw, a sampling result, a penalty decision, a recall), `withdraw` when the
record is annulled, and `remove_early` when the bureau approves an application to stop showing
it. Texts are stored in Chinese and English at the time of publication, so that the public
record does not change when the translation catalogue does.

    publish(*, actor, kind, source, title, summary="", fields=(), division_code,
            enterprise=None, due_by=None, display_until=None) -> Publication
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.audit import services as audit
from yaojian.core.errors import Conflict, NotFound, ValidationFailed
from yaojian.core.texts import render_in
from yaojian.portal.models import Kind, Publication, Status

__all__ = [
    "Kind",
    "Publication",
    "Status",
    "for_source",
    "publish",
    "remove_early",
    "visible",
    "withdraw",
]

LANGUAGES = ("zh-hans", "en")


def _source_key(source: Any) -> tuple[ContentType, str]:
    if source is None or getattr(source, "pk", None) is None:
        raise ValidationFailed.field("source", _("A publication must be about a saved record."))
    return ContentType.objects.get_for_model(source), str(source.pk)


def for_source(kind: str, source: Any) -> Publication | None:
    content_type, source_id = _source_key(source)
    return Publication.objects.filter(
        kind=kind, source_type=content_type, source_id=source_id
    ).first()


def _texts(title: Any, summary: Any, fields: Iterable[Sequence[Any]]) -> dict[str, Any]:
    rows = [tuple(row) for row in fields]
    return {
        "title": render_in("zh-hans", title)[:300],
        "title_en": render_in("en", title)[:300],
        "summary": render_in("zh-hans", summary),
        "summary_en": render_in("en", summary),
        "fields": {
            language: [
                [render_in(language, label), render_in(language, value)] for label, value in rows
            ]
            for language in LANGUAGES
        },
    }


def publish(
    *,
    actor: Any,
    kind: str,
    source: Any,
    title: Any,
    summary: Any = "",
    fields: Iterable[Sequence[Any]] = (),
    division_code: str,
    enterprise: Any = None,
    due_by: dt.date | None = None,
    display_until: dt.date | None = None,
) -> Publication:
    """Publish (or update the published text of) `source` under `kind`.

    Publishing again keeps the first publication date and its on-time verdict; a withdrawn or
    removed publication is not brought back by publishing again.
    """
    if kind not in Kind.values:
        raise ValidationFailed.field("kind", _("Unknown kind of publication."))
    if not str(title).strip():
        raise ValidationFailed.field("title", _("A publication needs a title."))
    content_type, source_id = _source_key(source)
    texts = _texts(title, summary, fields)
    with transaction.atomic():
        publication = (
            Publication.objects.select_for_update()
            .filter(kind=kind, source_type=content_type, source_id=source_id)
            .first()
        )
        created = publication is None
        if created:
            now = timezone.now()
            publication = Publication(
                kind=kind,
                source_type=content_type,
                source_id=source_id,
                published_at=now,
                on_time=None if due_by is None else timezone.localdate(now) <= due_by,
            )
        elif publication.withdrawn_at or publication.removed_at:
            raise Conflict(
                _("This publication was withdrawn or removed; it cannot be published again."),
                code="publication_closed",
            )
        for name, value in texts.items():
            setattr(publication, name, value)
        publication.division_code = division_code
        publication.enterprise = enterprise
        publication.display_until = display_until
        if created:
            publication.due_by = due_by
        publication.full_clean()
        publication.save()
        audit.record(
            actor=actor,
            action="portal.publication_publish" if created else "portal.publication_update",
            obj=publication,
            changes={"kind": kind, "source": f"{content_type.model}:{source_id}"},
        )
    return publication


def _close(
    *,
    actor: Any,
    kind: str,
    source: Any,
    reason: str,
    at_field: str,
    reason_field: str,
    action: str,
) -> Publication:
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Give the reason."))
    with transaction.atomic():
        content_type, source_id = _source_key(source)
        publication = (
            Publication.objects.select_for_update()
            .filter(kind=kind, source_type=content_type, source_id=source_id)
            .first()
        )
        if publication is None:
            raise NotFound(_("Nothing has been published about this record."))
        if publication.withdrawn_at or publication.removed_at:
            raise Conflict(_("This publication is no longer shown."), code="publication_closed")
        setattr(publication, at_field, timezone.now())
        setattr(publication, reason_field, reason.strip())
        publication.save(update_fields=[at_field, reason_field, "updated_at"])
        audit.record(actor=actor, action=action, obj=publication, detail=reason.strip()[:500])
    return publication


def withdraw(*, actor: Any, kind: str, source: Any, reason: str) -> Publication:
    """The record was annulled or changed: stop showing it at once, keeping the reason."""
    return _close(
        actor=actor,
        kind=kind,
        source=source,
        reason=reason,
        at_field="withdrawn_at",
        reason_field="withdrawal_reason",
        action="portal.publication_withdraw",
    )


def remove_early(*, actor: Any, kind: str, source: Any, reason: str) -> Publication:
    """The bureau approved an application to stop showing it before its window ends."""
    return _close(
        actor=actor,
        kind=kind,
        source=source,
        reason=reason,
        at_field="removed_at",
        reason_field="removal_reason",
        action="portal.publication_remove_early",
    )


def visible(
    *, kind: str = "", query: str = "", today: dt.date | None = None
) -> QuerySet[Publication]:
    """What the public sees: published, not withdrawn or removed, inside its display window."""
    today = today or timezone.localdate()
    queryset = Publication.objects.filter(withdrawn_at__isnull=True, removed_at__isnull=True)
    queryset = queryset.filter(Q(display_until__isnull=True) | Q(display_until__gte=today))
    if kind:
        queryset = queryset.filter(kind=kind)
    query = (query or "").strip()[:100]
    if query:
        queryset = queryset.filter(
            Q(title__icontains=query) | Q(title_en__icontains=query) | Q(summary__icontains=query)
        )
    return queryset


def visible_one(publication_id: int) -> Publication:
    publication = visible().filter(pk=publication_id).first()
    if publication is None:
        raise NotFound(_("No such publication, or it is no longer shown."))
    return publication
