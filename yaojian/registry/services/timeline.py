"""Posting into the files: the one way any module adds a fact to an enterprise's or product's file.

Titles and summaries are `Text`s (see core/texts.py): a plain string for user data, or a
callable such as `lambda: _("Inspection %(n)s passed") % {"n": number}`, rendered in every
language before `timeline_post` returns, so that each reader of the file reads their own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from yaojian.core.texts import Text, for_storage
from yaojian.registry.choices import Severity
from yaojian.registry.models import Enterprise, Product, TimelineEvent

_TITLE_LENGTH = TimelineEvent._meta.get_field("title").max_length


def timeline_post(
    *,
    source: str,
    kind: str,
    title: Text,
    summary: Text = "",
    enterprise: Enterprise | None = None,
    product: Product | None = None,
    occurred_at: dt.datetime | None = None,
    link: str = "",
    obj: Any = None,
    severity: str = Severity.INFO,
) -> TimelineEvent:
    """Add a fact to the file of `enterprise`, of `product`, or of both.

    `obj` is the record the fact is about (an inspection, a penalty…); posting the same kind
    of fact about the same record again returns the first event instead of a duplicate.
    A title longer than its column is cut (in every language), not refused: the fact is real.
    """
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk) if obj is not None else ""
    if object_id:
        existing = TimelineEvent.objects.filter(
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            enterprise=enterprise,
            product=product,
        ).first()
        if existing:
            return existing
    event = TimelineEvent(
        source=source,
        kind=kind,
        enterprise=enterprise,
        product=product,
        link=link,
        object_type=object_type,
        object_id=object_id,
        severity=severity,
        region_code=enterprise.region_code if enterprise else "",
    )
    event.title, event.title_i18n = for_storage(title, limit=_TITLE_LENGTH)
    event.summary, event.summary_i18n = for_storage(summary)
    if occurred_at:
        event.occurred_at = occurred_at
    event.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:  # posted at the same moment by another process
        return TimelineEvent.objects.get(
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            enterprise=enterprise,
            product=product,
        )
    return event
