"""The database failing part-way through a request: a clean 503, nothing half-saved, and the next request works."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.extensions import db

from . import factories
from .conftest import page_text

WRITES = ("INSERT", "UPDATE", "DELETE")
NEW_ROWS = "02/03/2026\t5\n09/03/2026\t6\n16/03/2026\t4\n23/03/2026\t7\n30/03/2026\t3\n"
NEW_POINTS = [{"period": f"2026-03-{day:02d}", "value": day / 2} for day in (2, 9, 16, 23, 30)]


class DatabaseCut:
    """Cut the database off when a request reaches a given statement.

    PostgreSQL: the connection's server process is really terminated (pg_terminate_backend) just before the
    statement runs. SQLite (in memory, one shared connection that must survive): the driver's error is raised.
    With `stays_down`, every statement after the cut fails too, until the block ends.
    """

    def __init__(self, engine_name: str, *, after_writes: int | None = 1, stays_down: bool = False):
        self.engine_name, self.after_writes, self.stays_down = engine_name, after_writes, stays_down
        self.writes_before_cut = 0
        self.cut = False

    def __enter__(self) -> DatabaseCut:
        sa.event.listen(db.engine, "before_cursor_execute", self.before_statement)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(db.engine, "before_cursor_execute", self.before_statement)

    def before_statement(self, conn, _cursor, statement: str, *_args) -> None:
        if self.cut:
            if self.stays_down:
                self.fail()
            return
        is_write = statement.lstrip().upper().startswith(WRITES)
        if not (self.after_writes is None or (is_write and self.writes_before_cut == self.after_writes)):
            self.writes_before_cut += is_write
            return
        self.cut = True
        if self.engine_name == "postgresql":
            self.kill(conn)  # the statement then runs on a dead connection and the driver raises
        else:
            self.fail()

    def kill(self, conn) -> None:
        """Terminate this connection's PostgreSQL server process from another connection, and wait for it."""
        pid = conn.connection.dbapi_connection.info.backend_pid
        admin = sa.create_engine(db.engine.url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        with admin.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        admin.dispose()

    def fail(self) -> None:
        if self.engine_name == "postgresql":
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        raise sqlite3.OperationalError("disk I/O error")


def row_counts() -> dict[str, int]:
    """How many rows every table holds, to show a failed request left nothing behind."""
    db.session.expire_all()
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.fixture
def measure(project):
    return factories.make_measure(project, values=[3, 4])


def _paste(client, paste_url: str):
    return client.post(paste_url, data={"pasted": NEW_ROWS, "confirmed": "yes"})


def _upsert(client, points_url: str):
    return client.put(points_url, json={"points": NEW_POINTS})


def test_a_save_cut_off_part_way_shows_a_clean_page_keeps_nothing_and_can_be_retried(
        client, login_as, member, measure, engine_name):
    login_as(member)
    paste_url = url_for("measures.paste", measure_id=measure.id)
    before = row_counts()
    with DatabaseCut(engine_name, after_writes=1) as cut:
        response = _paste(client, paste_url)
    assert cut.cut and cut.writes_before_cut == 1, "the cut must fall after the save had started writing"
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    text = page_text(response)
    assert "Sorry, your change has not been saved" in text
    assert "nothing from the page you sent was kept" in text and "try again" in text
    assert "Traceback" not in response.get_data(as_text=True)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one("header.nhsuk-header") and member.name in soup.select_one("header").get_text()
    assert row_counts() == before

    assert client.get(url_for("measures.detail", measure_id=measure.id)).status_code == 200
    retried = _paste(client, paste_url)
    assert retried.status_code == 302
    assert row_counts()["data_point"] == before["data_point"] + 5


def test_an_api_upsert_cut_off_part_way_is_a_503_problem_keeps_nothing_and_can_be_retried(
        client, login_as, member, measure, engine_name):
    login_as(member)
    points_url = f"/api/v1/measures/{measure.id}/points"
    before = row_counts()
    with DatabaseCut(engine_name, after_writes=1) as cut:
        response = _upsert(client, points_url)
    assert cut.cut and cut.writes_before_cut == 1
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 503 and problem["title"] == "Database unavailable"
    assert "nothing in this request was saved" in problem["detail"]
    assert row_counts() == before

    retried = _upsert(client, points_url)
    assert retried.status_code == 200
    assert retried.get_json()["added"] == 5
    assert row_counts()["data_point"] == before["data_point"] + 5


def test_while_the_database_stays_down_the_error_page_still_renders_without_it(
        client, login_as, member, measure, engine_name):
    login_as(member)
    paste_url, measure_url = (url_for(endpoint, measure_id=measure.id) for endpoint in ("measures.paste",
                                                                                       "measures.detail"))
    before = row_counts()
    with DatabaseCut(engine_name, after_writes=1, stays_down=True):
        response = _paste(client, paste_url)
    assert response.status_code == 503
    assert "Sorry, your change has not been saved" in page_text(response)
    assert BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("header.nhsuk-header")
    assert row_counts() == before
    assert client.get(measure_url).status_code == 200


def test_a_page_read_while_the_database_is_down_says_nothing_was_changed(
        client, login_as, member, project, engine_name):
    login_as(member)
    page = url_for("projects.detail", project_id=project.id)
    with DatabaseCut(engine_name, after_writes=None, stays_down=True):
        response = client.get(page)
    assert response.status_code == 503
    text = page_text(response)
    assert "Sorry, this page is not available right now" in text
    assert "Nothing has been changed" in text and "try again" in text
    assert client.get(page).status_code == 200
