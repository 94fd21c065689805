"""GET /api/v1/self-assessments and /{id}: what each role sees, levels for all allowed, evidence only for insiders."""

from __future__ import annotations

import pytest

from impact_tracker.assessment import services
from impact_tracker.auth.services import create_token
from impact_tracker.core.permissions import Role

from .. import factories


def _headers(user) -> dict:
    token, _ = create_token(user, "test")
    return {"Authorization": f"Bearer {token}"}


def _final(organisation, lead, label, *, shared, level=3):
    assessment = services.start_assessment(organisation, services.NewAssessment(period_label=label), actor=lead)
    for response in assessment.responses:
        services.save_response(response, services.ResponseInput(level, "Quality committee minutes"), actor=lead)
    services.finalise(assessment, actor=lead)
    services.set_sharing(assessment, shared, actor=lead)
    return assessment


@pytest.fixture
def assessments(org, leader):
    return {"shared": _final(org, leader, "2024/25", shared=True, level=2),
            "private": _final(org, leader, "2025/26", shared=False, level=4)}


def test_members_list_all_their_organisations_assessments_with_levels(client, member, assessments):
    body = client.get("/api/v1/self-assessments", headers=_headers(member)).get_json()
    assert body["total"] == 2 and body["page"] == 1
    periods = {item["period"]: item for item in body["items"]}
    assert set(periods) == {"2024/25", "2025/26"}
    first = periods["2025/26"]["components"][0]
    assert (first["component"], first["level"], first["level_label"]) == (
        "building_shared_purpose_vision", 4, "Established")


@pytest.mark.parametrize("role", [Role.SYSTEM_VIEWER, Role.REGION_VIEWER, Role.NATIONAL_ADMIN])
def test_outsiders_list_only_shared_final_assessments(client, org, assessments, role):
    scope = {Role.SYSTEM_VIEWER: {"system": org.system}, Role.REGION_VIEWER: {"region": org.system.region}}
    viewer = factories.make_user(None, role, **scope.get(role, {}))
    body = client.get("/api/v1/self-assessments", headers=_headers(viewer)).get_json()
    assert [item["period"] for item in body["items"]] == ["2024/25"]
    detail = client.get(f"/api/v1/self-assessments/{assessments['shared'].id}", headers=_headers(viewer)).get_json()
    assert detail["components"][0]["level"] == 2
    assert "responses" not in detail and "actions" not in detail
    private = client.get(f"/api/v1/self-assessments/{assessments['private'].id}", headers=_headers(viewer))
    assert private.status_code == 404


def test_insiders_get_evidence_in_the_detail(client, member, assessments):
    detail = client.get(f"/api/v1/self-assessments/{assessments['private'].id}", headers=_headers(member)).get_json()
    assert detail["responses"][0]["evidence"] == "Quality committee minutes"
    assert [level["label"] for level in detail["scale"]][0] == "Not started"


def test_another_organisation_cannot_see_a_private_assessment(client, other_org, assessments):
    stranger = factories.make_user(other_org)
    response = client.get(f"/api/v1/self-assessments/{assessments['private'].id}", headers=_headers(stranger))
    assert response.status_code == 404
    assert client.get("/api/v1/self-assessments", headers=_headers(stranger)).get_json()["total"] == 0


def test_a_bad_page_size_is_a_422_and_no_token_is_a_401(client, member):
    response = client.get("/api/v1/self-assessments?per_page=0", headers=_headers(member))
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "per_page"
    assert client.get("/api/v1/self-assessments").status_code == 401


def test_the_openapi_document_lists_both_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/self-assessments" in paths and "/api/v1/self-assessments/{assessment_id}" in paths
