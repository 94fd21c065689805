"""The roll-up queries reach their rows through indexes: checked against each engine's query plan.

Without the right indexes a national roll-up goes from tens of milliseconds to seconds, and a small test
database would never show it by timing; the plan shows it at any size. PostgreSQL is asked for its plan with
sequential scans discouraged, so a table still read in full there has no usable index.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, text

from impact_tracker.extensions import db
from impact_tracker.portfolio import queries
from impact_tracker.portfolio.queries import Filters

from .. import factories

# The tables that grow with a national deployment; reading one in full is what the test forbids.
LARGE = ("project", "pdsa_cycle", "data_point", "measure", "team_member", "progress_score", "training_record",
         "project_component", "gemba_walk", "gemba_walk_action")


def statements_of(work) -> list[tuple[str, object]]:
    """The SQL (with parameters) that `work()` sends to the database."""
    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return [(statement, parameters) for statement, parameters in captured if statement.lstrip().startswith("SELECT")]


def full_scans(statement: str, parameters) -> list[str]:
    """The large tables the engine would read in full to run `statement`."""
    connection = db.session.connection()
    cursor = connection.connection.dbapi_connection.cursor()
    if connection.dialect.name == "postgresql":
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = [row[0] for row in cursor.fetchall()]
        return [table for line in plan for table in LARGE if re.search(rf"Seq Scan on {table}\b", line)]
    cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    plan = [row[-1] for row in cursor.fetchall()]
    return [table for line in plan for table in LARGE
            if re.match(rf"SCAN {table}\b", line) and "USING" not in line]


@pytest.fixture
def busy(org, member):
    """Two organisations with projects, cycles, scores, measures and training, so every query has rows."""
    other = factories.make_org(system=org.system)
    for organisation in (org, other):
        for index in range(3):
            project = factories.make_project(organisation, title=f"Project {index}")
            factories.make_cycle(project, start=date.today() - timedelta(days=10 * index))
            factories.make_measure(project, values=[5, 6, 5, 7])
    return [org.id, other.id]


@pytest.mark.parametrize("filters", [Filters(), Filters(months=3)], ids=["12 months", "3 months"])
def test_every_roll_up_query_uses_an_index_on_the_large_tables(busy, filters):
    statements = statements_of(lambda: queries.figures(busy, filters))
    assert len(statements) >= 6
    scans = {statement[:80]: full_scans(statement, parameters) for statement, parameters in statements}
    db.session.execute(text("SELECT 1"))  # the plans ran in this transaction; nothing else to undo
    assert {sql: tables for sql, tables in scans.items() if tables} == {}


def test_the_organisation_page_queries_use_an_index_on_the_large_tables(busy, org):
    def organisation_page():
        queries.stalled_projects(org, Filters())
        queries.cycles_by_month(org, Filters())
        queries.score_distribution(org, Filters())
        queries.measure_tile_rows(org, Filters())

    statements = statements_of(organisation_page)
    assert len(statements) >= 4
    scans = {statement[:80]: full_scans(statement, parameters) for statement, parameters in statements}
    assert {sql: tables for sql, tables in scans.items() if tables} == {}
