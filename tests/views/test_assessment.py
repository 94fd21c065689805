"""Self-assessment pages: the five cases for each route that changes data, and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.assessment import services
from impact_tracker.assessment.models import ActionPlanItem, AssessmentStatus, SelfAssessment
from impact_tracker.core.impact import ImpactComponent
from impact_tracker.core.mixins import utcnow
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.projects.models import ProjectComponent

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def start(organisation, lead, label="2025/26") -> SelfAssessment:
    return services.start_assessment(organisation, services.NewAssessment(period_label=label), actor=lead)


def finished(organisation, lead, label="2025/26", *, level=3, shared=False, when=None) -> SelfAssessment:
    assessment = start(organisation, lead, label)
    for response in assessment.responses:
        services.save_response(response, services.ResponseInput(level, "Board paper, March"), actor=lead)
    services.finalise(assessment, actor=lead)
    if when:
        assessment.finalised_at = when
    services.set_sharing(assessment, shared, actor=lead)
    return assessment


@pytest.fixture
def draft(org, leader):
    return start(org, leader)


@pytest.fixture
def other_draft(other_org):
    return start(other_org, factories.make_user(other_org, Role.IMPROVEMENT_LEAD))


def _count() -> int:
    return db.session.query(SelfAssessment).count()


class TestStart:
    VALID = {"period_label": "2026/27", "participants": ["with_board", "with_staff"], "participants_note": ""}

    def test_anonymous_is_sent_to_sign_in(self, client, app):
        response = client.post(url_for("assessment.new"), data=self.VALID)
        assert response.headers["Location"].startswith("/sign-in")
        assert _count() == 0

    def test_frontline_staff_may_not_start_one(self, client, login_as, member):
        login_as(member)
        post_form(client, "assessment.new", self.VALID, _expected_status=403)
        assert _count() == 0

    def test_the_form_renders_for_the_lead(self, client, login_as, leader):
        login_as(leader)
        soup = get_page(client, "assessment.new")
        assert soup.h1.get_text() == "Start a self-assessment"
        assert soup.find(id="period_label") is not None

    @pytest.mark.parametrize("changes, field, message", [
        ({"period_label": ""}, "period_label", "Enter the period this assessment covers"),
        ({"period_start": "2026-04-01", "period_end": "2026-03-01"}, "period_end",
         "The end of the period must be on or after its start"),
    ])
    def test_invalid_input_is_shown_beside_the_field(self, client, login_as, leader, changes, field, message):
        login_as(leader)
        response = post_form(client, "assessment.new", {**self.VALID, **changes})
        assert field_error(_soup(response), field) == message
        assert _count() == 0

    def test_a_valid_start_makes_a_draft_and_shows_it(self, client, login_as, leader, org):
        login_as(leader)
        response = post_form(client, "assessment.new", self.VALID, _expected_status=302)
        assessment = db.session.query(SelfAssessment).one()
        assert response.headers["Location"] == f"/self-assessment/{assessment.id}"
        assert (assessment.organisation_id, assessment.with_board, assessment.with_executives) == (org.id, True, False)
        assert assessment.status is AssessmentStatus.DRAFT


class TestRespond:
    def _data(self, response, **changes):
        prefix = f"s{response.id}-"
        data = {"level": "2", "evidence": "Strategy refreshed with patient partners", "version": str(response.version)}
        return {prefix + key: value for key, value in {**data, **changes}.items()}

    def test_anonymous_is_sent_to_sign_in(self, client, draft):
        response = draft.responses[0]
        result = client.post(url_for("assessment.respond", assessment_id=draft.id, response_id=response.id),
                             data=self._data(response))
        assert result.headers["Location"].startswith("/sign-in")
        assert response.level is None

    def test_another_organisations_statement_is_not_found(self, client, login_as, member, other_draft):
        login_as(member)
        target = other_draft.responses[0]
        post_form(client, "assessment.respond", self._data(target), assessment_id=other_draft.id,
                  response_id=target.id, _expected_status=404)
        db.session.refresh(target)
        assert target.level is None

    def test_the_component_page_shows_each_statement_with_its_own_form(self, client, login_as, member, draft):
        login_as(member)
        component = draft.framework.components[0]
        soup = get_page(client, "assessment.component", assessment_id=draft.id, component_id=component.id)
        assert soup.h1.get_text() == component.name
        assert len(soup.find_all("form", id=lambda value: value and value.startswith("form-"))) == 4

    def test_a_level_off_the_scale_is_shown_beside_the_field(self, client, login_as, member, draft):
        login_as(member)
        target = draft.responses[0]
        result = post_form(client, "assessment.respond", self._data(target, level="9"), assessment_id=draft.id,
                           response_id=target.id)
        assert field_error(_soup(result), f"s{target.id}-level") == "Not a valid choice."
        db.session.refresh(target)
        assert target.level is None

    def test_a_frontline_member_saves_a_statement(self, client, login_as, member, draft):
        login_as(member)
        target = draft.responses[0]
        result = post_form(client, "assessment.respond", self._data(target), assessment_id=draft.id,
                           response_id=target.id, _expected_status=302)
        assert result.headers["Location"].endswith(f"#statement-{target.id}")
        db.session.refresh(target)
        assert (target.level, target.evidence, target.updated_by_id) == (
            2, "Strategy refreshed with patient partners", member.id)

    def test_a_stale_save_shows_both_texts_and_keeps_the_users(self, client, login_as, member, leader, draft):
        target = draft.responses[0]
        services.save_response(target, services.ResponseInput(4, "Lead's evidence"), actor=leader)
        login_as(member)
        result = post_form(client, "assessment.respond", self._data(target, version="1", evidence="My evidence"),
                           assessment_id=draft.id, response_id=target.id, _expected_status=409)
        text = page_text(result)
        assert "Someone else changed this statement" in text
        assert "Lead's evidence" in text
        assert _soup(result).find(id=f"s{target.id}-evidence").get_text() == "My evidence"
        db.session.refresh(target)
        assert target.evidence == "Lead's evidence"

    def test_patient_details_are_warned_about_then_saved_when_sent_again(self, client, login_as, member, draft):
        login_as(member)
        target = draft.responses[0]
        data = self._data(target, evidence="Patient 943 476 5919 said so")
        result = post_form(client, "assessment.respond", data, assessment_id=draft.id, response_id=target.id)
        assert "could be an NHS number" in page_text(result)
        db.session.refresh(target)
        assert target.evidence == ""
        post_form(client, "assessment.respond", {**data, f"s{target.id}-pii_checked": "yes"},
                  assessment_id=draft.id, response_id=target.id, _expected_status=302)
        db.session.refresh(target)
        assert target.evidence == "Patient 943 476 5919 said so"


class TestFinalise:
    def test_anonymous_is_sent_to_sign_in(self, client, draft):
        response = client.post(url_for("assessment.finalise", assessment_id=draft.id))
        assert response.headers["Location"].startswith("/sign-in")

    def test_another_organisations_assessment_is_not_found(self, client, login_as, leader, other_draft):
        login_as(leader)
        post_form(client, "assessment.finalise", {}, assessment_id=other_draft.id, _expected_status=404)
        assert other_draft.status is AssessmentStatus.DRAFT

    def test_the_confirmation_page_renders(self, client, login_as, leader, draft):
        login_as(leader)
        assert "Finalise the 2025/26" in get_page(client, "assessment.finalise", assessment_id=draft.id).h1.text

    def test_unrated_statements_stop_it_with_a_message(self, client, login_as, leader, draft):
        login_as(leader)
        result = post_form(client, "assessment.finalise", {}, assessment_id=draft.id)
        assert "20 statements still need a level" in page_text(result)
        db.session.refresh(draft)
        assert draft.status is AssessmentStatus.DRAFT

    def test_a_complete_assessment_is_finalised(self, client, login_as, leader, draft):
        for response in draft.responses:
            services.save_response(response, services.ResponseInput(3, ""), actor=leader)
        login_as(leader)
        post_form(client, "assessment.finalise", {}, assessment_id=draft.id, _expected_status=302)
        db.session.refresh(draft)
        assert draft.status is AssessmentStatus.FINAL

    def test_frontline_staff_may_not_finalise(self, client, login_as, member, draft):
        login_as(member)
        post_form(client, "assessment.finalise", {}, assessment_id=draft.id, _expected_status=403)


class TestSharing:
    def test_anonymous_is_sent_to_sign_in(self, client, draft):
        response = client.post(url_for("assessment.sharing", assessment_id=draft.id), data={"shared": "y"})
        assert response.headers["Location"].startswith("/sign-in")
        assert not draft.shared_with_system

    def test_another_organisations_assessment_is_not_found(self, client, login_as, leader, other_draft):
        login_as(leader)
        post_form(client, "assessment.sharing", {"shared": "y"}, assessment_id=other_draft.id,
                  _expected_status=404)
        assert not other_draft.shared_with_system

    def test_the_page_explains_what_is_shared(self, client, login_as, leader, draft):
        login_as(leader)
        text = get_page(client, "assessment.sharing", assessment_id=draft.id).get_text()
        assert "never see the evidence" in text

    def test_opting_in_and_out(self, client, login_as, leader, draft):
        login_as(leader)
        post_form(client, "assessment.sharing", {"shared": "y"}, assessment_id=draft.id, _expected_status=302)
        db.session.refresh(draft)
        assert draft.shared_with_system
        post_form(client, "assessment.sharing", {}, assessment_id=draft.id, _expected_status=302)
        db.session.refresh(draft)
        assert not draft.shared_with_system


class TestActions:
    def _valid(self, **changes):
        return {"component": ImpactComponent.CAPABILITY.value, "action": "Add improvement to induction",
                "owner": "Head of learning", "due": "2026-12-01", "status": "open", "project_id": "", **changes}

    def test_anonymous_is_sent_to_sign_in(self, client, org, leader):
        assessment = finished(org, leader)
        response = client.post(url_for("assessment.new_action", assessment_id=assessment.id), data=self._valid())
        assert response.headers["Location"].startswith("/sign-in")
        assert db.session.query(ActionPlanItem).count() == 0

    def test_another_organisations_assessment_is_not_found(self, client, login_as, leader, other_draft):
        login_as(leader)
        post_form(client, "assessment.new_action", self._valid(), assessment_id=other_draft.id,
                  _expected_status=404)
        assert db.session.query(ActionPlanItem).count() == 0

    def test_the_form_offers_projects_tagged_with_a_component(self, client, login_as, leader, org, project):
        db.session.add(ProjectComponent(project=project, component=ImpactComponent.CAPABILITY))
        db.session.commit()
        assessment = finished(org, leader)
        login_as(leader)
        soup = get_page(client, "assessment.new_action", assessment_id=assessment.id,
                        component=ImpactComponent.CAPABILITY.value)
        assert project.title in soup.find(id="project_id").get_text()
        assert soup.find(id="component").find("option", selected=True)["value"] == "building_capability_capacity"

    @pytest.mark.parametrize("changes, field, message", [
        ({"action": ""}, "action", "Describe the action"),
        ({"due": "2026-13-45"}, "due", "Not a valid date value."),
    ])
    def test_invalid_input_is_shown_beside_the_field(self, client, login_as, leader, org, changes, field, message):
        assessment = finished(org, leader)
        login_as(leader)
        result = post_form(client, "assessment.new_action", self._valid(**changes), assessment_id=assessment.id)
        assert field_error(_soup(result), field) == message
        assert db.session.query(ActionPlanItem).count() == 0

    def test_a_project_not_tagged_with_the_component_is_refused(self, client, login_as, leader, org, project):
        db.session.add(ProjectComponent(project=project, component=ImpactComponent.LEADERSHIP))
        db.session.commit()
        assessment = finished(org, leader)
        login_as(leader)
        result = post_form(client, "assessment.new_action", self._valid(project_id=str(project.id)),
                           assessment_id=assessment.id)
        assert "tagged with this component" in field_error(_soup(result), "project_id")

    def test_a_valid_action_is_added_and_shown_in_the_results(self, client, login_as, leader, org):
        assessment = finished(org, leader)
        login_as(leader)
        post_form(client, "assessment.new_action", self._valid(), assessment_id=assessment.id, _expected_status=302)
        item = db.session.query(ActionPlanItem).one()
        assert (item.component, item.owner) == (ImpactComponent.CAPABILITY, "Head of learning")
        assert "Add improvement to induction" in get_page(client, "assessment.results",
                                                          assessment_id=assessment.id).get_text()

    def test_an_action_is_changed(self, client, login_as, leader, org):
        assessment = finished(org, leader)
        item = services.add_action(assessment, services.ActionInput(ImpactComponent.CAPABILITY, "Old"), actor=leader)
        login_as(leader)
        get_page(client, "assessment.edit_action", assessment_id=assessment.id, action_id=item.id)
        post_form(client, "assessment.edit_action", self._valid(status="done", version="1"),
                  assessment_id=assessment.id, action_id=item.id, _expected_status=302)
        db.session.refresh(item)
        assert (item.action, item.status.value) == ("Add improvement to induction", "done")


class TestWhoSeesWhat:
    def _viewer(self, org, role):
        if role in (Role.FRONTLINE, Role.EXECUTIVE, Role.COACH):
            return factories.make_user(org, role)
        scope = {Role.SYSTEM_VIEWER: {"system": org.system}, Role.REGION_VIEWER: {"region": org.system.region}}
        return factories.make_user(None, role, **scope.get(role, {}))

    @pytest.mark.parametrize("role", [Role.SYSTEM_VIEWER, Role.REGION_VIEWER, Role.NATIONAL_ADMIN])
    def test_outsiders_see_shared_levels_but_never_evidence(self, client, login_as, org, leader, role):
        assessment = finished(org, leader, level=4, shared=True)
        login_as(self._viewer(org, role))
        text = get_page(client, "assessment.results", assessment_id=assessment.id).get_text()
        assert "4. Established" in text
        assert "Board paper" not in text and "Action plan" not in text
        get_page(client, "assessment.export", assessment_id=assessment.id, _expected_status=403)

    @pytest.mark.parametrize("role", [Role.SYSTEM_VIEWER, Role.REGION_VIEWER, Role.NATIONAL_ADMIN])
    def test_outsiders_get_a_404_for_private_or_draft_assessments(self, client, login_as, org, leader, role):
        private = finished(org, leader)
        draft = start(org, leader, "2026/27")
        login_as(self._viewer(org, role))
        for assessment in (private, draft):
            get_page(client, "assessment.results", assessment_id=assessment.id, _expected_status=404)
        assert "No self-assessments to show yet." in get_page(client, "assessment.index").get_text()

    @pytest.mark.parametrize("role", [Role.FRONTLINE, Role.COACH, Role.EXECUTIVE])
    def test_members_see_private_results_with_evidence_from_the_app(self, client, login_as, org, leader, role):
        finished(org, leader, "2024/25", level=2, when=utcnow() - timedelta(days=365))
        assessment = finished(org, leader, level=3)
        login_as(self._viewer(org, role))
        text = page_text(client.get(url_for("assessment.results", assessment_id=assessment.id)))
        assert "Compared with 2024/25" in text and "Up 1 level" in text
        assert "People on project teams" in text
        assert "Add an action" not in text

    def test_the_csv_export_downloads_for_members(self, client, login_as, member, draft):
        login_as(member)
        response = client.get(url_for("assessment.export", assessment_id=draft.id))
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "purpose-1" in response.get_data(as_text=True)

    def test_the_index_offers_to_continue_the_draft(self, client, login_as, leader, draft):
        login_as(leader)
        assert "Continue the 2025/26 assessment" in get_page(client, "assessment.index").get_text()
        assert "Self-assessment 2025/26" in get_page(client, "assessment.detail", assessment_id=draft.id).h1.text
