"""Engine set-up and the one transaction helper services use."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from ..extensions import db

P = ParamSpec("P")
R = TypeVar("R")

MAX_ROW_ID = 2**31 - 1  # the largest PostgreSQL `integer`, the type of every primary key


class RowIdConverter(IntegerConverter):
    """`<int:...>` in URLs: an id larger than any table can hold (/projects/99999999999) is a 404, not a database
    error. Raised here rather than failing the match, which Werkzeug would report as 405 for other methods."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ROW_ID:
            raise NotFound
        return number


def configure_sqlite(app: Flask) -> None:
    """Turn on WAL, foreign keys and a busy timeout on every SQLite connection.

    SQLite enforces foreign keys only when asked per connection, and without WAL and a busy timeout a
    reader blocks a writer and users see 'database is locked'.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    timeout = int(app.config["IMPACT_SQLITE_BUSY_TIMEOUT_MS"])

    def set_pragmas(dbapi_connection: sqlite3.Connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={timeout}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    with app.app_context():
        event.listen(db.engine, "connect", set_pragmas)


def transactional(func: Callable[P, R]) -> Callable[P, R]:
    """Commit when the service returns, roll back and re-raise when it raises: one use case, one transaction."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = func(*args, **kwargs)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return result

    return wrapper


def retry_once_on_clash(func: Callable[P, R]) -> Callable[P, R]:
    """Run a @transactional use case again when a uniqueness rule stopped it.

    Two saves of the same new row at the same moment (a double tap, a tablet resending after a timeout) both
    see no row and both insert; the second breaks the unique constraint. Its transaction has been rolled back,
    so running it once more sees the first one's row and updates it instead.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except IntegrityError:
            return func(*args, **kwargs)

    return wrapper


def database_is_reachable() -> bool:
    """True when the database answers a trivial query (for the health check)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return False
    return True
