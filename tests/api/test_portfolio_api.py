"""The portfolio endpoints: one organisation's figures, and a system's rows with small counts suppressed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from impact_tracker.auth.services import create_token
from impact_tracker.capability import services as capability
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.projects.models import ProgressScore

from .. import factories


def _headers(user) -> dict:
    token, _ = create_token(user, "tests")
    return {"Authorization": f"Bearer {token}"}


def _train(organisation, count: int) -> None:
    tier = capability.ensure_tiers(organisation)[3]
    capability.import_records(organisation, "\n".join(f"R{n},Coach,Coaching,2026-01-05" for n in range(count)),
                              actor=None)
    assert tier.is_coach_tier


@pytest.fixture
def figures(org, leader):
    project = factories.make_project(org)
    db.session.add(ProgressScore(project=project, score=Decimal("2.5"), note="n"))
    db.session.commit()
    factories.make_cycle(project, start=date.today() - timedelta(days=3))
    factories.make_measure(project, name="Falls", values=[5, 6, 5, 7])
    _train(org, 3)
    capability.set_headcount(org, capability.HeadcountInput(date(2026, 1, 1), 300), actor=leader)
    return project


def test_an_organisation_sees_its_own_portfolio_unsuppressed(client, member, org, figures):
    response = client.get(f"/api/v1/organisations/{org.code.lower()}/portfolio", headers=_headers(member))
    assert response.status_code == 200
    body = response.get_json()
    assert body["organisation"] == {"code": org.code, "name": org.name}
    assert body["projects_by_status"] == {"active": 1} and body["mean_progress_score"] == 2.5
    assert body["pdsa_cycles"] == 1 and len(body["cycles_by_month"]) == 12
    assert body["people_trained"] == 3 and body["coaches"] == {"trained": 3, "active": 0}
    assert body["trained_share_percent"] == 1.0
    assert [t["people"] for t in body["capability_by_tier"]] == [0, 0, 0, 3, 0]
    assert body["measures"][0]["name"] == "Falls" and body["self_assessment"] is None


def test_another_organisations_portfolio_is_404(client, member, other_org):
    response = client.get(f"/api/v1/organisations/{other_org.code}/portfolio", headers=_headers(member))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_the_system_portfolio_has_a_row_per_organisation_with_small_counts_suppressed(client, org, figures):
    sibling = factories.make_org(system=org.system)
    _train(sibling, 9)
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
    body = client.get(f"/api/v1/systems/{org.system.code}/portfolio?months=3", headers=_headers(viewer)).get_json()
    assert body["system"]["code"] == org.system.code and body["months"] == 3 and body["suppressed_below"] == 8
    rows = {row["organisation"]["code"]: row for row in body["organisations"]}
    assert rows[org.code]["people_trained"] == "<8" and rows[org.code]["trained_share_percent"] is None
    assert rows[sibling.code]["people_trained"] == 9 and rows[sibling.code]["coaches"]["trained"] == 9
    assert rows[org.code]["active_projects"] == 1


def test_organisation_staff_cannot_read_a_system_portfolio(client, member, org):
    assert client.get(f"/api/v1/systems/{org.system.code}/portfolio", headers=_headers(member)).status_code == 404


def test_an_unknown_period_is_a_422(client, admin, org):
    response = client.get(f"/api/v1/systems/{org.system.code}/portfolio?months=5", headers=_headers(admin))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "months"


def test_without_a_token_the_answer_is_401(client, org):
    assert client.get(f"/api/v1/organisations/{org.code}/portfolio").status_code == 401


def test_both_endpoints_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    organisation = document["paths"]["/api/v1/organisations/{code}/portfolio"]["get"]
    system = document["paths"]["/api/v1/systems/{code}/portfolio"]["get"]
    assert organisation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "OrganisationPortfolio")
    assert system["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("SystemPortfolio")
    assert "SystemPortfolio" in document["components"]["schemas"]
