"""What the inspection pages share."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse

from yaojian.core.errors import DomainError, NotFound


def regulator(request):
    if not (request.user.is_authenticated and request.user.is_regulator):
        raise NotFound()
    return request.user


def enterprise_user(request):
    if not (request.user.is_authenticated and request.user.is_enterprise_user):
        raise NotFound()
    return request.user


def reraise_access(error: DomainError) -> None:
    if error.status in (401, 403, 404):
        raise error


def error_text(error: DomainError) -> str:
    if error.errors:
        return " ".join(message for items in error.errors.values() for message in items)
    return str(error.detail)


def error_message(request, error: DomainError) -> None:
    reraise_access(error)
    messages.error(request, error_text(error))


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
