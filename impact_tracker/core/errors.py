"""The error types that services raise and the web, API and CLI layers translate."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule was broken; `field` names the input it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):
    """The object does not exist or the user may not know that it does (both are a 404)."""


class PermissionDenied(Exception):
    """The user may see the object but not do this to it (a 403)."""


class VersionConflict(Exception):
    """Someone else changed the record since it was read (a 409)."""

    def __init__(self, current):
        super().__init__("This record was changed by someone else since you opened it.")
        self.current = current
