"""Error pages: HTML for people, problem+json for the API."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from .core.errors import NotFound, PermissionDenied
from .core.problems import problem
from .extensions import db, login_manager

HTML_TEMPLATES = {403: "errors/403.html", 404: "errors/404.html", 413: "errors/413.html", 429: "errors/429.html",
                  500: "errors/500.html"}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DATABASE_RETRY_AFTER_SECONDS = 30
DATABASE_DETAIL = ("The database could not be reached, so nothing in this request was saved. "
                   f"Try again in {DATABASE_RETRY_AFTER_SECONDS} seconds.")


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, detail: str | None = None):
    if _wants_json():
        return problem(status, detail)
    template = HTML_TEMPLATES.get(status, "errors/generic.html")
    return render_template(template, status=status), status


def _upload_limit_mb() -> int:
    return (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)


def register_error_handlers(app: Flask) -> None:
    """Turn domain exceptions and HTTP errors into the right page or problem document."""

    @app.errorhandler(NotFound)
    def not_found(_err):
        return _respond(404, "There is nothing here, or it belongs to an organisation you cannot see.")

    @app.errorhandler(PermissionDenied)
    def forbidden(_err):
        return _respond(403, "You can see this but you are not allowed to change it.")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_err):
        return _respond(413, f"The request is too large: up to {_upload_limit_mb()} MB can be sent at once.")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return _respond(err.code or 500, err.description if _wants_json() else None)

    @app.errorhandler(InternalServerError)
    def server_error(_err):
        _roll_back_quietly()
        return _respond(500)

    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)


def database_unavailable(err: SQLAlchemyError):
    """A 503 when the database fails mid-request (connection lost, server gone, locked too long).

    The request's transaction is rolled back, so nothing it wrote is kept, and the person is told so and asked
    to try again; the pool replaces the broken connection on the next request.
    """
    _roll_back_quietly()
    current_app.logger.error("The database failed during %s %s: %s", request.method, request.path,
                             getattr(err, "orig", None) or type(err).__name__)
    if _wants_json():
        response = problem(503, DATABASE_DETAIL, title="Database unavailable")
    else:
        response = current_app.make_response((_database_page(), 503))
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def _database_page() -> str:
    """The error page in the usual layout; signed-out style if even the header's user cannot be loaded."""
    saving = request.method not in SAFE_METHODS
    try:
        return render_template("errors/database.html", saving=saving)
    except SQLAlchemyError:
        _roll_back_quietly()
    g._login_user = login_manager.anonymous_user()  # Flask-Login's user for this request: needs no database
    try:
        return render_template("errors/database.html", saving=saving)
    finally:
        g.pop("_login_user", None)  # the next request loads the real user again


def _roll_back_quietly() -> None:
    """Roll back the request's transaction; on a dead connection there is nothing left to undo."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()
