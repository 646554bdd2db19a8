"""Texts stored once and read in the reader's language: to-dos, messages, the files' timeline.

Such a text is written once, when the work, the news or the fact arises: often in a background
task (the server's default language) or by someone who reads in another language than its
readers. So it is rendered then in every language of settings.LANGUAGES and stored with it,
and each reader sees the one of their active language. The default language's text
also goes in the plain columns: search, sorting, e-mail and rows written before all read it.

A text is given as one of:
- a plain string: the same in every language (user data, such as a reason typed by an officer);
- a callable returning the text, such as `lambda: _("Review %(n)s") % {"n": number}`: called
  once per language under `translation.override`, so gettext and data-dependent names (a
  bureau's name, a MedDRA term) come out in that language;
- a lazy string (gettext_lazy, format_lazy), rendered the same way;
- a mapping of language code to text, already rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

Text = str | Promise | Mapping[str, str] | Callable[[], Any]


def reads_chinese(language: str | None = None) -> bool:
    """Whether `language` (by default the active one) is Chinese: it picks the Chinese name of a
    thing and takes full-width punctuation."""
    return (
        (language or translation.get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")
    )


def chinese_or_english(chinese: str, english: str) -> str:
    """A thing's name (or label) in the reader's language, from its Chinese and English; the
    other one when the reader's is empty (an administrator gave no English, a term no Chinese)."""
    if reads_chinese():
        return chinese or english
    return english or chinese


def join_clauses(parts) -> str:
    """Clauses on one line, separated as the reader's language does (；or ; )."""
    return ("；" if reads_chinese() else "; ").join(parts)


def join_items(parts) -> str:
    """Items of a list on one line, separated as the reader's language does: 、 in Chinese;
    in English ", ", or "; " when an item has a comma of its own (so that the items stay apart)."""
    parts = [str(part) for part in parts]
    if reads_chinese():
        return "、".join(parts)
    return ("; " if any("," in part for part in parts) else ", ").join(parts)


def language_codes() -> list[str]:
    """The default language first, then every configured one."""
    codes = [settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES)]
    return list(dict.fromkeys(code.lower() for code in codes))


def each_language(text: Text) -> dict[str, str]:
    """The text in every configured language, keyed by language code."""
    if isinstance(text, Mapping):
        return {str(code).lower(): str(value) for code, value in text.items()}
    if not isinstance(text, str | Promise) and not callable(text):
        raise TypeError(f"a stored text cannot be {type(text).__name__}")
    return {code: render_in(code, text) for code in language_codes()}


def render_in(language: str, text: Any) -> str:
    """One text in `language`: a callable is called and a lazy string rendered under
    `translation.override`; a mapping gives its entry for the language; anything else reads
    as it is ("" for None)."""
    if isinstance(text, Mapping):
        return pick(text, language)
    with translation.override(language):
        if callable(text) and not isinstance(text, Promise):
            text = text()
        return "" if text is None else str(text)


def pick(texts: Mapping[str, str] | None, language: str | None) -> str:
    """The text of `language` (or of a variant of it: "en-gb" reads "en"); "" if missing."""
    if not texts or not language:
        return ""
    language = language.lower()
    if texts.get(language):
        return texts[language]
    base = language.split("-")[0]
    for code, value in texts.items():
        if value and code.split("-")[0] == base:
            return value
    return ""


def in_active_language(texts: Mapping[str, str] | None, stored: str) -> str:
    """What a reader sees: their language's text, else the stored default-language text
    (rows written before texts were kept per language, languages added since)."""
    return pick(texts, translation.get_language()) or stored


def in_reader_language(column: str) -> property:
    """A model property: `column`'s text in the reader's language, from `<column>_i18n`,
    else the stored column (the to-dos', messages' and timeline's `title_text` and the like)."""

    def read(record: Any) -> str:
        return in_active_language(getattr(record, f"{column}_i18n"), getattr(record, column))

    return property(read, doc=f"The {column} in the reader's language.")


def _cut(value: str, limit: int | None) -> str:
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


def for_storage(text: Text, *, limit: int | None = None) -> tuple[str, dict[str, str]]:
    """(the default-language text for the plain column, the texts per language to keep).

    Nothing is kept per language when every language reads the same (a plain string, or a
    rendering that does not depend on the language): the plain column says it all. A title
    longer than its column (`limit`) is cut, in every language alike."""
    texts = {code: _cut(value, limit) for code, value in each_language(text).items()}
    default = pick(texts, settings.LANGUAGE_CODE) or next(
        (value for value in texts.values() if value), ""
    )
    if len(set(texts.values())) <= 1:
        return default, {}
    return default, texts


def in_default_language(text: Text) -> str:
    """The text in the default language: for a record that keeps one text (a reason on file)
    while the to-do, message or timeline fact about it reads in each reader's language."""
    return for_storage(text)[0]
