"""Shared fixtures: an app and an empty database per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import re

import pytest
from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import text

from impact_tracker import create_app
from impact_tracker.config import TestingConfig
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db

from . import factories
from .pg import throwaway_postgres

ENGINES = [name.strip() for name in os.environ.get("IMPACT_TEST_ENGINES", "sqlite,postgresql").split(",")]


@pytest.fixture(scope="session")
def postgres_server():
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session", params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(engine_name, request) -> str:
    if engine_name == "sqlite":
        return "sqlite://"
    return request.getfixturevalue("postgres_server")


_pg_schema_ready: set[str] = set()


@pytest.fixture
def app(database_url):
    """A fresh app with an empty database: in-memory SQLite, or PostgreSQL emptied after each test."""
    app = create_app({**_config(), "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        if database_url.startswith("sqlite") or database_url not in _pg_schema_ready:
            db.create_all()
            _pg_schema_ready.add(database_url)
        yield app
        db.session.remove()
        _empty(database_url)


def _config() -> dict:
    return {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}


def _empty(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        db.drop_all()
        return
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def org(app):
    return factories.make_org(name="Riverside Hospitals NHS Trust")


@pytest.fixture
def other_org(app):
    return factories.make_org(name="Hillside Hospitals NHS Trust")


@pytest.fixture
def member(org):
    return factories.make_user(org, Role.FRONTLINE, name="Fran Frontline")


@pytest.fixture
def leader(org):
    return factories.make_user(org, Role.IMPROVEMENT_LEAD, name="Lee Leader")


@pytest.fixture
def admin(app):
    return factories.make_user(None, Role.NATIONAL_ADMIN, name="Nat Admin")


@pytest.fixture
def project(org, member):
    return factories.make_project(org, title="Reduce falls on Ward 7", created_by=member)


@pytest.fixture
def other_project(other_org):
    return factories.make_project(other_org, title="Their project")


@pytest.fixture
def login_as(client):
    """Sign a user in through the real sign-in form."""

    def sign_in(user, password: str = factories.PASSWORD):
        response = client.post(url_for("auth.login"), data={"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return user

    return sign_in


def get_page(client, endpoint: str, *, _expected_status: int = 200, **values) -> BeautifulSoup:
    """GET a page by endpoint name, assert its status, and return the parsed HTML."""
    response = client.get(url_for(endpoint, **values))
    assert response.status_code == _expected_status, response.get_data(as_text=True)[:500]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def post_form(client, endpoint: str, data: dict, *, _expected_status: int = 200, **values):
    """POST a form by endpoint name, assert the status, and return the response."""
    response = client.post(url_for(endpoint, **values), data=data)
    assert response.status_code == _expected_status, response.get_data(as_text=True)[:800]
    return response


def page_text(response) -> str:
    """The visible text of a response, whitespace folded, for assertions a reader would make."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return re.sub(r"\s+", " ", soup.get_text(" ")).strip()


def field_error(soup: BeautifulSoup, field_id: str) -> str:
    """The error message shown beside a field (NHS.UK markup), or '' when there is none."""
    message = soup.find(id=f"{field_id}-error")
    return re.sub(r"\s+", " ", message.get_text(" ")).replace("Error:", "").strip() if message else ""


def pytest_sessionfinish(session, exitstatus):
    """Under CI (IMPACT_FAIL_ON_SKIP=1) a skipped test fails the run: a skip would hide a gap."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("IMPACT_FAIL_ON_SKIP") == "1" and skipped:
        reporter.write_line(f"{skipped} test(s) were skipped; CI runs everything, so this run fails.", red=True)
        session.exitstatus = 1
