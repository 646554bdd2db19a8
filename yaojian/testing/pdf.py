"""Reading back the PDFs the platform serves, for tests."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_text(response) -> str:
    """The text of a served PDF with all whitespace removed (CJK text extracts with stray
    spaces and line breaks), after checking that a PDF was served."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf", response["Content-Type"]
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
