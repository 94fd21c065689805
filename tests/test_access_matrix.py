"""The access-control matrix: every endpoint, for anonymous callers and every role, on its own organisation's
objects and on another's, gets the status tests/access_matrix/table.py says, and every URL rule has an entry.

One app and one database serve the whole module (about 2,300 requests). It runs on SQLite only: who may do what
is decided in Python (core/permissions.py), the SQL filters it builds are run on PostgreSQL by the rest of the
suite, and a second engine would double the time past the minute this file is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from impact_tracker import create_app
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db

from . import factories
from .access_matrix.table import SKIPPED, TABLE, Entry
from .access_matrix.world import Fresh, World, build_world
from .conftest import _config, _empty

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _cases():
    for endpoint, entry in TABLE.items():
        sides = ("own", "other") if entry.rule.scoped else ("-",)
        for method in entry.methods.split():
            yield pytest.param(endpoint, method, None, sides[0], id=f"{endpoint}-{method}-anonymous")
            for role in Role:
                for side in sides:
                    yield pytest.param(endpoint, method, role, side, id=f"{endpoint}-{method}-{role.value}-{side}")


@dataclass
class Matrix:
    """The module's app, its data, and each role's signed-in session cookie.

    No app context is held between requests, so each request gets its own database session and `g`, as in
    production: a shared one would carry Flask-Login's user from case to case and hide lazy loads that fail.
    """

    app: Flask
    world: World
    sessions: dict[Role, str]

    def url(self, entry: Entry, endpoint: str, role: Role | None, side: str) -> str:
        """Build the URL (making any throwaway rows it needs) in an app context of its own."""
        with self.app.app_context():
            actor = self.world.accounts[role].id if role else None
            values = entry.values
            if callable(values):
                values = values(self.world.side(side), Fresh(self.world, actor))
            url = url_for(endpoint, **values, _external=False)
            db.session.remove()
        return url

    def client(self, endpoint: str, role: Role | None) -> tuple[FlaskClient, dict]:
        """A client for the role: its session cookie for pages, its bearer token for the API."""
        client = self.app.test_client()
        if role is None:
            return client, {}
        if endpoint.startswith("api."):
            return client, {"Authorization": f"Bearer {self.world.accounts[role].token}"}
        client.set_cookie("session", self.sessions[role], domain=self.app.config["SERVER_NAME"])
        return client, {}


@pytest.fixture(scope="module")
def matrix():
    """One app and database for the whole module: both organisations, their objects and the eight role users."""
    app = create_app({**_config(), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        db.create_all()
        world = build_world()
        db.session.remove()
    sessions = {role: _sign_in(app, account.email) for role, account in world.accounts.items()}
    yield Matrix(app, world, sessions)
    with app.app_context():
        db.session.remove()
        _empty("sqlite://")


def _sign_in(app: Flask, email: str) -> str:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302 and "/sign-in" not in response.headers["Location"], email
    return client.get_cookie("session", domain=app.config["SERVER_NAME"]).value


def outcome(response, endpoint: str) -> str:
    """What access control made of the request: "ok", "sign-in", "401", "403", "404", or the odd status."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status == 302 and location.startswith("/sign-in") and "next=" in location:
        return "sign-in"
    if status in (401, 403, 404) and endpoint.startswith("api."):
        is_problem = response.mimetype == "application/problem+json"
        return str(status) if is_problem else f"{status} without a problem document"
    if status in (401, 403, 404):
        return str(status)
    return "ok" if status in (200, 201, 204, 302, 400, 409, 422) else f"unexpected {status}"


def expected(entry: Entry, endpoint: str, role: Role | None, side: str) -> str:
    if role is not None:
        return entry.rule.outcome(role, side)
    if entry.anonymous:
        return entry.anonymous
    return "401" if endpoint.startswith("api.") else "sign-in"


@pytest.mark.parametrize("endpoint, method, role, side", list(_cases()))
def test_each_role_gets_what_the_table_says(matrix, endpoint, method, role, side):
    entry = TABLE[endpoint]
    url = matrix.url(entry, endpoint, role, side)
    client, headers = matrix.client(endpoint, role)
    if endpoint.startswith("api."):
        response = client.open(url, method=method, headers=headers, json=entry.body)
    else:
        response = client.open(url, method=method, data=(entry.body or {}) if method in UNSAFE else None)
    got = outcome(response, endpoint)
    assert got == expected(entry, endpoint, role, side), (
        f"{method} {url} as {role.value if role else 'anonymous'} on the {side} organisation's object: "
        f"{response.status_code} {response.headers.get('Location', '')}")


def test_every_url_rule_has_an_entry_and_every_entry_a_rule(matrix):
    routes: dict[str, set[str]] = {}
    for rule in matrix.app.url_map.iter_rules():
        routes.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    problems = [f"{endpoint}: no entry in tests/access_matrix/table.py"
                for endpoint in sorted(set(routes) - set(TABLE) - set(SKIPPED))]
    problems += [f"{endpoint}: in the table but no longer a route" for endpoint in sorted(set(TABLE) - set(routes))]
    problems += [f"{endpoint}: takes {' '.join(sorted(methods))}, the table says {TABLE[endpoint].methods}"
                 for endpoint, methods in sorted(routes.items())
                 if endpoint in TABLE and set(TABLE[endpoint].methods.split()) != methods]
    assert not problems, "\n".join(problems)
