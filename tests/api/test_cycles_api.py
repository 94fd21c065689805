"""The PDSA cycles API: list, start, read and PATCH cycles, with versions, stage rules and problem+json."""

from __future__ import annotations

import pytest

from impact_tracker.auth.services import create_token
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.pdsa.models import CycleQuestion, PDSACycle, Stage

from .. import factories


@pytest.fixture
def headers(member) -> dict:
    token, _ = create_token(member, "test")
    return {"Authorization": f"Bearer {token}"}


def _cycle_at(project, stage, questions=(("Will staff round hourly?", "Yes", ""),), **fields) -> PDSACycle:
    cycle = factories.make_cycle(project, stage=stage, **fields)
    cycle.questions = [CycleQuestion(position=i, question=q, prediction=p, result=r)
                       for i, (q, p, r) in enumerate(questions)]
    db.session.commit()
    return cycle


def _reload(cycle: PDSACycle) -> PDSACycle:
    db.session.expire_all()
    return db.session.get(PDSACycle, cycle.id)


def test_a_projects_cycles_are_listed_a_page_at_a_time(client, headers, project):
    first = _cycle_at(project, Stage.DONE, title="First")
    _cycle_at(project, Stage.PLAN, change_idea=first.change_idea, title="Second")
    body = client.get(f"/api/v1/projects/{project.id}/cycles?per_page=1", headers=headers).get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 1, 2)
    item = body["items"][0]
    assert (item["title"], item["number"], item["stage"], item["change_idea"]) == ("First", 1, "done",
                                                                                   first.change_idea_id)
    assert item["questions"] == [{"question": "Will staff round hourly?", "prediction": "Yes", "result": ""}]
    assert set(item["plan"]) == {"who", "what", "when", "where", "data_collection", "tasks"}


def test_a_bad_page_size_is_a_422_naming_the_parameter(client, headers, project):
    response = client.get(f"/api/v1/projects/{project.id}/cycles?per_page=500", headers=headers)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "per_page"


def test_another_organisations_cycles_are_not_found(client, headers, other_project):
    cycle = _cycle_at(other_project, Stage.PLAN)
    assert client.get(f"/api/v1/projects/{other_project.id}/cycles", headers=headers).status_code == 404
    response = client.get(f"/api/v1/cycles/{cycle.id}", headers=headers)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_without_a_token_the_api_answers_401(client, project):
    assert client.get(f"/api/v1/projects/{project.id}/cycles").status_code == 401


