"""The API base: bearer tokens, the browser session, problem+json errors, pagination and OpenAPI."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from impact_tracker.auth.services import create_token, revoke_token
from impact_tracker.core.errors import DomainError
from impact_tracker.core.pagination import paginate, parse_page_args
from impact_tracker.extensions import db
from impact_tracker.orgs.models import Organisation

from .. import factories


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_me_answers_with_the_token_owner(client, member, org):
    token, _ = create_token(member, "test")
    response = client.get("/api/v1/me", headers=_bearer(token))
    assert response.status_code == 200
    assert response.get_json() == {
        "id": member.id, "email": member.email, "name": "Fran Frontline",
        "organisation": {"code": org.code, "name": "Riverside Hospitals NHS Trust"}, "roles": ["frontline"],
    }


def test_me_works_for_a_signed_in_browser_session(client, login_as, member):
    login_as(member)
    assert client.get("/api/v1/me").get_json()["email"] == member.email


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer itk_not-a-real-token"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}])
def test_no_or_a_bad_token_is_a_401_problem(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert body["status"] == 401 and body["title"] == "Unauthorized"


def test_a_bad_token_is_refused_even_alongside_a_valid_session(client, login_as, member):
    login_as(member)
    assert client.get("/api/v1/me", headers=_bearer("itk_wrong")).status_code == 401


def test_a_revoked_token_or_a_deactivated_owner_stops_working(client, member, org):
    revoked, token = create_token(member, "old")
    revoke_token(token.id, actor=member)
    assert client.get("/api/v1/me", headers=_bearer(revoked)).status_code == 401
    other = factories.make_user(org)
    live, _ = create_token(other, "live")
    assert client.get("/api/v1/me", headers=_bearer(live)).status_code == 200
    other.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=_bearer(live)).status_code == 401


def test_using_a_token_records_when_it_was_last_used(client, member):
    raw, token = create_token(member, "feed")
    assert token.last_used_at is None
    client.get("/api/v1/me", headers=_bearer(raw))
    db.session.refresh(token)
    first = token.last_used_at
    assert first is not None


def test_a_token_used_again_within_minutes_is_not_written_again_but_later_it_is(client, member):
    """Reads through the API do not each become a database write; the date shown stays right to minutes."""
    raw, token = create_token(member, "feed")
    client.get("/api/v1/me", headers=_bearer(raw))
    db.session.refresh(token)
    first = token.last_used_at
    client.get("/api/v1/me", headers=_bearer(raw))
    db.session.refresh(token)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=6)
    db.session.commit()
    client.get("/api/v1/me", headers=_bearer(raw))
    db.session.refresh(token)
    assert token.last_used_at.replace(tzinfo=None) > first.replace(tzinfo=None) - timedelta(minutes=1)


def test_an_unknown_api_path_is_a_404_problem(client, member):
    raw, _ = create_token(member, "feed")
    response = client.get("/api/v1/no-such-thing", headers=_bearer(raw))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_a_token_call_sets_no_session_cookie(client, member):
    raw, _ = create_token(member, "feed")
    response = client.get("/api/v1/me", headers=_bearer(raw))
    assert "Set-Cookie" not in response.headers


def test_openapi_documents_every_api_endpoint_and_is_public(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", path), method.lower()) in documented
    assert document["paths"]["/api/v1/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] \
        == {"$ref": "#/components/schemas/Me"}


@pytest.mark.parametrize("args, field", [({"page": "0"}, "page"), ({"page": "x"}, "page"),
                                         ({"per_page": "201"}, "per_page"), ({"per_page": "-3"}, "per_page")])
def test_page_arguments_are_checked(args, field):
    with pytest.raises(DomainError) as err:
        parse_page_args(args, max_per_page=200)
    assert err.value.field == field


def test_paginate_returns_one_page_and_the_total(app):
    system = factories.make_system()
    for n in range(7):
        factories.make_org(system, code=f"P{n}")
    page = paginate(select(Organisation).order_by(Organisation.code), page=2, per_page=3)
    assert [o.code for o in page.items] == ["P3", "P4", "P5"]
    assert (page.total, page.pages, page.has_prev, page.has_next) == (7, 3, True, True)
