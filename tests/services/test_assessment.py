"""Self-assessment services and queries: frameworks, starting, responding, finalising, sharing, roll-up levels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from impact_tracker.assessment import queries, services
from impact_tracker.assessment.framework import load_default_framework
from impact_tracker.assessment.models import ActionStatus, AssessmentStatus, Response, SelfAssessment
from impact_tracker.core.errors import DomainError, PermissionDenied, VersionConflict
from impact_tracker.core.impact import ImpactComponent
from impact_tracker.core.mixins import utcnow
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.projects.models import ProjectComponent, TeamMember, TeamRole

from .. import factories

SLUGS = [component.value for component in ImpactComponent]


def start(organisation, actor, label="2025/26", **fields) -> SelfAssessment:
    return services.start_assessment(organisation, services.NewAssessment(period_label=label, **fields), actor=actor)


def answer_all(assessment: SelfAssessment, actor, levels: dict[str, int] | None = None, default: int = 3) -> None:
    for response in assessment.responses:
        level = (levels or {}).get(response.statement.component.slug.value, default)
        services.save_response(response, services.ResponseInput(level, f"Evidence for {response.statement.key}"),
                               actor=actor)


def final_assessment(organisation, actor, label="2025/26", *, shared=False, levels=None, default=3, when=None):
    assessment = start(organisation, actor, label)
    answer_all(assessment, actor, levels, default)
    services.finalise(assessment, actor=actor)
    if when is not None:
        assessment.finalised_at = when
        db.session.commit()
    if shared:
        services.set_sharing(assessment, True, actor=actor)
    return assessment


class TestFrameworks:
    def test_the_default_framework_is_loaded_once_when_first_needed(self, app):
        first = services.ensure_default_framework()
        again = services.ensure_default_framework()
        assert first.id == again.id and first.is_default
        assert [c.slug.value for c in first.components] == SLUGS
        assert [level.ordinal for level in first.levels] == [1, 2, 3, 4, 5]

    def test_an_imported_framework_becomes_the_default_and_older_assessments_keep_theirs(self, org, leader):
        old = start(org, leader)
        spec = load_default_framework()
        newer = services.import_framework(type(spec)(**{**spec.__dict__, "version": "2027.1"}))
        assert queries.default_framework().id == newer.id
        assert old.framework.version == "2026.1"

    def test_the_same_name_and_version_cannot_be_loaded_twice(self, app):
        services.ensure_default_framework()
        with pytest.raises(DomainError, match="already loaded"):
            services.import_framework(load_default_framework())


class TestStart:
    def test_a_lead_starts_a_draft_with_a_blank_response_per_statement(self, org, leader):
        assessment = start(org, leader, with_board=True, with_lived_experience=True)
        assert assessment.status is AssessmentStatus.DRAFT
        assert len(assessment.responses) == 20
        assert all(r.level is None and r.evidence == "" for r in assessment.responses)
        assert assessment.participant_labels == ["The board", "People with lived experience"]

    def test_frontline_staff_cannot_start_one(self, org, member):
        with pytest.raises(PermissionDenied):
            start(org, member)

    def test_only_one_draft_at_a_time(self, org, leader):
        start(org, leader)
        with pytest.raises(DomainError, match="still a draft") as err:
            start(org, leader, label="2026/27")
        assert err.value.field == "period_label"

    def test_a_period_label_is_used_once(self, org, leader):
        final_assessment(org, leader)
        with pytest.raises(DomainError, match="already an assessment with this period"):
            start(org, leader)

    def test_the_period_cannot_end_before_it_starts(self, org, leader):
        with pytest.raises(DomainError) as err:
            start(org, leader, period_start=date(2026, 4, 1), period_end=date(2026, 3, 1))
        assert err.value.field == "period_end"

    def test_a_new_period_can_start_from_the_last_final_answers(self, org, leader):
        final_assessment(org, leader, levels={SLUGS[0]: 4}, default=2)
        following = start(org, leader, label="2026/27", prefill=True)
        first = next(r for r in following.responses if r.statement.key == "purpose-1")
        assert (first.level, first.evidence) == (4, "Evidence for purpose-1")
        assert following.framework_id == first.statement.component.framework_id


class TestRespond:
    def test_any_contributor_saves_a_statement_and_who_did_it_is_kept(self, org, leader, member):
        response = start(org, leader).responses[0]
        services.save_response(response, services.ResponseInput(2, "Board minutes, May", response.version),
                               actor=member)
        db.session.refresh(response)
        assert (response.level, response.evidence, response.updated_by_id) == (2, "Board minutes, May", member.id)
        assert response.version == 2

    def test_a_stale_version_is_refused_and_the_saved_text_is_kept(self, org, leader, member):
        response = start(org, leader).responses[0]
        services.save_response(response, services.ResponseInput(2, "First", 1), actor=member)
        with pytest.raises(VersionConflict) as err:
            services.save_response(response, services.ResponseInput(4, "Second", 1), actor=leader)
        assert err.value.current.evidence == "First"
        db.session.refresh(response)
        assert (response.level, response.evidence) == (2, "First")

    def test_a_level_off_the_scale_is_refused(self, org, leader):
        response = start(org, leader).responses[0]
        with pytest.raises(DomainError, match="Choose one of the levels"):
            services.save_response(response, services.ResponseInput(9, ""), actor=leader)

    def test_viewers_outside_the_organisation_cannot_respond(self, org, leader):
        viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
        response = start(org, leader).responses[0]
        with pytest.raises(PermissionDenied):
            services.save_response(response, services.ResponseInput(2, ""), actor=viewer)


class TestFinalise:
    def test_finalising_fixes_the_lower_median_per_component_and_locks_answers(self, org, leader):
        assessment = start(org, leader)
        levels = iter([1, 2, 4, 5] + [3] * 16)
        for response in sorted(assessment.responses, key=lambda r: r.statement.key):
            services.save_response(response, services.ResponseInput(next(levels), ""), actor=leader)
        services.finalise(assessment, actor=leader)
        stored = queries.stored_levels(assessment)
        assert stored["developing_leadership_behaviours"] == 3
        assert assessment.finalised_at is not None and assessment.is_final
        with pytest.raises(DomainError, match="final"):
            services.save_response(assessment.responses[0], services.ResponseInput(1, ""), actor=leader)

    def test_every_statement_needs_a_level_first(self, org, leader):
        assessment = start(org, leader)
        services.save_response(assessment.responses[0], services.ResponseInput(2, ""), actor=leader)
        with pytest.raises(DomainError, match="19 statements still need a level"):
            services.finalise(assessment, actor=leader)
        assert assessment.status is AssessmentStatus.DRAFT


class TestSharedComponentLevels:
    def test_only_shared_final_assessments_count_and_the_change_is_since_the_previous_one(self, org, leader):
        year_ago = utcnow() - timedelta(days=365)
        final_assessment(org, leader, "2024/25", shared=True, default=2, when=year_ago)
        final_assessment(org, leader, "2025/26", shared=True, levels={SLUGS[0]: 4}, default=2)
        start(org, leader, "2026/27")  # a draft never counts
        result = queries.shared_component_levels([org.id])[org.id]
        assert result.period_label == "2025/26"
        assert result.levels[SLUGS[0]] == 4 and result.levels[SLUGS[1]] == 2
        assert result.changes[SLUGS[0]] == 2 and result.changes[SLUGS[1]] == 0
        assert result.level_labels[4] == "Established"

    def test_an_organisation_that_did_not_opt_in_is_left_out_except_for_its_own_people(self, org, leader):
        final_assessment(org, leader)
        assert queries.shared_component_levels([org.id]) == {}
        own = queries.shared_component_levels([org.id], include_private_for=org.id)[org.id]
        assert own.levels[SLUGS[0]] == 3 and own.changes[SLUGS[0]] is None

    def test_the_number_of_queries_does_not_grow_with_organisations(self, app):
        orgs = []
        for _ in range(4):
            organisation = factories.make_org()
            lead = factories.make_user(organisation, Role.IMPROVEMENT_LEAD)
            final_assessment(organisation, lead, shared=True)
            orgs.append(organisation.id)
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            result = queries.shared_component_levels(orgs)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert sorted(result) == sorted(orgs)
        assert len(statements) == 2


class TestVisibility:
    @pytest.mark.parametrize("role, sees_private", [
        (Role.FRONTLINE, True), (Role.EXECUTIVE, True), (Role.IMPROVEMENT_LEAD, True),
        (Role.SYSTEM_VIEWER, False), (Role.REGION_VIEWER, False), (Role.NATIONAL_ADMIN, False),
    ])
    def test_who_sees_which_assessments(self, org, leader, role, sees_private):
        private = final_assessment(org, leader, "2024/25", when=utcnow() - timedelta(days=365))
        shared = final_assessment(org, leader, "2025/26", shared=True)
        draft = start(org, leader, "2026/27")
        scope = {"system": org.system} if role is Role.SYSTEM_VIEWER else \
            {"region": org.system.region} if role is Role.REGION_VIEWER else {}
        user = factories.make_user(org if role.value in ("frontline", "executive", "improvement_lead") else None,
                                   role, **scope)
        seen = set(db.session.scalars(queries.visible_assessments_query(user)))
        assert seen == ({private, shared, draft} if sees_private else {shared})

    def test_a_viewer_of_another_system_sees_nothing(self, org, leader):
        final_assessment(org, leader, shared=True)
        stranger = factories.make_user(None, Role.SYSTEM_VIEWER, system=factories.make_system())
        assert list(db.session.scalars(queries.visible_assessments_query(stranger))) == []


class TestActionsAndExport:
    def test_an_action_can_link_only_to_a_project_tagged_with_its_component(self, org, leader, project):
        assessment = final_assessment(org, leader)
        data = services.ActionInput(ImpactComponent.CAPABILITY, "Run a coaching course", project_id=project.id)
        with pytest.raises(DomainError) as err:
            services.add_action(assessment, data, actor=leader)
        assert err.value.field == "project_id"
        db.session.add(ProjectComponent(project=project, component=ImpactComponent.CAPABILITY))
        db.session.commit()
        item = services.add_action(assessment, data, actor=leader)
        assert item.project_id == project.id and item.status is ActionStatus.OPEN

    def test_a_stale_action_update_is_refused(self, org, leader):
        assessment = final_assessment(org, leader)
        item = services.add_action(assessment, services.ActionInput(ImpactComponent.LEADERSHIP, "Walkrounds"),
                                   actor=leader)
        services.update_action(item, services.ActionInput(ImpactComponent.LEADERSHIP, "Monthly walkrounds",
                                                          version=1), actor=leader)
        with pytest.raises(VersionConflict):
            services.update_action(item, services.ActionInput(ImpactComponent.LEADERSHIP, "x", version=1),
                                   actor=leader)

    def test_the_csv_neutralises_formulas(self, org, leader):
        assessment = start(org, leader)
        services.save_response(assessment.responses[0], services.ResponseInput(2, "=HYPERLINK(\"x\")"), actor=leader)
        text = services.export_csv(assessment)
        assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
        assert text.startswith("\ufeff") and text.lstrip("\ufeff").splitlines()[0].startswith("Section,Component,")


class TestEvidenceFromTheApp:
    def test_team_figures_count_people_team_members_and_coaches(self, org, member, leader, project):
        db.session.add_all([TeamMember(project=project, user=member, team_role=TeamRole.MEMBER),
                            TeamMember(project=project, user=leader, team_role=TeamRole.COACH)])
        db.session.commit()
        values = [figure.value for figure in queries.team_figures(org.id)]
        assert values == ["2", "2", "1"]

    def test_management_figures_give_shares_of_active_projects(self, org, project):
        factories.make_project(org, title="No measures yet")
        factories.make_measure(project)
        factories.make_cycle(project, start=date.today() - timedelta(days=10))
        values = [figure.value for figure in queries.management_figures(org.id)]
        assert values == ["2", "1 of 2 (50%)", "1 of 2 (50%)"]

    def test_other_features_can_add_figures_beside_a_component(self, org):
        assert {figure.label for figure in queries.app_evidence(org.id)["building_capability_capacity"]} >= {
            "People on project teams"}


def test_responses_are_kept_per_statement(org, leader):
    assessment = start(org, leader)
    assert db.session.query(Response).filter_by(assessment_id=assessment.id).count() == 20
