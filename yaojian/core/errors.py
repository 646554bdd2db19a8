"""Domain errors with stable codes.

Services raise these; one place maps them to HTTP (RFC 7807 problem details on the API in
`yaojian.api`, a readable page in `core.middleware.DomainErrorMiddleware`). The message is a
lazy translation so it reaches the user in their language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every error a user may see. `code` is stable and documented for API clients."""

    code = "error"
    status = 400
    title = _("The request could not be processed")
    audit_outcome = "failed"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.detail = detail if detail is not None else self.title
        if code:
            self.code = code
        # field name -> messages; "" for errors that belong to no single field
        self.errors = {
            field: [str(m) for m in messages] for field, messages in (errors or {}).items()
        }
        super().__init__(str(self.detail))

    def as_problem(self) -> dict:
        problem = {
            "type": f"https://yaojian.local/problems/{self.code}",
            "title": str(self.title),
            "status": self.status,
            "detail": str(self.detail),
            "code": self.code,
        }
        if self.errors:
            problem["errors"] = [
                {"field": field, "message": message}
                for field, messages in self.errors.items()
                for message in messages
            ]
        return problem


class ValidationFailed(DomainError):
    code = "validation_failed"
    status = 422
    title = _("Some fields are not valid")

    @classmethod
    def from_django(cls, error: DjangoValidationError) -> ValidationFailed:
        if hasattr(error, "error_dict"):
            errors = {
                ("" if field == "__all__" else field): [str(m) for e in errs for m in e.messages]
                for field, errs in error.error_dict.items()
            }
        else:
            errors = {"": [str(m) for m in error.messages]}
        first = next(iter(errors.items()))
        detail = f"{first[0]}: {first[1][0]}" if first[0] else first[1][0]
        return cls(detail, errors=errors)

    @classmethod
    def field(cls, field: str, message: str, *, code: str | None = None) -> ValidationFailed:
        return cls(f"{field}: {message}", errors={field: [message]}, code=code)


class NotFound(DomainError):
    """Also raised for records outside the user's scope: they must not learn that it exists."""

    code = "not_found"
    status = 404
    title = _("Not found")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    title = _("You are not allowed to do this")
    audit_outcome = "denied"


class AuthenticationRequired(DomainError):
    code = "authentication_required"
    status = 401
    title = _("Please log in")
    audit_outcome = "denied"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = _("The record changed or conflicts with another")


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"
    title = _("This step is not allowed in the record's current state")
