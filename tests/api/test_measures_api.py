"""Measures API: list and add measures, read and change one, read and upsert its points all-or-nothing."""

from __future__ import annotations

from datetime import date

import pytest

from impact_tracker.auth.services import create_token
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.measures import queries
from impact_tracker.measures.models import Measure

from .. import factories

NEW = {"name": "Falls per 1,000 bed days", "kind": "outcome", "definition": "Falls on Datix", "unit": "falls",
       "frequency": "weekly", "improvement_direction": "decrease", "target": 4, "chart": "xmr",
       "baseline_points": 12}


@pytest.fixture
def auth(member):
    token, _ = create_token(member, "test")
    return {"Authorization": f"Bearer {token}"}


def _saved(measure) -> list[tuple]:
    db.session.expire_all()
    return [(p.period, p.value, p.numerator, p.denominator) for p in queries.all_points(measure)]


class TestMeasures:
    def test_a_measure_is_added_and_read_back(self, client, auth, project):
        response = client.post(f"/api/v1/projects/{project.id}/measures", json=NEW, headers=auth)
        assert response.status_code == 201
        body = response.get_json()
        assert response.headers["Location"].endswith(f"/api/v1/measures/{body['id']}")
        assert {k: body[k] for k in NEW} == NEW
        assert (body["version"], body["rebase_at"], body["is_proportion"]) == (1, [], False)
        assert client.get(f"/api/v1/measures/{body['id']}", headers=auth).get_json() == body

    def test_the_list_is_paginated_outcome_first(self, client, auth, project):
        factories.make_measure(project, name="Balance", kind="balancing")
        factories.make_measure(project, name="Falls")
        body = client.get(f"/api/v1/projects/{project.id}/measures?per_page=1", headers=auth).get_json()
        assert ([m["name"] for m in body["items"]], body["total"], body["per_page"]) == (["Falls"], 2, 1)

    @pytest.mark.parametrize("changes, field", [
        ({"name": ""}, "name"), ({"kind": "structure"}, "kind"), ({"target": "four"}, "target"),
        ({"name": "x" * 161}, "name"), ({"is_proportion": "yes"}, "is_proportion"),
        ({"baseline_points": 1}, "baseline_points"), ({"is_proportion": True}, "numerator_definition"),
    ])
    def test_invalid_fields_are_a_422_naming_them_and_nothing_is_saved(self, client, auth, project, changes,
                                                                        field):
        response = client.post(f"/api/v1/projects/{project.id}/measures", json={**NEW, **changes}, headers=auth)
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert field in [e["field"] for e in response.get_json()["errors"]]
        assert db.session.query(Measure).count() == 0

    def test_malformed_json_is_a_400(self, client, auth, project):
        response = client.post(f"/api/v1/projects/{project.id}/measures", data="{not json",
                               content_type="application/json", headers=auth)
        assert response.status_code == 400

    def test_another_organisations_project_or_measure_is_a_404(self, client, auth, other_project):
        measure = factories.make_measure(other_project)
        assert client.post(f"/api/v1/projects/{other_project.id}/measures", json=NEW, headers=auth).status_code == 404
        assert client.get(f"/api/v1/measures/{measure.id}", headers=auth).status_code == 404
        assert client.get(f"/api/v1/measures/{measure.id}/points", headers=auth).status_code == 404

    def test_a_viewer_may_read_but_not_change(self, client, org, project):
        viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
        token, _ = create_token(viewer, "t")
        headers = {"Authorization": f"Bearer {token}"}
        measure = factories.make_measure(project)
        assert client.get(f"/api/v1/measures/{measure.id}", headers=headers).status_code == 200
        assert client.patch(f"/api/v1/measures/{measure.id}", json={"version": 1, "name": "x"},
                            headers=headers).status_code == 403
        assert client.post(f"/api/v1/projects/{project.id}/measures", json=NEW, headers=headers).status_code == 403

    def test_anonymous_calls_are_a_401(self, client, project):
        assert client.get(f"/api/v1/projects/{project.id}/measures").status_code == 401

    def test_patch_changes_only_what_is_sent(self, client, auth, project):
        measure = factories.make_measure(project, name="Falls", unit="falls")
        response = client.patch(f"/api/v1/measures/{measure.id}", json={"version": 1, "target": 3.5}, headers=auth)
        assert response.status_code == 200
        body = response.get_json()
        assert (body["name"], body["unit"], body["target"], body["version"]) == ("Falls", "falls", 3.5, 2)

    def test_patch_without_a_version_is_a_422(self, client, auth, project):
        measure = factories.make_measure(project)
        response = client.patch(f"/api/v1/measures/{measure.id}", json={"target": 3}, headers=auth)
        assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "version"

    def test_a_stale_version_is_a_409_with_the_current_measure(self, client, auth, project):
        measure = factories.make_measure(project, name="Falls")
        client.patch(f"/api/v1/measures/{measure.id}", json={"version": 1, "name": "Inpatient falls"}, headers=auth)
        response = client.patch(f"/api/v1/measures/{measure.id}", json={"version": 1, "name": "Mine"}, headers=auth)
        assert response.status_code == 409
        assert response.get_json()["current"]["name"] == "Inpatient falls"
        assert response.get_json()["current"]["version"] == 2


