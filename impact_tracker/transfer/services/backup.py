"""backup: a consistent copy of a SQLite database taken while the app keeps running."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from .exportfile import TransferError

PG_DUMP_HINT = ("This database is PostgreSQL: back it up with pg_dump, for example "
                "pg_dump --format=custom --file=impact-$(date +%F).dump \"$DATABASE_URL\" "
                "(with the URL written as postgresql://..., without +psycopg).")


# How long to wait for a writer that is committing; an open write transaction does not block a WAL reader.
BUSY_TIMEOUT_S = 30


@dataclass(frozen=True)
class BackupSummary:
    """Where the copy went, how big it is, and SQLite's verdict on it."""

    path: Path
    pages: int
    integrity: str


def backup_sqlite(url: URL, output: Path) -> BackupSummary:
    """Copy the SQLite database at `url` to a new file `output` with SQLite's online backup API.

    The copy is of one committed moment even while other connections read and write (a write transaction
    still open is not in it). Raises TransferError for PostgreSQL (use pg_dump), an in-memory database or
    an `output` that already exists.
    """
    if url.get_backend_name() != "sqlite":
        raise TransferError(PG_DUMP_HINT)
    if not url.database or url.database == ":memory:":
        raise TransferError("This database is in memory, so there is no file to back up.")
    if not Path(url.database).is_file():
        raise TransferError(f"There is no database file at {url.database}.")
    if output.exists():
        raise TransferError(f"{output} already exists; choose another --output.")
    output.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(url.database, timeout=BUSY_TIMEOUT_S)
    target = sqlite3.connect(output)
    try:
        source.backup(target)
        pages = target.execute("PRAGMA page_count").fetchone()[0]
        integrity = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
        source.close()
    return BackupSummary(output, pages, integrity)
