"""DELETE /api/v1/projects/{id} archives; an archived project is read-only through the API too."""

from __future__ import annotations

import pytest

from impact_tracker.auth.services import create_token
from impact_tracker.core.mixins import utcnow
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.projects.models import Project

from .. import factories


def _bearer(user) -> dict:
    token, _ = create_token(user, "tests")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def headers(member):
    return _bearer(member)


def _archived_at(project):
    db.session.expire_all()
    return db.session.get(Project, project.id).archived_at


def test_delete_archives_the_project_and_it_leaves_the_list(client, headers, project):
    response = client.delete(f"/api/v1/projects/{project.id}", headers=headers)

    assert response.status_code == 204 and response.get_data() == b""
    assert _archived_at(project) is not None
    assert client.get("/api/v1/projects", headers=headers).get_json()["total"] == 0
    body = client.get(f"/api/v1/projects/{project.id}", headers=headers).get_json()
    assert body["archived_at"] is not None and body["title"] == "Reduce falls on Ward 7"


def test_deleting_an_archived_project_again_is_a_quiet_success(client, headers, project):
    assert client.delete(f"/api/v1/projects/{project.id}", headers=headers).status_code == 204
    first = _archived_at(project)
    assert client.delete(f"/api/v1/projects/{project.id}", headers=headers).status_code == 204
    assert _archived_at(project) == first


def test_delete_needs_a_token(client, project):
    response = client.delete(f"/api/v1/projects/{project.id}")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert _archived_at(project) is None


def test_another_organisations_project_is_not_found(client, headers, other_project):
    response = client.delete(f"/api/v1/projects/{other_project.id}", headers=headers)
    assert response.status_code == 404
    assert _archived_at(other_project) is None


def test_viewers_may_not_archive(client, org, project):
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
    response = client.delete(f"/api/v1/projects/{project.id}", headers=_bearer(viewer))
    assert response.status_code == 403
    assert _archived_at(project) is None


def test_changing_an_archived_project_is_a_409_saying_why(client, headers, project):
    measure = factories.make_measure(project, values=[1, 2])
    project.archived_at = utcnow()
    db.session.commit()

    patch = client.patch(f"/api/v1/projects/{project.id}", headers=headers,
                         json={"title": "New title", "version": project.version})
    points = client.put(f"/api/v1/measures/{measure.id}/points", headers=headers,
                        json={"points": [{"period": "2030-01-06", "value": 3}]})

    for response in (patch, points):
        assert response.status_code == 409, response.get_json()
        assert response.get_json()["detail"].startswith("This project is archived, so it cannot be changed")
    db.session.expire_all()
    assert db.session.get(Project, project.id).title == "Reduce falls on Ward 7" and len(measure.points) == 2


def test_the_openapi_document_describes_the_delete_as_204(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/projects/{project_id}"]["delete"]
    assert "204" in operation["responses"] and "200" not in operation["responses"]
    assert operation["summary"].startswith("Archive a project")
