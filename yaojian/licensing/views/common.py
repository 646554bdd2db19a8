"""What the hall's pages share."""

from __future__ import annotations

from django.contrib import messages

from yaojian.core.errors import DomainError, NotFound


def enterprise_user(request):
    """The enterprise account behind the request; anyone else finds nothing here."""
    if not (request.user.is_authenticated and request.user.is_enterprise_user):
        raise NotFound()
    return request.user


def regulator(request):
    if not (request.user.is_authenticated and request.user.is_regulator):
        raise NotFound()
    return request.user


def reraise_access(error: DomainError) -> None:
    """Refusals and records out of scope become the 403 and 404 pages; anything else is shown
    on the form or as a message."""
    if error.status in (401, 403, 404):
        raise error


def error_text(error: DomainError) -> str:
    """The error's messages without the field names that prefix `detail` for API clients."""
    if error.errors:
        return " ".join(message for items in error.errors.values() for message in items)
    return str(error.detail)


def error_message(request, error: DomainError) -> None:
    reraise_access(error)
    messages.error(request, error_text(error))
