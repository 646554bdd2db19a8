"""Problems found in an EPCIS document, and the exception that carries them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class Problem:
    """One thing wrong with a document or with one of its events.

    ``event_index`` is the 0-based position of the event in the document (``None`` for
    document-level problems); ``field`` is a dotted path with list indexes
    (``"quantityList[0].quantity"``); ``code`` is stable and machine-readable;
    ``message`` is a translated, human-readable explanation.
    """

    event_index: int | None
    event_id: str
    field: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None

    def as_dict(self) -> dict:
        return {
            "event_index": self.event_index,
            "event_id": self.event_id,
            "field": self.field,
            "code": self.code,
            "message": str(self.message),
            "line": self.line,
            "column": self.column,
        }


class DocumentInvalid(Exception):
    """The document cannot be read (syntax, size); ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(f"{p.code}: {p.message}" for p in self.problems))


__all__ = ["DocumentInvalid", "Problem"]
