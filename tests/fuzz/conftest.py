"""Fuzzing fixtures: one demo world per engine for the whole package, signed-in clients and a hypothesis profile."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from impact_tracker import create_app
from impact_tracker.auth.services import create_token
from impact_tracker.demo import seed_demo
from impact_tracker.extensions import db
from impact_tracker.orgs.models import User

from ..conftest import _config, _empty

# Reproducible in CI: the same examples on every run, no example database, no timing flakiness on a busy machine.
settings.register_profile(
    "fuzz",
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
FUZZ = settings.get_profile("fuzz")

PASSWORD = "fuzzing-demo-password-2026"
LEAD_EMAIL = "improvement_lead@demo1.example"


@pytest.fixture(scope="package")
def fuzz_app(database_url):
    """An app holding the demo region, shared by every fuzz test on one engine (seeding takes seconds).

    No app context stays pushed: each request gets its own, as in production, so nothing cached in `g` or the
    session leaks from one request (or one signed-in client) to the next.
    """
    app = create_app({**_config(), "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        seed_demo(PASSWORD)
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        _empty(database_url)


@pytest.fixture(scope="package")
def lead_client(fuzz_app):
    """A browser signed in as DEMO1's improvement lead, who may contribute and manage the organisation."""
    client = fuzz_app.test_client()
    response = client.post("/sign-in", data={"email": LEAD_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, "the demo improvement lead could not sign in"
    return client


@pytest.fixture(scope="package")
def lead_token(fuzz_app) -> str:
    """A bearer token of DEMO1's improvement lead."""
    with fuzz_app.app_context():
        lead = db.session.query(User).filter_by(email=LEAD_EMAIL).one()
        raw, _ = create_token(lead, "fuzzing")
        return raw
