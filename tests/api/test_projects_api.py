"""Projects through the API: list, register, read, change, with the contract's codes."""

from __future__ import annotations

import pytest

from impact_tracker.auth.services import create_token
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.projects.models import Project, ProjectStatus

from .. import factories

NEW = {"title": "Sepsis antibiotics within the hour", "problem": "Delays in the ED.",
       "aim": {"what": "Increase antibiotics within 60 minutes", "baseline": "61%", "target": "90%",
               "by": "2027-04-30"},
       "status": "active", "impact_components": ["building_capability_capacity"], "method": "qsir"}


@pytest.fixture
def headers(member):
    token, _ = create_token(member, "tests")
    return {"Authorization": f"Bearer {token}"}


def test_registering_a_project_returns_201_with_its_location_and_fields(client, headers, member, org):
    response = client.post("/api/v1/projects", json=NEW, headers=headers)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/projects/{body['id']}")
    assert body["aim"] == {"what": "Increase antibiotics within 60 minutes", "baseline": "61%", "target": "90%",
                           "by": "2027-04-30", "for_whom": ""}
    assert body["organisation"]["code"] == org.code and body["status"] == "active" and body["version"] == 1
    assert body["team"] == [{"user_id": member.id, "name": "Fran Frontline", "team_role": "lead"}]


def test_invalid_fields_are_all_listed_and_nothing_is_saved(client, headers):
    response = client.post("/api/v1/projects", headers=headers, json={
        "title": "", "aim": {"what": "x", "by": "31/04/2027"}, "status": "done", "impact_components": ["joy"]})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    fields = {error["field"] for error in response.get_json()["errors"]}
    assert fields == {"title", "aim.by", "status", "impact_components"}
    assert db.session.query(Project).count() == 0


def test_a_title_longer_than_documented_is_refused_not_truncated(client, headers):
    response = client.post("/api/v1/projects", headers=headers, json={**NEW, "title": "x" * 161})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "title", "message": "must be 160 characters or fewer"}]


def test_malformed_json_is_a_400(client, headers):
    response = client.post("/api/v1/projects", headers={**headers, "Content-Type": "application/json"},
                           data="{not json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_listing_is_paginated_filtered_and_scoped_to_the_callers_organisation(client, headers, org, other_org):
    for n in range(3):
        factories.make_project(org, title=f"Ours {n}", status=ProjectStatus.ACTIVE)
    factories.make_project(org, title="Ours on hold", status=ProjectStatus.ON_HOLD)
    factories.make_project(other_org, title="Theirs")
    body = client.get("/api/v1/projects?per_page=2&status=active", headers=headers).get_json()
    assert (body["total"], body["page"], body["per_page"], len(body["items"])) == (3, 1, 2, 2)
    assert all(item["title"].startswith("Ours") for item in body["items"])
    assert client.get("/api/v1/projects?per_page=500", headers=headers).status_code == 422
    assert client.get(f"/api/v1/projects?organisation={other_org.code}", headers=headers).get_json()["total"] == 0


def test_another_organisations_project_is_a_404(client, headers, other_project):
    assert client.get(f"/api/v1/projects/{other_project.id}", headers=headers).status_code == 404
    response = client.patch(f"/api/v1/projects/{other_project.id}", headers=headers, json={"title": "x", "version": 1})
    assert response.status_code == 404


def test_patch_changes_only_what_is_sent_and_needs_the_version(client, headers, project):
    url = f"/api/v1/projects/{project.id}"
    current = client.get(url, headers=headers).get_json()
    response = client.patch(url, headers=headers, json={"aim": {"target": "2 a month"}})
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "version"
    response = client.patch(url, headers=headers, json={"aim": {"target": "2 a month"}, "version": current["version"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["aim"]["target"] == "2 a month" and body["aim"]["what"] == current["aim"]["what"]
    assert body["title"] == current["title"] and body["version"] == current["version"] + 1


def test_a_stale_version_is_a_409_with_the_current_project(client, headers, project):
    url = f"/api/v1/projects/{project.id}"
    stale = project.version
    project.title = "Renamed by a colleague"
    db.session.commit()
    response = client.patch(url, headers=headers, json={"title": "Mine", "version": stale})
    assert response.status_code == 409
    assert response.get_json()["current"]["title"] == "Renamed by a colleague"
    db.session.refresh(project)
    assert project.title == "Renamed by a colleague"


def test_a_viewer_can_read_but_not_change(client, org, project):
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
    token, _ = create_token(viewer, "v")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/projects/{project.id}", headers=headers).status_code == 200
    response = client.patch(f"/api/v1/projects/{project.id}", headers=headers, json={"title": "x", "version": 1})
    assert response.status_code == 403
    assert client.post("/api/v1/projects", headers=headers, json=NEW).status_code == 403


def test_session_calls_that_change_data_need_the_csrf_token(app, client, login_as, member):
    login_as(member)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/projects", json=NEW)
    assert response.status_code == 400 and "CSRF" in response.get_json()["detail"]
    assert db.session.query(Project).count() == 0
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/api/v1/projects", json=NEW).status_code == 201
