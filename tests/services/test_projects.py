"""Project rules every caller gets: registration, versions, team, progress scores and the driver diagram."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from impact_tracker.core.errors import DomainError, PermissionDenied, VersionConflict
from impact_tracker.core.mixins import utcnow
from impact_tracker.core.permissions import Role
from impact_tracker.projects import services
from impact_tracker.projects.models import DriverKind, ProjectStatus, TeamRole

from .. import factories


def test_a_project_cannot_be_registered_in_another_organisation(member, other_org):
    with pytest.raises(PermissionDenied):
        services.create_project(other_org, services.ProjectInput(title="x", aim_what="y"), actor=member)


def test_a_unit_from_another_organisation_is_refused(member, org, other_org):
    foreign = factories.make_unit(other_org)
    with pytest.raises(DomainError) as err:
        services.create_project(org, services.ProjectInput(title="x", aim_what="y", unit_id=foreign.id), actor=member)
    assert err.value.field == "unit_id"


def test_saving_over_a_newer_version_raises_a_conflict(member, project):
    read = project.version
    services.update_project(project, services.ProjectInput(title="First", aim_what="a", version=read), actor=member)
    with pytest.raises(VersionConflict):
        services.update_project(project, services.ProjectInput(title="Second", aim_what="a", version=read),
                                actor=member)
    assert project.title == "First"


def test_progress_scores_must_be_on_the_scale_and_explained(member, project):
    with pytest.raises(DomainError, match="0.5 to 5.0"):
        services.set_progress_score(project, Decimal("5.5"), "why", actor=member)
    with pytest.raises(DomainError, match="why"):
        services.set_progress_score(project, Decimal("3.5"), "  ", actor=member)
    entry = services.set_progress_score(project, Decimal("3.5"), "Improvement seen", actor=member)
    assert entry.label == "Improvement" and project.current_score is entry


@pytest.mark.parametrize("status, days_since, stale", [
    (ProjectStatus.ACTIVE, None, True), (ProjectStatus.ACTIVE, 89, False), (ProjectStatus.ACTIVE, 91, True),
    (ProjectStatus.COMPLETED, 400, False), (ProjectStatus.ON_HOLD, None, False),
])
def test_a_score_is_stale_only_for_active_projects_unchanged_for_90_days(member, org, status, days_since, stale):
    project = factories.make_project(org, status=status)
    if days_since is not None:
        entry = services.set_progress_score(project, Decimal("2.0"), "x", actor=member)
        entry.set_at = utcnow() - timedelta(days=days_since)
    assert services.score_is_stale(project) is stale


def test_team_members_come_from_the_projects_organisation(member, org, other_org, project):
    with pytest.raises(DomainError, match="Choose someone in this organisation"):
        services.add_team_member(project, factories.make_user(other_org).id, TeamRole.MEMBER, actor=member)
    inactive = factories.make_user(org, active=False)
    with pytest.raises(DomainError):
        services.add_team_member(project, inactive.id, TeamRole.MEMBER, actor=member)


def test_secondary_drivers_and_change_ideas_link_only_within_the_project(member, org, project):
    primary = services.save_driver(project, services.DriverInput(DriverKind.PRIMARY, "Reliable care"), actor=member)
    other_project = factories.make_project(org)
    elsewhere = services.save_driver(other_project, services.DriverInput(DriverKind.PRIMARY, "Other"), actor=member)
    with pytest.raises(DomainError):
        services.save_driver(project, services.DriverInput(DriverKind.SECONDARY, "x", (elsewhere.id,)), actor=member)
    secondary = services.save_driver(project, services.DriverInput(DriverKind.SECONDARY, "Checklists",
                                                                   (primary.id,)), actor=member)
    assert secondary.primaries == [primary]
    with pytest.raises(DomainError, match="secondary drivers"):
        services.save_change_idea(project, services.ChangeIdeaInput("Idea", driver_ids=(primary.id,)), actor=member)
    idea = services.save_change_idea(project, services.ChangeIdeaInput("Idea", driver_ids=(secondary.id,)),
                                     actor=member)
    assert idea.drivers == [secondary]


def test_executives_can_contribute_but_system_viewers_cannot(org, project):
    executive = factories.make_user(org, Role.EXECUTIVE)
    services.set_progress_score(project, Decimal("1.0"), "Chartered", actor=executive)
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
    with pytest.raises(PermissionDenied):
        services.update_project(project, services.ProjectInput(title="x", aim_what="y"), actor=viewer)


def test_the_expected_end_cannot_come_before_the_start(member, org):
    with pytest.raises(DomainError) as err:
        services.create_project(org, services.ProjectInput(title="x", aim_what="y", start_date=date(2026, 5, 1),
                                                           expected_end_date=date(2026, 4, 1)), actor=member)
    assert err.value.field == "expected_end_date"
