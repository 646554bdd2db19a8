"""What the inspection pages share (who is asking: `yaojian.core.pages`)."""

from __future__ import annotations

from django.http import FileResponse

from yaojian.core.errors import NotFound


def uploads(request, name: str):
    from yaojian.inspection.services import FileIn

    return [FileIn(name=f.name, data=f.read()) for f in request.FILES.getlist(name)]


def serve_file(stored, *, content_type: str, name: str, inline: bool = True) -> FileResponse:
    try:
        handle = stored.open("rb")
    except (OSError, ValueError):
        raise NotFound() from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
