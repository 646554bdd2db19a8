"""Text helpers for Chinese search."""

from pypinyin import Style, lazy_pinyin


def pinyin_initials(text: str) -> str:
    """'大福药房' -> 'dfyf'; letters and digits pass through in lower case."""
    return "".join(
        syllable[0]
        for syllable in lazy_pinyin(
            text, style=Style.FIRST_LETTER, errors=lambda chars: list(chars)
        )
        if syllable and syllable[0].isalnum()
    ).lower()


def prefix_q(field: str, prefix: str):
    """Rows whose `field` starts with `prefix`, in a form the database can answer from an index.

    SQLite's LIKE is case-insensitive and so never uses a plain index: a range on the code
    points does. PostgreSQL's LIKE 'x%' uses a b-tree index under the C collation (or with
    text_pattern_ops under another one).
    """
    from django.db import connection
    from django.db.models import Q

    if not prefix:
        return Q()
    if connection.vendor == "sqlite":
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": upper})
    return Q(**{f"{field}__startswith": prefix})
