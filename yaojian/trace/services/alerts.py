"""Anomalies reach people: onto the enterprise's file, and into the inbox of its bureau.

One timeline fact and one open to-do per enterprise and rule, however many codes a capture
flags at once: a bulk document with a thousand dispensed-twice codes is one warning with the
count, not a thousand.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from yaojian.trace.anomalies import RULES, Rule
from yaojian.trace.models import Anomaly

logger = logging.getLogger(__name__)


def publish(anomalies: Iterable[Anomaly]) -> int:
    """Post the anomalies just raised; returns how many enterprise/rule groups were posted."""
    from yaojian.accounts.models import Bureau

    groups: dict[tuple[int, str], list[Anomaly]] = defaultdict(list)
    for anomaly in anomalies:
        if anomaly.enterprise_id:
            groups[(anomaly.enterprise_id, anomaly.rule)].append(anomaly)
    bureaus = {}
    for (_enterprise_id, rule_key), found in groups.items():
        rule = RULES.get(rule_key)
        if rule is None:
            continue
        region = found[0].enterprise.region_code
        if region not in bureaus:
            bureaus[region] = Bureau.objects.filter(region_code=region).first()
        _publish_group(rule, found, bureaus[region])
    return len(groups)


def _title(rule: Rule) -> str:
    return _("Traceability anomaly: %(rule)s") % {"rule": rule.name}


def _summary(rule: Rule, found: list[Anomaly]) -> str:
    codes = [a.code for a in found if a.code]
    return _("%(count)d codes, e.g. %(codes)s. %(explanation)s") % {
        "count": len(found),
        "codes": ", ".join(codes[:3]) or "—",
        "explanation": rule.explanation,
    }


def _publish_group(rule: Rule, found: list[Anomaly], bureau: Any) -> None:
    """One enterprise, one rule: a fact on its file, a to-do for its bureau (in each reader's
    language), and for a critical rule a request for an inspection."""
    from yaojian.accounts.choices import Role
    from yaojian.registry.services import timeline_post
    from yaojian.workbench.services import todo_post

    enterprise = found[0].enterprise
    link = reverse("trace:overview") + f"?rule={rule.key}"
    timeline_post(
        source="trace",
        kind="trace_alert",
        title=lambda: _title(rule),
        summary=lambda: _summary(rule, found),
        enterprise=enterprise,
        link=link,
        severity="alert" if rule.severity == "critical" else "warning",
    )
    if bureau is not None:
        todo_post(
            source="trace",
            kind=f"trace_anomaly:{rule.key}",
            title=lambda: f"{_title(rule)} · {enterprise.name}",
            body=lambda: _summary(rule, found),
            link=link,
            bureau=bureau,
            role=Role.INSPECTOR,
            obj=enterprise,
        )
    if rule.severity == "critical":
        # counterfeit or diversion is suspected: the county bureau is asked to inspect
        # (one open request per enterprise and rule)
        _request_inspection(
            enterprise, rule.key, lambda: f"{_title(rule)}. {_summary(rule, found)}"
        )


def _request_inspection(enterprise: Any, rule_key: str, reason: Callable[[], str]) -> None:
    """Ask the inspection module for an inspection; a capture never fails because it cannot
    (no checklist configured for the enterprise's kind, say): the to-do above stands."""
    from yaojian.core.errors import DomainError
    from yaojian.inspection.services import inspection_request

    try:
        with transaction.atomic():
            inspection_request(
                actor=None,
                enterprise=enterprise,
                origin="trace_anomaly",
                origin_ref=f"trace:{rule_key}",
                reason=reason,
            )
    except DomainError as error:
        logger.warning("no inspection requested for %s (%s): %s", enterprise.pk, rule_key, error)
