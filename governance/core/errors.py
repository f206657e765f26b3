"""Domain errors: raised by operations, turned into form messages or problem+json."""
from __future__ import annotations


class DomainError(Exception):
    """A broken rule or invalid input. `code` is the stable API code (API.md),
    `message` is already translated, `field` names the input it belongs to and
    `errors` maps field (or CSV row) to messages."""

    status = 422

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 errors: dict | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.errors = errors or ({field: [message]} if field else {})
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str = "not found", code: str = "not_found"):
        super().__init__(code, message)


class Conflict(DomainError):
    """The object's state forbids the action (409)."""

    status = 409
