"""The gemba walks API: idempotent PUT by client id, version conflicts, validation, the list."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from impact_tracker.extensions import db
from impact_tracker.gemba.models import GembaWalk

from .. import factories
from ..services.test_gemba import make_walk

TODAY = date.today()


def body(owner, **changes) -> dict:
    return {"date": TODAY.isoformat(), "time": "10:05", "type": "safety", "leaders": [owner.email],
            "staff_roles": [{"role": "nurse", "count": 2}], "observations": "Calm ward",
            "went_well": "Safety huddle", "concerns": [{"category": "it", "text": "Slow log-in on the ward PCs"}],
            "ideas": "Tap-in cards", "actions": [{"what": "Raise with IT", "owner": owner.email,
                                                  "due": (TODAY + timedelta(days=7)).isoformat()}], **changes}


def put(client, client_id, payload):
    return client.put(f"/api/v1/gemba-walks/{client_id}", json=payload)


def test_the_same_walk_sent_twice_is_created_once_201_then_200(client, login_as, member):
    login_as(member)
    client_id = str(uuid.uuid4())
    first = put(client, client_id, body(member))
    second = put(client, client_id, body(member))
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["client_id"] == client_id and first.json["version"] == second.json["version"] == 1
    assert first.json["actions"][0]["status"] == "open" and first.json["warnings"] == []
    assert db.session.query(GembaWalk).count() == 1


def test_a_change_with_the_current_version_is_saved(client, login_as, member):
    login_as(member)
    client_id = str(uuid.uuid4())
    put(client, client_id, body(member))
    response = put(client, client_id, body(member, observations="Busier after lunch", version=1))
    assert response.status_code == 200
    assert response.json["observations"] == "Busier after lunch" and response.json["version"] == 2


def test_a_stale_version_gets_409_with_the_current_walk_and_changes_nothing(client, login_as, member):
    login_as(member)
    client_id = str(uuid.uuid4())
    put(client, client_id, body(member))
    put(client, client_id, body(member, observations="Changed on another tablet", version=1))
    response = put(client, client_id, body(member, observations="This tablet's words", version=1))
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert response.json["current"]["observations"] == "Changed on another tablet"
    assert response.json["current"]["version"] == 2
    assert db.session.query(GembaWalk).one().observations == "Changed on another tablet"


@pytest.mark.parametrize("changes, field", [
    ({"actions": [{"what": "Fix", "owner": "OWNER", "due": "soon"}]}, "actions[0].due"),
    ({"actions": [{"what": "", "owner": "OWNER", "due": "2030-01-01"}]}, "actions[0].what"),
    ({"concerns": [{"category": "weather", "text": "Rain"}]}, "concerns[0].category"),
    ({"staff_roles": [{"role": "nurse", "count": "two"}]}, "staff_roles[0].count"),
    ({"date": None}, "date"),
    ({"time": "late"}, "time"),
    ({"actions": [{"what": "Fix", "owner": "someone@else.example", "due": "2030-01-01"}]}, "actions[0].owner"),
])
def test_invalid_fields_get_422_naming_the_field_and_nothing_is_saved(client, login_as, member, changes, field):
    login_as(member)
    for action in changes.get("actions", []):
        action["owner"] = member.email if action["owner"] == "OWNER" else action["owner"]
    response = put(client, str(uuid.uuid4()), body(member, **changes))
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json["errors"]]
    assert db.session.query(GembaWalk).count() == 0


def test_text_that_looks_like_patient_data_is_saved_with_a_warning(client, login_as, member):
    login_as(member)
    response = put(client, str(uuid.uuid4()), body(member, observations="Bed 4, postcode LS1 4AB, waited"))
    assert response.status_code == 201
    assert response.json["warnings"] == [{"field": "observations",
                                          "message": "It contains what looks like a postcode."}]


def test_another_organisations_walk_is_not_found_and_unchanged(client, login_as, other_org, member):
    theirs = make_walk(other_org, factories.make_user(other_org))
    login_as(member)
    response = put(client, theirs.client_id, body(member, version=1))
    assert response.status_code == 404
    assert db.session.get(GembaWalk, theirs.id).observations == "Busy morning; board up to date"


def test_anonymous_calls_get_401(client):
    assert put(client, str(uuid.uuid4()), {"date": TODAY.isoformat()}).status_code == 401
    assert client.get("/api/v1/gemba-walks").status_code == 401


def test_a_session_put_needs_the_csrf_token_in_the_header(app, client, login_as, member):
    login_as(member)
    app.config["WTF_CSRF_ENABLED"] = True
    response = put(client, str(uuid.uuid4()), body(member))
    assert response.status_code == 400
    assert db.session.query(GembaWalk).count() == 0


def test_the_list_is_paginated_and_holds_only_the_callers_organisation(client, login_as, org, other_org, member):
    for _ in range(3):
        make_walk(org, member)
    make_walk(other_org, factories.make_user(other_org))
    login_as(member)
    response = client.get("/api/v1/gemba-walks?per_page=2")
    assert response.status_code == 200
    assert (response.json["total"], response.json["per_page"], len(response.json["items"])) == (3, 2, 2)
    assert {item["organisation"] for item in response.json["items"]} == {org.code}


def test_the_openapi_document_describes_the_walk_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "put" in paths["/api/v1/gemba-walks/{client_uuid}"] and "get" in paths["/api/v1/gemba-walks"]
