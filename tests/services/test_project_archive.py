"""Archiving and restoring projects: who may, what it hides, and that an archived project cannot change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from impact_tracker.audit.models import AuditEvent
from impact_tracker.core.errors import DomainError, PermissionDenied, VersionConflict
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.measures.models import MeasureKind, Rebase
from impact_tracker.measures.services.data import PointInput, delete_data_point, import_points, record_data_point
from impact_tracker.measures.services.definitions import (
    MeasureInput,
    RebaseInput,
    add_rebase,
    create_measure,
    remove_rebase,
)
from impact_tracker.pdsa import services as pdsa
from impact_tracker.projects import queries, services
from impact_tracker.projects.models import DriverKind

from .. import factories


def _listed(user) -> list[str]:
    return [p.title for p in db.session.scalars(queries.projects_query(user, queries.ProjectFilters()))]


def test_a_contributor_archives_a_project_which_leaves_the_list_and_is_logged(project, member):
    services.archive_project(project, actor=member, version=project.version)

    assert project.archived_at is not None
    assert _listed(member) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "Project",
                                                       AuditEvent.action == "changed"))
    assert event.summary == "changed archived_at" and event.object_id == project.id


def test_archiving_keeps_everything_in_the_project(project, member):
    measure = factories.make_measure(project, values=[3, 4, 5])
    factories.make_cycle(project)

    services.archive_project(project, actor=member)

    assert [len(m.points) for m in [measure]] == [3]
    assert db.session.get(type(project), project.id).archived_at is not None


def test_only_people_who_may_edit_the_project_may_archive_it(project, org):
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
    with pytest.raises(PermissionDenied):
        services.archive_project(project, actor=viewer)
    assert project.archived_at is None


def test_archiving_twice_or_from_a_stale_page_is_refused(project, member):
    with pytest.raises(VersionConflict):
        services.archive_project(project, actor=member, version=project.version + 1)
    services.archive_project(project, actor=member)
    with pytest.raises(DomainError, match="already archived"):
        services.archive_project(project, actor=member)


def test_the_organisation_lead_restores_an_archived_project(project, member, leader):
    services.archive_project(project, actor=member)

    services.restore_project(project, actor=leader, version=project.version)

    assert project.archived_at is None
    assert _listed(member) == ["Reduce falls on Ward 7"]


def test_only_leads_may_restore_and_only_an_archived_project(project, member, leader):
    with pytest.raises(DomainError, match="not archived"):
        services.restore_project(project, actor=leader)
    services.archive_project(project, actor=member)
    with pytest.raises(PermissionDenied):
        services.restore_project(project, actor=member)
    assert project.archived_at is not None


def test_the_archived_list_holds_only_the_organisations_archived_projects(project, other_project, member):
    factories.make_project(project.organisation, title="Still running")
    services.archive_project(project, actor=member)
    other_project.archived_at = project.archived_at
    db.session.commit()

    assert [p.title for p in queries.archived_projects(project.organisation)] == ["Reduce falls on Ward 7"]


def _changes(project, member):
    """Every kind of change to an archived project's content, from each domain's services."""
    measure = factories.make_measure(project, name="Falls", values=[3, 4, 5, 6])
    rebase = Rebase(measure_id=measure.id, period=measure.points[2].period, reason="New mattresses")
    db.session.add(rebase)
    db.session.commit()
    idea = factories.make_change_idea(project)
    cycle = factories.make_cycle(project, change_idea=idea)
    point = PointInput(period=date(2030, 1, 6), value=2.0)
    return {
        "edit the project": lambda: services.update_project(project, services.ProjectInput(
            title="New", aim_what="x"), actor=member),
        "set the progress score": lambda: services.set_progress_score(project, Decimal("2.0"), "why", actor=member),
        "add a driver": lambda: services.save_driver(project, services.DriverInput(DriverKind.PRIMARY, "Staff"),
                                                     actor=member),
        "add a change idea": lambda: services.save_change_idea(project, services.ChangeIdeaInput("Idea"),
                                                               actor=member),
        "add a measure": lambda: create_measure(project, MeasureInput("Harm", MeasureKind.OUTCOME), actor=member),
        "record a point": lambda: record_data_point(measure, point, actor=member),
        "import points": lambda: import_points(measure, [point], actor=member),
        "delete a point": lambda: delete_data_point(measure.points[0], actor=member),
        "rebase": lambda: add_rebase(measure, RebaseInput(measure.points[1].period, "Why"), actor=member),
        "remove a rebase": lambda: remove_rebase(rebase, actor=member),
        "start a cycle": lambda: pdsa.start_cycle(project, pdsa.NewCycle("Try", None), actor=member),
        "save a plan": lambda: pdsa.save_plan(cycle, pdsa.PlanInput("T", "O", (), pdsa.PlanFields()), actor=member),
    }


CHANGES = ["edit the project", "set the progress score", "add a driver", "add a change idea", "add a measure",
           "record a point", "import points", "delete a point", "rebase", "remove a rebase", "start a cycle",
           "save a plan"]


@pytest.mark.parametrize("change", CHANGES)
def test_nothing_in_an_archived_project_can_be_changed(project, member, change):
    attempt = _changes(project, member)[change]
    services.archive_project(project, actor=member)
    before = db.session.scalar(select(db.func.count(AuditEvent.id)))

    with pytest.raises(services.ProjectArchived, match="This project is archived"):
        attempt()

    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == before
