"""Gemba walk use cases: saving a walk idempotently, conflicts, follow-up of actions, taking ideas forward, figures."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import event

from impact_tracker.core.errors import DomainError, NotFound, PermissionDenied, VersionConflict
from impact_tracker.core.mixins import utcnow
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.gemba import queries, services
from impact_tracker.gemba.models import ActionStatus, ConcernCategory, GembaWalk, StaffRole, WalkAction, WalkType
from impact_tracker.gemba.services import (
    ActionInput,
    ActionUpdate,
    ConcernInput,
    StaffRoleInput,
    TakeForward,
    WalkInput,
)
from impact_tracker.projects.models import ChangeIdea, Project, ProjectStatus

from .. import factories

TODAY = date.today()


def walk_input(owner, **changes) -> WalkInput:
    """A full walk: two roles, a concern, an idea and one open action owned by `owner`."""
    base = WalkInput(
        walked_on=TODAY - timedelta(days=3), walk_type=WalkType.SAFETY, start_time=time(10, 30),
        staff_roles=(StaffRoleInput(StaffRole.NURSE, 3), StaffRoleInput(StaffRole.DOCTOR, 1)),
        observations="Busy morning; board up to date", went_well="Huddle at 9 was quick and clear",
        concerns=(ConcernInput(ConcernCategory.EQUIPMENT, "Only one working hoist for the bay"),),
        ideas="Label the spare hoist batteries\nMove the huddle board nearer the station",
        actions=(ActionInput("Order a second hoist", owner.email, TODAY + timedelta(days=14)),),
    )
    return replace(base, **changes)


def make_walk(organisation, actor, *, client_id: str | None = None, **changes) -> GembaWalk:
    """A saved walk in `organisation`, recorded by `actor` (who also owns its action)."""
    return services.save_walk(organisation, client_id or str(uuid.uuid4()), walk_input(actor, **changes),
                              actor=actor).walk


def _walk_count() -> int:
    return db.session.query(GembaWalk).count()


class TestSaveWalk:
    def test_a_new_walk_is_created_with_its_rows_and_the_actor_as_leader(self, org, member):
        saved = services.save_walk(org, str(uuid.uuid4()), walk_input(member), actor=member)
        walk = saved.walk
        assert saved.created and walk.version == 1
        assert [u.name for u in walk.leaders] == [member.name]
        assert [(r.role, r.count) for r in walk.staff_roles] == [(StaffRole.NURSE, 3), (StaffRole.DOCTOR, 1)]
        assert walk.staff_spoken_with == 4
        assert [(a.what, a.owner, a.status) for a in walk.actions] == [("Order a second hoist", member,
                                                                          ActionStatus.OPEN)]

    def test_sending_the_same_walk_again_makes_no_second_walk_and_no_new_version(self, org, member):
        client_id = str(uuid.uuid4())
        services.save_walk(org, client_id, walk_input(member), actor=member)
        again = services.save_walk(org, client_id, walk_input(member), actor=member)
        assert not again.created
        assert _walk_count() == 1 and again.walk.version == 1

    def test_a_change_sent_with_the_current_version_is_saved_and_moves_the_version_on(self, org, member):
        walk = make_walk(org, member)
        changed = walk_input(member, concerns=(), observations="Quieter", version=1)
        services.save_walk(org, walk.client_id, changed, actor=member)
        assert walk.observations == "Quieter" and walk.concerns == [] and walk.version == 2

    def test_a_retry_of_a_change_already_saved_is_accepted_even_with_the_old_version(self, org, member):
        walk = make_walk(org, member)
        changed = walk_input(member, observations="Quieter", version=1)
        services.save_walk(org, walk.client_id, changed, actor=member)
        services.save_walk(org, walk.client_id, changed, actor=member)
        assert walk.version == 2

    @pytest.mark.parametrize("version", [None, 1])
    def test_a_different_walk_sent_without_the_current_version_is_a_conflict(self, org, member, version):
        walk = make_walk(org, member)
        services.save_walk(org, walk.client_id, walk_input(member, observations="Elsewhere", version=1),
                           actor=member)
        with pytest.raises(VersionConflict) as caught:
            services.save_walk(org, walk.client_id, walk_input(member, observations="Tablet", version=version),
                               actor=member)
        assert caught.value.current.observations == "Elsewhere"
        db.session.refresh(walk)
        assert walk.observations == "Elsewhere"

    def test_another_organisations_client_id_is_not_found_and_left_alone(self, org, other_org, member):
        theirs = make_walk(other_org, factories.make_user(other_org))
        with pytest.raises(NotFound):
            services.save_walk(org, theirs.client_id, walk_input(member), actor=member)
        assert theirs.organisation_id == other_org.id

    def test_viewers_cannot_record_walks(self, org):
        viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
        with pytest.raises(PermissionDenied):
            services.save_walk(org, str(uuid.uuid4()), walk_input(viewer), actor=viewer)

    @pytest.mark.parametrize("changes, field", [
        ({"walked_on": None}, "date"),
        ({"concerns": (ConcernInput(ConcernCategory.IT, "  "),)}, "concerns[0].text"),
        ({"staff_roles": (StaffRoleInput(StaffRole.NURSE, 0),)}, "staff_roles[0].count"),
        ({"staff_roles": (StaffRoleInput(StaffRole.NURSE, 1), StaffRoleInput(StaffRole.NURSE, 2))},
         "staff_roles[1].role"),
        ({"leaders": ("nobody@elsewhere.example",)}, "leaders[0]"),
        ({"projects": (999,)}, "projects[0]"),
        ({"change_ideas": (999,)}, "change_ideas[0]"),
        ({"unit_id": 999}, "unit"),
    ])
    def test_rule_errors_name_the_field_and_save_nothing(self, org, member, changes, field):
        with pytest.raises(DomainError) as caught:
            services.save_walk(org, str(uuid.uuid4()), walk_input(member, **changes), actor=member)
        assert caught.value.field == field
        assert _walk_count() == 0

    @pytest.mark.parametrize("action, field", [
        (ActionInput("", "OWNER", TODAY), "actions[0].what"),
        (ActionInput("Fix it", "OWNER", None), "actions[0].due"),
        (ActionInput("Fix it", "someone@else.example", TODAY), "actions[0].owner"),
        (ActionInput("Fix it", "OWNER", TODAY, fed_back_how="At the huddle"), "actions[0].fed_back_on"),
        (ActionInput("Fix it", "OWNER", TODAY, fed_back_on=TODAY + timedelta(days=1)), "actions[0].fed_back_on"),
    ])
    def test_action_errors_name_the_action_and_its_field(self, org, member, action, field):
        action = replace(action, owner=member.email) if action.owner == "OWNER" else action
        with pytest.raises(DomainError) as caught:
            services.save_walk(org, str(uuid.uuid4()), walk_input(member, actions=(action,)), actor=member)
        assert caught.value.field == field

    def test_a_client_id_that_is_not_a_uuid_is_refused(self, org, member):
        with pytest.raises(DomainError) as caught:
            services.save_walk(org, "walk-1", walk_input(member), actor=member)
        assert caught.value.field == "client_id"


class TestUpdateAction:
    def test_recording_feedback_closes_the_loop_and_moves_the_walks_version_on(self, org, member):
        walk = make_walk(org, member)
        action = walk.actions[0]
        services.update_action(action, ActionUpdate(ActionStatus.DONE, TODAY, "Told the team at the huddle", 1),
                               actor=member)
        assert (action.status, action.fed_back_on, action.fed_back_how) == (
            ActionStatus.DONE, TODAY, "Told the team at the huddle")
        assert walk.version == 2

    def test_a_stale_version_is_a_conflict(self, org, member):
        action = make_walk(org, member).actions[0]
        services.update_action(action, ActionUpdate(ActionStatus.IN_PROGRESS, version=1), actor=member)
        with pytest.raises(VersionConflict):
            services.update_action(action, ActionUpdate(ActionStatus.DONE, version=1), actor=member)
        assert action.status is ActionStatus.IN_PROGRESS

    def test_a_method_without_a_date_is_refused(self, org, member):
        action = make_walk(org, member).actions[0]
        with pytest.raises(DomainError) as caught:
            services.update_action(action, ActionUpdate(ActionStatus.DONE, None, "Email to the ward"), actor=member)
        assert caught.value.field == "fed_back_on"


class TestTakeForward:
    def test_a_concern_becomes_a_proposed_project_linked_to_the_walk(self, org, member):
        walk = make_walk(org, member)
        key = services.forward_sources(walk)[0][0]
        project = services.take_forward(walk, TakeForward(key, "project"), actor=member)
        assert project.title == "Only one working hoist for the bay"
        assert project.status is ProjectStatus.PROPOSED and project.organisation_id == org.id
        assert "Only one working hoist" in project.problem
        assert walk.projects == [project]

    def test_an_idea_line_becomes_a_change_idea_on_a_chosen_project(self, org, member, project):
        walk = make_walk(org, member)
        assert services.forward_sources(walk)[1:] == [("idea-1", "Label the spare hoist batteries"),
                                                      ("idea-2", "Move the huddle board nearer the station")]
        idea = services.take_forward(walk, TakeForward("idea-2", "change_idea", project_id=project.id),
                                     actor=member)
        assert isinstance(idea, ChangeIdea) and idea.project == project
        assert idea.text == "Move the huddle board nearer the station"
        assert walk.change_ideas == [idea] and walk.projects == [project]

    def test_a_project_from_another_organisation_is_refused(self, org, member, other_project):
        walk = make_walk(org, member)
        with pytest.raises(DomainError) as caught:
            services.take_forward(walk, TakeForward("idea-1", "change_idea", project_id=other_project.id),
                                  actor=member)
        assert caught.value.field == "project_id"
        assert db.session.query(ChangeIdea).count() == 0

    def test_an_archived_project_cannot_take_a_change_idea(self, org, member, project):
        walk = make_walk(org, member)
        project.archived_at = utcnow()
        db.session.commit()
        with pytest.raises(DomainError) as caught:
            services.take_forward(walk, TakeForward("idea-1", "change_idea", project_id=project.id), actor=member)
        assert caught.value.field == "project_id"
        assert db.session.query(ChangeIdea).count() == 0

    def test_an_unknown_source_is_refused(self, org, member):
        walk = make_walk(org, member)
        with pytest.raises(DomainError) as caught:
            services.take_forward(walk, TakeForward("idea-9", "project"), actor=member)
        assert caught.value.field == "source"
        assert db.session.query(Project).count() == 0


class TestFigures:
    def _walk_with_actions(self, organisation, owner, statuses_and_due):
        actions = tuple(ActionInput(f"Action {i}", owner.email, due, status, fed_back_on=fed)
                        for i, (status, due, fed) in enumerate(statuses_and_due))
        return make_walk(organisation, owner, walked_on=TODAY - timedelta(days=30), actions=actions)

    def test_walk_figures_add_up_per_organisation_in_two_queries(self, app, org, other_org, member):
        other_member = factories.make_user(other_org)
        empty_org = factories.make_org()
        past, future = TODAY - timedelta(days=2), TODAY + timedelta(days=5)
        self._walk_with_actions(org, member, [(ActionStatus.OPEN, past, None),
                                              (ActionStatus.IN_PROGRESS, future, None),
                                              (ActionStatus.DONE, past, TODAY)])
        self._walk_with_actions(org, member, [(ActionStatus.ESCALATED, past, TODAY)])
        self._walk_with_actions(other_org, other_member, [])
        ids = [org.id, other_org.id, empty_org.id]
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        figures = queries.walk_figures(ids)
        assert len(statements) == 2
        assert figures[org.id] == queries.WalkFigures(walks=2, actions=4, open_actions=3, overdue_actions=2,
                                                      fed_back_share=0.5)
        assert figures[other_org.id] == queries.WalkFigures(1, 0, 0, 0, None)
        assert figures[empty_org.id] == queries.EMPTY_FIGURES

    def test_my_actions_lists_only_the_owners_unfinished_actions_soonest_first(self, org, member, leader):
        soon, later = TODAY + timedelta(days=1), TODAY + timedelta(days=9)
        actions = (ActionInput("Later", member.email, later), ActionInput("Soon", member.email, soon),
                   ActionInput("Done", member.email, soon, ActionStatus.DONE),
                   ActionInput("Not mine", leader.email, soon))
        make_walk(org, member, actions=actions)
        assert [a.what for a in queries.my_actions(member)] == ["Soon", "Later"]
        assert db.session.query(WalkAction).count() == 4
