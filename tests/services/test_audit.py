"""The audit log records who created, changed, deleted and exported what, without the values."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from impact_tracker.audit.models import AuditEvent
from impact_tracker.audit.services import record_export
from impact_tracker.extensions import db
from impact_tracker.projects import services as projects

from .. import factories
from ..conftest import get_page


def _events(organisation_id: int) -> list[tuple[str, str]]:
    query = select(AuditEvent.action, AuditEvent.object_type).where(AuditEvent.organisation_id == organisation_id)
    return [tuple(row) for row in db.session.execute(query.order_by(AuditEvent.id))]


def test_creating_and_changing_a_project_is_logged_with_the_fields_not_the_values(org, member):
    project = projects.create_project(org, projects.ProjectInput(title="Secret title", aim_what="x"), actor=member)
    projects.update_project(project, projects.ProjectInput(title="Another title", aim_what="x"), actor=member)
    assert ("created", "Project") in _events(org.id)
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "changed"))
    assert change.object_id == project.id and change.summary == "changed title"
    assert "Secret" not in change.summary and "Another" not in change.summary


def test_deleting_is_logged(org, member, project):
    idea = factories.make_change_idea(project)
    db.session.delete(idea)
    db.session.commit()
    assert ("deleted", "ChangeIdea") in _events(org.id)


def test_many_records_saved_together_make_one_line(org, project):
    factories.make_measure(project, values=list(range(40)))
    created_points = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "DataPoint")).all()
    assert len(created_points) == 1 and created_points[0].summary.startswith("40 records")


def test_a_signed_in_users_change_names_them_and_exports_are_logged(app, client, login_as, member, project):
    login_as(member)
    client.post(f"/projects/{project.id}/progress", data={"score": "2.0", "note": "Started testing"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "ProgressScore"))
    assert event.actor_id == member.id and event.organisation_id == project.organisation_id
    with app.test_request_context():
        record_export(project.organisation_id, "Measure data (CSV)")
    assert ("exported", "Export") in _events(project.organisation_id)


def test_the_lead_reads_the_log_and_frontline_staff_cannot(client, login_as, leader, member, org):
    projects.set_progress_score(factories.make_project(org), Decimal("1.0"), "Chartered", actor=member)
    login_as(member)
    get_page(client, "orgs.audit", _expected_status=403)
    client.post("/sign-out")
    login_as(leader)
    text = get_page(client, "orgs.audit").get_text()
    assert "ProgressScore" in text and "Created" in text