class TestPoints:
    def test_points_are_listed_oldest_first(self, client, auth, project):
        measure = factories.make_measure(project, values=[3, 4])
        body = client.get(f"/api/v1/measures/{measure.id}/points", headers=auth).get_json()
        assert body["items"] == [{"period": "2026-01-05", "value": 3.0, "annotation": ""},
                                 {"period": "2026-01-12", "value": 4.0, "annotation": ""}]
        assert body["total"] == 2

    def test_a_proportion_lists_numerator_denominator_and_percentage(self, client, auth, project):
        measure = factories.make_measure(project, proportions=[(1, 4)])
        [item] = client.get(f"/api/v1/measures/{measure.id}/points", headers=auth).get_json()["items"]
        assert item == {"period": "2026-01-05", "numerator": 1.0, "denominator": 4.0, "percentage": 25.0,
                        "annotation": ""}

    def test_put_upserts_by_period(self, client, auth, project):
        measure = factories.make_measure(project, values=[3, 4])
        points = [{"period": "2026-01-12", "value": 6}, {"period": "2026-01-19", "value": 1, "annotation": "Audit"}]
        response = client.put(f"/api/v1/measures/{measure.id}/points", json={"points": points}, headers=auth)
        assert response.status_code == 200
        assert response.get_json() == {"added": 1, "replaced": 1, "unchanged": 0, "total": 3}
        assert [row[1] for row in _saved(measure)] == [3.0, 6.0, 1.0]

    def test_what_get_returns_can_be_put_back_unchanged(self, client, auth, project):
        measure = factories.make_measure(project, proportions=[(1, 4), (2, 4)])
        items = client.get(f"/api/v1/measures/{measure.id}/points", headers=auth).get_json()["items"]
        response = client.put(f"/api/v1/measures/{measure.id}/points", json={"points": items}, headers=auth)
        assert response.get_json()["unchanged"] == 2

    def test_bad_rows_are_a_422_listing_each_and_nothing_is_saved(self, client, auth, project):
        measure = factories.make_measure(project, proportions=[(1, 4)])
        points = [{"period": "2026-01-12", "numerator": 1, "denominator": 2},
                  {"period": "12/01/2026", "numerator": 1, "denominator": 2},
                  {"period": "2026-01-26", "numerator": "one", "denominator": 2},
                  {"period": "2026-02-02", "numerator": 5, "denominator": 2},
                  {"numerator": 1, "denominator": 2}]
        response = client.put(f"/api/v1/measures/{measure.id}/points", json={"points": points}, headers=auth)
        assert response.status_code == 422
        fields = [e["field"] for e in response.get_json()["errors"]]
        assert fields == ["points[1].period", "points[2].numerator", "points[4].period"]
        assert _saved(measure) == [(date(2026, 1, 5), None, 1.0, 4.0)]

    def test_rule_breaking_rows_are_a_422_naming_the_row_and_field(self, client, auth, project):
        measure = factories.make_measure(project, proportions=[])
        points = [{"period": "2026-02-02", "numerator": 5, "denominator": 2},
                  {"period": "2026-02-09", "value": 50}, {"period": "2026-02-02", "numerator": 1, "denominator": 2}]
        response = client.put(f"/api/v1/measures/{measure.id}/points", json={"points": points}, headers=auth)
        assert response.status_code == 422
        errors = response.get_json()["errors"]
        assert [e["field"] for e in errors] == ["points[0].numerator", "points[1].value", "points[2].period"]
        assert errors[0]["message"] == "The numerator (5) is more than the denominator (2)."
        assert _saved(measure) == []

    def test_more_than_ten_thousand_rows_is_a_413(self, client, auth, project):
        measure = factories.make_measure(project)
        points = [{"period": "2026-01-05", "value": 1}] * 10_001
        response = client.put(f"/api/v1/measures/{measure.id}/points", json={"points": points}, headers=auth)
        assert response.status_code == 413
        assert _saved(measure) == []

    def test_a_body_without_a_points_list_is_a_422(self, client, auth, project):
        measure = factories.make_measure(project)
        response = client.put(f"/api/v1/measures/{measure.id}/points", json={"rows": []}, headers=auth)
        assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "points"


def test_the_openapi_document_describes_the_measure_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert set(paths["/api/v1/projects/{project_id}/measures"]) == {"get", "post"}
    assert set(paths["/api/v1/measures/{measure_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/measures/{measure_id}/points"]) == {"get", "put"}
    put = paths["/api/v1/measures/{measure_id}/points"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/DataPointUpsert")
    assert "Measure" in document["components"]["schemas"]
