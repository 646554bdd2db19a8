"""The overview's table and chart, built from one `Overview` so that they cannot disagree."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from yaojian.datacenter.quality.registers import REGISTERS, division_name
from yaojian.datacenter.quality.selectors import Overview


def findings_url(code: str, division: str | None = None) -> str:
    url = reverse("datacenter:quality_findings", args=[code])
    return f"{url}?{urlencode({'division': division})}" if division else url


def tabs(report: Overview, current: str) -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "label": register.label,
            "found": report.found(key),
            "checks": len(report.of(key)),
            "failing": sum(1 for r in report.of(key) if r.total_found),
            "active": key == current,
        }
        for key, register in REGISTERS.items()
    ]


def checks_table(report: Overview, register: str) -> list[dict[str, Any]]:
    """One row per check: the jurisdiction's totals."""
    return [
        {
            "number": number,
            "check": result.check,
            "checked": result.total_checked,
            "found": result.total_found,
            "share_ok": result.share_ok,
            # rounded down, so that a single finding among thousands never shows 100.0%
            "share_shown": None
            if result.share_ok is None
            else math.floor(result.share_ok * 10) / 10,
            "url": findings_url(result.check.code),
        }
        for number, result in enumerate(report.of(register), start=1)
    ]


def division_table(report: Overview, register: str) -> dict[str, Any]:
    """Rows = divisions, columns = the register's checks, cells = offenders (with links)."""
    results = report.of(register)
    rows = []
    for division in report.rows(register):
        rows.append(
            {
                "division": division,
                "cells": [
                    {
                        "code": r.check.code,
                        "found": r.found[division.key],
                        "checked": r.checked[division.key],
                        "url": findings_url(r.check.code, division.key),
                    }
                    for r in results
                ],
            }
        )
    totals = [
        {"code": r.check.code, "found": r.total_found, "url": findings_url(r.check.code)}
        for r in results
    ]
    return {"checks": [r.check for r in results], "rows": rows, "totals": totals}


def chart_data(report: Overview, register: str) -> dict[str, Any]:
    """Offenders per division (y axis) and check (one stacked series each): the table's cells."""
    divisions = report.rows(register)
    return {
        "divisions": [d.name for d in divisions],
        "series": [
            {
                "code": r.check.code,
                "name": str(r.check.label),
                "severity": r.check.severity,
                "data": [r.found[d.key] for d in divisions],
                "urls": [findings_url(r.check.code, d.key) for d in divisions],
            }
            for r in report.of(register)
        ],
    }


def finding_rows(check, register_key: str, objects) -> list[dict[str, Any]]:
    register = REGISTERS[register_key]
    return [
        {
            "pk": obj.pk,
            "title": register.title(obj),
            "cells": [(title, getter(obj)) for title, getter in register.columns],
            "division": division_name(obj.division),
            "detail": check.detail(obj),
            "link": register.link(obj),
        }
        for obj in objects
    ]
