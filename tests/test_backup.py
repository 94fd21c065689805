"""flask backup: a consistent SQLite copy taken while another connection is writing; PostgreSQL points to pg_dump."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.engine import make_url

from impact_tracker import create_app
from impact_tracker.config import TestingConfig
from impact_tracker.extensions import db
from impact_tracker.transfer.services import TransferError, backup_sqlite

from . import factories


@pytest.fixture
def live_database(tmp_path):
    """An app on a SQLite file (WAL mode, as deployed) holding one organisation and project."""
    path = tmp_path / "live.sqlite3"
    config = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        factories.make_project(factories.make_org(code="LIVE1"), title="Committed before the backup")
        yield app, path
        db.session.remove()
        db.engine.dispose()


def test_a_backup_taken_during_an_open_write_holds_the_committed_data(live_database, tmp_path):
    app, path = live_database
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE project SET title = 'Not committed yet'")
    writer.execute("INSERT INTO region (code, name) VALUES ('HALF', 'Half-written region')")
    output = tmp_path / "copies" / "backup.sqlite3"
    try:
        result = app.test_cli_runner().invoke(args=["backup", "--output", str(output)])
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backed up the database to {output}") and "integrity ok" in result.output
    copy = sqlite3.connect(output)
    try:
        assert copy.execute("SELECT title FROM project").fetchall() == [("Committed before the backup",)]
        assert copy.execute("SELECT code FROM organisation").fetchall() == [("LIVE1",)]
        assert copy.execute("SELECT count(*) FROM region WHERE code = 'HALF'").fetchone() == (0,)
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()


def test_a_backup_never_overwrites_a_file(live_database, tmp_path):
    app, _ = live_database
    existing = tmp_path / "keep.sqlite3"
    existing.write_bytes(b"precious")
    result = app.test_cli_runner().invoke(args=["backup", "--output", str(existing)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_bytes() == b"precious"


def test_backup_on_postgresql_or_in_memory_says_what_to_do_instead(app, runner, engine_name, tmp_path):
    result = runner.invoke(args=["backup", "--output", str(tmp_path / "x.sqlite3")])

    assert result.exit_code == 1
    if engine_name == "postgresql":
        assert "This database is PostgreSQL: back it up with pg_dump" in result.output
        assert "pg_dump --format=custom" in result.output
    else:
        assert result.output.strip() == "Error: This database is in memory, so there is no file to back up."
    assert not (tmp_path / "x.sqlite3").exists()


def test_the_postgresql_message_gives_the_pg_dump_command(tmp_path):
    with pytest.raises(TransferError, match=r"pg_dump --format=custom --file=impact-\$\(date \+%F\)\.dump"):
        backup_sqlite(make_url("postgresql+psycopg://impact@db.internal/impact_tracker"), tmp_path / "x")
