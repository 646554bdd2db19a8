"""Per-language punctuation of lists and clauses (core.texts)."""

from __future__ import annotations

from django.utils import translation

from yaojian.core.texts import join_clauses, join_items


def test_items_are_joined_as_the_readers_language_joins_them():
    with translation.override("zh-hans"):
        assert join_items(["处方药", "中成药"]) == "处方药、中成药"
    with translation.override("en"):
        assert join_items(["Tablets", "Pills"]) == "Tablets, Pills"
        # an item with its own comma: semicolons keep the items apart
        assert join_items(["Tablets", "Cream, lotion and emulsion unit"]) == (
            "Tablets; Cream, lotion and emulsion unit"
        )
        assert join_items([]) == ""
        assert join_items(iter(["a"])) == "a"


def test_clauses_are_joined_as_the_readers_language_joins_them():
    with translation.override("zh-hans"):
        assert join_clauses(["甲", "乙"]) == "甲；乙"
    with translation.override("en"):
        assert join_clauses(["a", "b"]) == "a; b"
