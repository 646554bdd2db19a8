"""Moved to `yaojian.core.texts`: the registry's timeline keeps its texts per language too, and
the registry does not import the workbench (the workbench builds on the registry).
Kept importable here for code written against the old place."""

from yaojian.core.texts import (
    Text,
    each_language,
    for_storage,
    in_active_language,
    in_default_language,
    language_codes,
    pick,
)

__all__ = [
    "Text",
    "each_language",
    "for_storage",
    "in_active_language",
    "in_default_language",
    "language_codes",
    "pick",
]
