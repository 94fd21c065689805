"""Error pages: HTML for people, problem+json for the API."""

from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .core.errors import NotFound, PermissionDenied
from .core.problems import problem
from .extensions import db

HTML_TEMPLATES = {403: "errors/403.html", 404: "errors/404.html", 429: "errors/429.html", 500: "errors/500.html"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, detail: str | None = None):
    if _wants_json():
        return problem(status, detail)
    template = HTML_TEMPLATES.get(status, "errors/generic.html")
    return render_template(template, status=status), status


def register_error_handlers(app: Flask) -> None:
    """Turn domain exceptions and HTTP errors into the right page or problem document."""

    @app.errorhandler(NotFound)
    def not_found(_err):
        return _respond(404)

    @app.errorhandler(PermissionDenied)
    def forbidden(_err):
        return _respond(403, "You can see this but you are not allowed to change it.")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return _respond(err.code or 500, err.description if _wants_json() else None)

    @app.errorhandler(InternalServerError)
    def server_error(_err):
        db.session.rollback()
        return _respond(500)
