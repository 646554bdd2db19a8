"""What an uploaded file is, read from its first bytes (its name and declared type say nothing)."""

from __future__ import annotations

IMAGE_MAGIC = {b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png"}
DOCUMENT_MAGIC = {b"%PDF-": "pdf", **IMAGE_MAGIC}
MIME = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}


def sniff(data: bytes, table: dict[bytes, str] = DOCUMENT_MAGIC) -> str | None:
    """The kind ("pdf", "jpeg", "png") of `data` among those of `table`, or None."""
    for magic, kind in table.items():
        if data.startswith(magic):
            return kind
    return None
