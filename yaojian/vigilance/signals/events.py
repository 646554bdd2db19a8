"""What an "event" of a product-event pair is in the database runs, and its display name.

A reaction coded in MedDRA is counted under its preferred term's code, whatever language
the reporter used (the case stores the PT name in the submitter's language: the same PT
reported once in Chinese and once in English is one event). A reaction without a code is
its own event, keyed on its normalised text (never merged with a coded one).

The name shown for a coded event is the PT's name in the reader's language from the MedDRA
terms table (the current release first), else the name the run stored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf

from yaojian.core.texts import reads_chinese

__all__ = [
    "annotate_names",
    "event_key",
    "matching_codes",
    "normalise_text",
    "pt_names",
    "search_q",
]

CODED = "pt"
TEXT = "text"
_SPACES = re.compile(r"\s+")


def normalise_text(text: str | None) -> str:
    """NFKC (full-width forms), whitespace collapsed, case folded: the key of a free text."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def event_key(code: str | None, text: str | None) -> tuple[str, str] | None:
    """("pt", code) for a coded reaction, ("text", normalised text) otherwise; None if empty."""
    code = (code or "").strip()
    if code:
        return (CODED, code)
    text = normalise_text(text)
    return (TEXT, text) if text else None


def _pt_terms() -> QuerySet:
    from yaojian.vigilance.choices import MeddraLevel
    from yaojian.vigilance.models import MeddraTerm

    return MeddraTerm.objects.filter(level=MeddraLevel.PT)


def pt_names(codes: Iterable[str], *, language: str | None = None) -> dict[str, str]:
    """The PT name of each code in the language (Chinese when the release has it), current
    release first, then the most recently imported one."""
    codes = sorted({c for c in codes if c})
    chinese = reads_chinese(language)
    found: dict[str, str] = {}
    for start in range(0, len(codes), 500):
        rows = (
            _pt_terms()
            .filter(code__in=codes[start : start + 500])
            .order_by("code", "-release__is_current", "-release__imported_at", "-id")
            .values_list("code", "name", "name_zh")
        )
        for code, name, name_zh in rows:
            label = (name_zh or name) if chinese else (name or name_zh)
            if label and code not in found:
                found[code] = label
    return found


def annotate_names(rows: QuerySet, *, code_field: str = "event_code", stored: str = "event"):
    """`event_name` on each row: the PT name in the reader's language, else the stored name."""
    terms = _pt_terms().filter(code=OuterRef(code_field))
    terms = terms.order_by("-release__is_current", "-release__imported_at", "-id")
    if reads_chinese():
        label = Case(When(name_zh="", then=F("name")), default=F("name_zh"))
    else:
        label = Case(When(name="", then=F("name_zh")), default=F("name"))
    name = Subquery(terms.annotate(label=label).values("label")[:1])
    return rows.annotate(
        event_name=Case(
            When(**{code_field: ""}, then=F(stored)),
            default=Coalesce(NullIf(name, Value("")), F(stored)),
        )
    )


def matching_codes(query: str) -> QuerySet:
    """PT codes whose code or name in either language contains the query."""
    return (
        _pt_terms()
        .filter(Q(code=query) | Q(name__icontains=query) | Q(name_zh__icontains=query))
        .values("code")
    )


def search_q(query: str, *, code_field: str = "event_code", stored: str = "event") -> Q:
    """Rows whose event (stored name, PT code or PT name in either language) matches."""
    return Q(**{f"{stored}__icontains": query}) | Q(**{f"{code_field}__in": matching_codes(query)})
