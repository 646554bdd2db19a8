"""What every app's views share: who is asking, and how a refused action is shown.

A page for regulators answers anyone else with 404 (not 403: it does not exist for them), and
likewise a page for enterprise accounts. A domain error that is a refusal or a record out of
scope (401, 403, 404) becomes the error page; any other is shown to the user as a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages

from yaojian.core.errors import DomainError, NotFound


def regulator(request) -> Any:
    """The regulator behind a page request."""
    if not (request.user.is_authenticated and request.user.is_regulator):
        raise NotFound()
    return request.user


def enterprise_user(request) -> Any:
    """The enterprise account behind a page request; anyone else finds nothing here."""
    if not (request.user.is_authenticated and request.user.is_enterprise_user):
        raise NotFound()
    return request.user


def api_regulator(request) -> Any:
    """The regulator behind an API request (django-ninja's authenticated `request.auth`)."""
    user = request.auth
    if not getattr(user, "is_regulator", False):
        raise NotFound()
    return user


def reraise_access(error: DomainError) -> None:
    """Refusals and records out of scope become the 403 and 404 pages."""
    if error.status in (401, 403, 404):
        raise error


def error_text(error: DomainError) -> str:
    """The error's messages without the field names that prefix `detail` for API clients."""
    if error.errors:
        return " ".join(message for items in error.errors.values() for message in items)
    return str(error.detail)


def error_message(request, error: DomainError) -> None:
    """Show a domain error on the next page as a message (access errors are raised)."""
    reraise_access(error)
    messages.error(request, error_text(error))