class TestCreate:
    def test_a_cycle_is_started_with_its_plan(self, client, headers, project, member):
        idea = factories.make_change_idea(project)
        body = {"title": "Hourly rounding", "change_idea": idea.id, "objective": "Is it workable?",
                "questions": [{"question": "Will staff do it?", "prediction": "Yes"}], "start": "2026-03-02",
                "plan": {"who": "Night team", "tasks": [{"task": "Print checklist", "owner": "Sam", "due": None}]}}
        response = client.post(f"/api/v1/projects/{project.id}/cycles", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        created = response.get_json()
        assert response.headers["Location"].endswith(f"/api/v1/cycles/{created['id']}")
        assert (created["number"], created["stage"], created["start"]) == (1, "plan", "2026-03-02")
        assert created["plan"]["tasks"] == [{"task": "Print checklist", "owner": "Sam", "due": None}]
        assert created["warnings"] == []
        assert db.session.get(PDSACycle, created["id"]).created_by_id == member.id

    @pytest.mark.parametrize("changes, field", [
        ({"title": ""}, "title"),
        ({"title": "x" * 161}, "title"),
        ({"change_idea": "one"}, "change_idea"),
        ({"change_idea": None}, "change_idea"),
        ({"questions": [{"question": ""}]}, "questions[0].question"),
        ({"start": "02/03/2026"}, "start"),
        ({"plan": {"tasks": [{"task": "t" * 301}]}}, "plan.tasks[0].task"),
    ])
    def test_invalid_fields_are_a_422_naming_each_and_nothing_is_created(self, client, headers, project, changes,
                                                                       field):
        idea = factories.make_change_idea(project)
        body = {"title": "Hourly rounding", "change_idea": idea.id, **changes}
        response = client.post(f"/api/v1/projects/{project.id}/cycles", json=body, headers=headers)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert field in [error["field"] for error in response.get_json()["errors"]]
        assert db.session.query(PDSACycle).count() == 0

    def test_malformed_json_is_a_400(self, client, headers, project):
        response = client.post(f"/api/v1/projects/{project.id}/cycles", data="{not json",
                               headers={**headers, "Content-Type": "application/json"})
        assert response.status_code == 400

    def test_a_viewer_may_not_start_a_cycle(self, client, org, project):
        viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
        token, _ = create_token(viewer, "test")
        idea = factories.make_change_idea(project)
        response = client.post(f"/api/v1/projects/{project.id}/cycles", json={"title": "X", "change_idea": idea.id},
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 403
        assert db.session.query(PDSACycle).count() == 0

    def test_patient_like_text_is_saved_with_a_warning(self, client, headers, project):
        idea = factories.make_change_idea(project)
        body = {"title": "Rounding", "change_idea": idea.id, "objective": "Started after 9434765919 fell"}
        response = client.post(f"/api/v1/projects/{project.id}/cycles", json=body, headers=headers)
        assert response.status_code == 201
        assert [w["field"] for w in response.get_json()["warnings"]] == ["objective"]


class TestPatch:
    def test_fields_change_and_the_version_moves_on(self, client, headers, project):
        cycle = _cycle_at(project, Stage.PLAN)
        version = cycle.version
        response = client.patch(f"/api/v1/cycles/{cycle.id}", headers=headers,
                                json={"version": version, "objective": "Sharper", "stage": "do"})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert (body["objective"], body["stage"]) == ("Sharper", "do")
        assert body["version"] > version

    def test_a_stale_version_is_a_409_with_the_current_cycle(self, client, headers, project):
        cycle = _cycle_at(project, Stage.PLAN, title="Before")
        stale = cycle.version
        client.patch(f"/api/v1/cycles/{cycle.id}", json={"version": stale, "title": "Theirs"}, headers=headers)
        response = client.patch(f"/api/v1/cycles/{cycle.id}", json={"version": stale, "title": "Mine"},
                                headers=headers)
        assert response.status_code == 409
        assert response.get_json()["current"]["title"] == "Theirs"
        assert _reload(cycle).title == "Theirs"

    @pytest.mark.parametrize("stage, body, field", [
        (Stage.PLAN, {"stage": "do", "questions": [{"question": "Q", "prediction": ""}]}, "questions[0].prediction"),
        (Stage.PLAN, {"stage": "study"}, "stage"),
        (Stage.STUDY, {"stage": "act", "learning": "Works"}, "questions[0].result"),
        (Stage.ACT, {"stage": "done"}, "decision"),
        (Stage.ACT, {"decision": "maybe"}, "decision"),
        (Stage.DO, {"plan": {"who": "Someone else"}}, "plan"),
        (Stage.PLAN, {"change_idea": 999}, "change_idea"),
    ])
    def test_stage_rules_are_a_422_naming_the_field_and_change_nothing(self, client, headers, project, stage, body,
                                                                      field):
        cycle = _cycle_at(project, stage)
        version = cycle.version
        response = client.patch(f"/api/v1/cycles/{cycle.id}", json={"version": version, **body}, headers=headers)
        assert response.status_code == 422, response.get_json()
        assert [error["field"] for error in response.get_json()["errors"]] == [field]
        cycle = _reload(cycle)
        assert (cycle.stage, cycle.version) == (stage, version)

    def test_a_patch_without_a_version_is_refused(self, client, headers, project):
        cycle = _cycle_at(project, Stage.PLAN)
        response = client.patch(f"/api/v1/cycles/{cycle.id}", json={"title": "No version"}, headers=headers)
        assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "version"

    def test_finishing_through_the_api_updates_the_change_idea(self, client, headers, project):
        cycle = _cycle_at(project, Stage.ACT)
        response = client.patch(f"/api/v1/cycles/{cycle.id}", headers=headers,
                                json={"version": cycle.version, "decision": "adopt", "stage": "done"})
        assert response.get_json()["stage"] == "done"
        assert _reload(cycle).change_idea.status.value == "adopted"

    def test_another_organisations_cycle_is_not_found(self, client, headers, other_project):
        cycle = _cycle_at(other_project, Stage.PLAN, title="Theirs")
        response = client.patch(f"/api/v1/cycles/{cycle.id}", json={"version": cycle.version, "title": "Mine"},
                                headers=headers)
        assert response.status_code == 404
        assert _reload(cycle).title == "Theirs"


def test_the_openapi_document_describes_the_cycle_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = {op["operationId"]: op for path in document["paths"].values() for op in path.values()}
    assert {"list_cycles_get", "create_cycle_post", "get_cycle_get", "patch_cycle_patch"} <= set(operations)
    assert operations["patch_cycle_patch"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CycleChanges"}
    assert "version" in document["components"]["schemas"]["CycleChanges"]["required"]
