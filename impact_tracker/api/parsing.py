"""Reading JSON request bodies: 400 for malformed JSON, 422 listing every invalid field."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from flask import request

from ..core.database import MAX_ROW_ID
from ..core.errors import DomainError
from ..core.problems import problem
from .blueprint import bp


class MalformedBody(Exception):
    """The body is not a JSON object."""


class InvalidFields(Exception):
    """One or more fields are invalid; `errors` is the problem document's list."""

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__("invalid fields")
        self.errors = errors


@bp.errorhandler(MalformedBody)
def _malformed(err):
    return problem(400, str(err))


@bp.errorhandler(RecursionError)
def _nested_too_deeply(_err):
    """JSON nested thousands deep exhausts the parser's stack: a bad request, not a server error."""
    return problem(400, "The JSON is nested too deeply to read. Send a JSON object of plain fields and lists.")


@bp.errorhandler(InvalidFields)
def _invalid(err):
    return problem(422, "Some fields are not valid; nothing was saved.", errors=err.errors)


@bp.errorhandler(DomainError)
def _rule_broken(err):
    return problem(422, err.message, errors=[{"field": err.field or "", "message": err.message}])


def json_body() -> dict[str, Any]:
    """The request's JSON object, or MalformedBody (a 400)."""
    body = without_nul(request.get_json(silent=True))
    if not isinstance(body, dict):
        raise MalformedBody("Send a JSON object with Content-Type: application/json.")
    return body


def whole_number_problem(value) -> str | None:
    """Why a JSON value is not a usable whole number (every integer column holds at most 2**31 - 1), or None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "must be a whole number"
    if abs(value) > MAX_ROW_ID:
        return "is too large"
    return None


def without_nul(value):
    """The JSON value with NUL characters taken out of every string: PostgreSQL text cannot hold them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    return value


class Fields:
    """Collects typed values from a JSON object, recording every problem instead of stopping at the first."""

    def __init__(self, body: dict[str, Any], prefix: str = ""):
        self.body, self.prefix, self.errors = body, prefix, []

    def _error(self, name: str, message: str) -> None:
        self.errors.append({"field": self.prefix + name, "message": message})

    def text(self, name: str, *, max_length: int, required: bool = False, default: str = "") -> str:
        value = self.body.get(name, default)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self._error(name, "must be a string")
            return default
        if required and not value.strip():
            self._error(name, "is required")
        elif len(value) > max_length:
            self._error(name, f"must be {max_length} characters or fewer")
        return value.strip()

    def day(self, name: str) -> date | None:
        value = self.body.get(name)
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self._error(name, "must be a date as YYYY-MM-DD")
            return None

    def choice(self, name: str, enum_cls: type[Enum], default: Enum | None = None):
        value = self.body.get(name)
        if value is None:
            return default
        try:
            return enum_cls(value)
        except ValueError:
            self._error(name, "must be one of " + ", ".join(m.value for m in enum_cls))
            return default

    def integer(self, name: str, *, required: bool = False) -> int | None:
        value = self.body.get(name)
        if value is None:
            if required:
                self._error(name, "is required")
            return None
        if problem_found := whole_number_problem(value):
            self._error(name, problem_found)
            return None
        return value

    def check(self) -> None:
        """Raise InvalidFields (a 422) if anything was wrong."""
        if self.errors:
            raise InvalidFields(self.errors)
