"""Anomalies reach people: onto the enterprise's file, and into the inbox of its bureau.

One timeline fact and one open to-do per enterprise and rule, however many codes a capture
flags at once: a bulk document with a thousand dispensed-twice codes is one warning with the
count, not a thousand.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from yaojian.trace.anomalies import RULES
from yaojian.trace.models import Anomaly

logger = logging.getLogger(__name__)


def publish(anomalies: Iterable[Anomaly]) -> int:
    """Post the anomalies just raised; returns how many enterprise/rule groups were posted."""
    from yaojian.accounts.choices import Role
    from yaojian.accounts.models import Bureau
    from yaojian.registry.services import timeline_post
    from yaojian.workbench.services import todo_post

    groups: dict[tuple[int, str], list[Anomaly]] = defaultdict(list)
    for anomaly in anomalies:
        if anomaly.enterprise_id:
            groups[(anomaly.enterprise_id, anomaly.rule)].append(anomaly)
    bureaus = {}
    for (_enterprise_id, rule_key), found in groups.items():
        rule = RULES.get(rule_key)
        if rule is None:
            continue
        enterprise = found[0].enterprise
        codes = [a.code for a in found if a.code]
        title = _("Traceability anomaly: %(rule)s") % {"rule": rule.name}
        summary = _("%(count)d codes, e.g. %(codes)s. %(explanation)s") % {
            "count": len(found),
            "codes": ", ".join(codes[:3]) or "—",
            "explanation": rule.explanation,
        }
        link = reverse("trace:overview") + f"?rule={rule_key}"
        timeline_post(
            source="trace",
            kind="trace_alert",
            title=title,
            summary=summary,
            enterprise=enterprise,
            link=link,
            severity="alert" if rule.severity == "critical" else "warning",
        )
        region = enterprise.region_code
        if region not in bureaus:
            bureaus[region] = Bureau.objects.filter(region_code=region).first()
        if bureaus[region] is not None:
            todo_post(
                source="trace",
                kind=f"trace_anomaly:{rule_key}",
                title=f"{title} · {enterprise.name}",
                body=summary,
                link=link,
                bureau=bureaus[region],
                role=Role.INSPECTOR,
                obj=enterprise,
            )
        if rule.severity == "critical":
            # counterfeit or diversion is suspected: the county bureau is asked to inspect
            # (one open request per enterprise and rule)
            _request_inspection(enterprise, rule_key, f"{title}. {summary}")
    return len(groups)


def _request_inspection(enterprise: Any, rule_key: str, reason: str) -> None:
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
