"""RFC 9457 problem+json responses, the API's one error shape."""

from __future__ import annotations

from http import HTTPStatus

from flask import Response, json

PROBLEM_TYPE_BASE = "https://impact-tracker.invalid/problems/"


def problem(status: int, detail: str | None = None, *, errors: list[dict] | None = None,
            title: str | None = None, extra: dict | None = None) -> Response:
    """A problem+json response: type, title, status, detail and per-field errors."""
    phrase = HTTPStatus(status).phrase
    body = {
        "type": PROBLEM_TYPE_BASE + phrase.lower().replace(" ", "-"),
        "title": title or phrase,
        "status": status,
        "detail": detail or phrase,
        "errors": errors or [],
    }
    if extra:
        body.update(extra)
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")
