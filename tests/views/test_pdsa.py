"""PDSA pages: starting a cycle, the Plan, Do, Study and Act pages, the next cycle and the project timeline."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.pdsa.models import CycleQuestion, Decision, PDSACycle, Stage
from impact_tracker.projects.models import ChangeIdeaStatus

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _cycle_at(project, stage, questions=(("Will night staff round hourly?", "Yes, on most nights", ""),),
              **fields) -> PDSACycle:
    cycle = factories.make_cycle(project, stage=stage, **fields)
    cycle.questions = [CycleQuestion(position=i, question=q, prediction=p, result=r)
                       for i, (q, p, r) in enumerate(questions)]
    db.session.commit()
    return cycle


def _reload(cycle: PDSACycle) -> PDSACycle:
    db.session.expire_all()
    return db.session.get(PDSACycle, cycle.id)


PLAN = {"title": "Hourly rounding", "objective": "Learn whether hourly rounding is workable at night",
        "question_1": "Will night staff round hourly?", "prediction_1": "Yes, on 5 of 7 nights",
        "question_2": "", "prediction_2": "", "what": "Hourly rounding using the checklist", "who": "Night team",
        "when": "Next week", "where": "Ward 7 bay B", "start": "2026-03-02", "task_1": "Print the checklist",
        "task_owner_1": "Sam", "task_due_1": "2026-02-27", "data_collection": "Tally of rounds each night"}

# (endpoint, stage the cycle is at, a valid post)
STAGE_POSTS = [
    ("pdsa.plan", Stage.PLAN, {**PLAN, "action": "advance"}),
    ("pdsa.do", Stage.DO, {"observations": "Rounded on 6 of 7 nights", "unexpected": "", "action": "advance"}),
    ("pdsa.study", Stage.STUDY, {"result_1": "6 of 7 nights", "learning": "Workable", "action": "advance"}),
    ("pdsa.act", Stage.ACT, {"decision": "adopt", "next_steps": "Roll out to bay A", "action": "advance"}),
]


class TestEveryStagePage:
    @pytest.mark.parametrize("endpoint, stage, data", STAGE_POSTS)
    def test_anonymous_is_sent_to_sign_in(self, client, project, endpoint, stage, data):
        cycle = _cycle_at(project, stage)
        response = client.post(url_for(endpoint, cycle_id=cycle.id), data=data)
        assert response.headers["Location"].startswith("/sign-in")
        assert _reload(cycle).stage is stage

    @pytest.mark.parametrize("endpoint, stage, data", STAGE_POSTS)
    def test_another_organisations_cycle_is_not_found_and_unchanged(self, client, login_as, member, other_project,
                                                                     endpoint, stage, data):
        cycle = _cycle_at(other_project, stage)
        login_as(member)
        post_form(client, endpoint, data, cycle_id=cycle.id, _expected_status=404)
        assert _reload(cycle).stage is stage

    @pytest.mark.parametrize("endpoint, stage, data", STAGE_POSTS)
    def test_a_viewer_from_the_system_may_look_but_not_change(self, client, login_as, org, project, endpoint, stage,
                                                              data):
        cycle = _cycle_at(project, stage)
        login_as(factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system))
        get_page(client, "pdsa.detail", cycle_id=cycle.id)
        post_form(client, endpoint, data, cycle_id=cycle.id, _expected_status=403)
        assert _reload(cycle).stage is stage

    @pytest.mark.parametrize("endpoint, stage, data", STAGE_POSTS)
    def test_the_page_renders_with_the_stage_marked(self, client, login_as, member, project, endpoint, stage, data):
        cycle = _cycle_at(project, stage)
        login_as(member)
        soup = get_page(client, endpoint, cycle_id=cycle.id)
        assert soup.h1.get_text(strip=True) == f"{stage.value.capitalize()}: {cycle.title}"
        assert soup.find(attrs={"aria-current": "step"}).get_text(strip=True) == stage.value.capitalize()

    @pytest.mark.parametrize("endpoint, stage, data", STAGE_POSTS)
    def test_a_valid_post_moves_the_cycle_on(self, client, login_as, member, project, endpoint, stage, data):
        cycle = _cycle_at(project, stage)
        login_as(member)
        response = post_form(client, endpoint, data, cycle_id=cycle.id, _expected_status=302)
        cycle = _reload(cycle)
        assert cycle.stage is {Stage.PLAN: Stage.DO, Stage.DO: Stage.STUDY, Stage.STUDY: Stage.ACT,
                               Stage.ACT: Stage.DONE}[stage]
        following = "pdsa.detail" if cycle.stage is Stage.DONE else f"pdsa.{cycle.stage.value}"
        assert response.headers["Location"] == url_for(following, cycle_id=cycle.id, _external=False)

    def test_a_page_for_a_stage_already_passed_leads_to_the_current_one(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.STUDY)
        login_as(member)
        response = client.get(url_for("pdsa.plan", cycle_id=cycle.id))
        assert response.headers["Location"] == url_for("pdsa.study", cycle_id=cycle.id, _external=False)


class TestStartCycle:
    def _valid(self, idea) -> dict:
        return {"title": "Hourly rounding", "change_idea": str(idea.id), "objective": "Is it workable?"}

    def test_anonymous_is_sent_to_sign_in(self, client, project):
        idea = factories.make_change_idea(project)
        response = client.post(url_for("pdsa.new_cycle", project_id=project.id), data=self._valid(idea))
        assert response.headers["Location"].startswith("/sign-in")
        assert db.session.query(PDSACycle).count() == 0

    def test_another_organisations_project_is_not_found(self, client, login_as, member, other_project):
        idea = factories.make_change_idea(other_project)
        login_as(member)
        post_form(client, "pdsa.new_cycle", self._valid(idea), project_id=other_project.id, _expected_status=404)
        assert db.session.query(PDSACycle).count() == 0

    def test_the_form_offers_the_projects_change_ideas(self, client, login_as, member, project, other_project):
        idea = factories.make_change_idea(project, text="Hourly rounding")
        factories.make_change_idea(other_project, text="Theirs")
        login_as(member)
        soup = get_page(client, "pdsa.new_cycle", project_id=project.id)
        options = [o.get_text(strip=True) for o in soup.find(id="change_idea").find_all("option")]
        assert options == ["Choose a change idea", idea.text]

    @pytest.mark.parametrize("changes, field, message", [
        ({"title": ""}, "title", "Enter a title for the cycle"),
        ({"change_idea": ""}, "change_idea", "Choose the change idea this cycle tests"),
        ({"title": "x" * 161}, "title", "Field cannot be longer than 160 characters."),
    ])
    def test_invalid_input_is_shown_beside_the_field_and_nothing_is_started(self, client, login_as, member, project,
                                                                          changes, field, message):
        idea = factories.make_change_idea(project)
        login_as(member)
        response = post_form(client, "pdsa.new_cycle", {**self._valid(idea), **changes}, project_id=project.id)
        assert field_error(_soup(response), field) == message
        assert db.session.query(PDSACycle).count() == 0

    def test_an_idea_with_a_cycle_under_way_is_refused_beside_the_field(self, client, login_as, member, project):
        busy = _cycle_at(project, Stage.DO)
        login_as(member)
        response = post_form(client, "pdsa.new_cycle", self._valid(busy.change_idea), project_id=project.id)
        assert "still under way" in field_error(_soup(response), "change_idea")
        assert db.session.query(PDSACycle).count() == 1

    def test_a_valid_cycle_starts_at_plan(self, client, login_as, member, project):
        idea = factories.make_change_idea(project)
        login_as(member)
        response = post_form(client, "pdsa.new_cycle", self._valid(idea), project_id=project.id,
                             _expected_status=302)
        cycle = db.session.query(PDSACycle).one()
        assert (cycle.title, cycle.number, cycle.stage, cycle.created_by_id) == ("Hourly rounding", 1, Stage.PLAN,
                                                                                  member.id)
        assert response.headers["Location"] == url_for("pdsa.plan", cycle_id=cycle.id, _external=False)


class TestPlan:
    def test_the_page_shows_saved_questions_plus_three_blank_rows(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.PLAN)
        login_as(member)
        soup = get_page(client, "pdsa.plan", cycle_id=cycle.id)
        assert soup.find(id="question_1").get_text() == "Will night staff round hourly?"
        assert soup.find(id="question_4") is not None and soup.find(id="question_5") is None

    def test_add_another_question_shows_one_more_row_and_saves_nothing(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.PLAN, questions=())
        login_as(member)
        response = post_form(client, "pdsa.plan", {**PLAN, "action": "add_question"}, cycle_id=cycle.id)
        soup = _soup(response)
        assert soup.find(id="question_3") is not None and soup.find(id="question_4") is None
        assert soup.find(id="question_1").get_text() == PLAN["question_1"]
        assert _reload(cycle).questions == []

    def test_saving_a_draft_keeps_the_stage_and_ignores_blank_rows(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.PLAN, questions=())
        login_as(member)
        post_form(client, "pdsa.plan", {**PLAN, "prediction_1": ""}, cycle_id=cycle.id, _expected_status=302)
        cycle = _reload(cycle)
        assert cycle.stage is Stage.PLAN
        assert [(q.question, q.prediction) for q in cycle.questions] == [("Will night staff round hourly?", "")]
        assert [(t.task, t.owner) for t in cycle.tasks] == [("Print the checklist", "Sam")]

    @pytest.mark.parametrize("changes, field, message", [
        ({"prediction_1": ""}, "prediction_1", "Write what you predict for question 1 before moving to Do"),
        ({"question_1": "", "prediction_1": ""}, "question_1",
         "Add at least one question the cycle will answer before moving to Do"),
        ({"question_2": "", "prediction_2": "It will rain"}, "question_2",
         "Write the question this prediction answers"),
        ({"title": ""}, "title", "Enter a title for the cycle"),
        ({"task_1": ""}, "task_1", "Describe the task, or clear its owner and due date"),
        ({"start": "next tuesday"}, "start", "Not a valid date value."),
    ])
    def test_moving_to_do_without_predictions_is_refused_beside_the_field(self, client, login_as, member, project,
                                                                          changes, field, message):
        cycle = _cycle_at(project, Stage.PLAN, questions=())
        login_as(member)
        response = post_form(client, "pdsa.plan", {**PLAN, "action": "advance", **changes}, cycle_id=cycle.id)
        assert field_error(_soup(response), field) == message
        cycle = _reload(cycle)
        assert cycle.stage is Stage.PLAN and cycle.questions == []

    def test_the_missing_prediction_is_flagged_on_the_row_it_belongs_to(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.PLAN, questions=())
        login_as(member)
        data = {**PLAN, "action": "advance", "question_1": "", "prediction_1": "", "question_3": "Sleep?",
                "prediction_3": ""}
        response = post_form(client, "pdsa.plan", data, cycle_id=cycle.id)
        assert "question 1" in field_error(_soup(response), "prediction_3")

    def test_text_that_looks_like_patient_data_is_warned_about_then_saved_if_sent_again(self, client, login_as,
                                                                                        member, project):
        cycle = _cycle_at(project, Stage.PLAN, questions=())
        login_as(member)
        data = {**PLAN, "objective": "Patient 943 476 5919 fell twice"}
        response = post_form(client, "pdsa.plan", data, cycle_id=cycle.id)
        assert "could be an NHS number" in page_text(response)
        assert _reload(cycle).objective == ""
        post_form(client, "pdsa.plan", {**data, "pii_checked": "yes"}, cycle_id=cycle.id, _expected_status=302)
        assert _reload(cycle).objective == data["objective"]

    def test_a_stale_form_is_refused_rather_than_overwriting(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.PLAN)
        stale = cycle.version
        cycle.title = "Changed by a colleague"
        db.session.commit()
        login_as(member)
        response = post_form(client, "pdsa.plan", {**PLAN, "version": str(stale)}, cycle_id=cycle.id)
        assert "changed by someone else" in page_text(response)
        assert _reload(cycle).title == "Changed by a colleague"


class TestDoStudyAct:
    def test_moving_to_study_needs_observations(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.DO)
        login_as(member)
        response = post_form(client, "pdsa.do", {"observations": "", "action": "advance"}, cycle_id=cycle.id)
        assert field_error(_soup(response), "observations") == "Record what happened before moving to Study"
        assert _reload(cycle).stage is Stage.DO

    def test_study_shows_each_prediction_beside_its_result(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.STUDY)
        login_as(member)
        text = get_page(client, "pdsa.study", cycle_id=cycle.id).get_text(" ")
        assert "Will night staff round hourly?" in text and "Yes, on most nights" in text

    @pytest.mark.parametrize("data, field, message", [
        ({"result_1": "", "learning": "Workable"}, "result_1",
         "Write what you found for question 1 before moving to Act"),
        ({"result_1": "6 of 7", "learning": ""}, "learning", "Write what you learned before moving to Act"),
    ])
    def test_moving_to_act_needs_results_and_learning(self, client, login_as, member, project, data, field, message):
        cycle = _cycle_at(project, Stage.STUDY)
        login_as(member)
        response = post_form(client, "pdsa.study", {**data, "action": "advance"}, cycle_id=cycle.id)
        assert field_error(_soup(response), field) == message
        cycle = _reload(cycle)
        assert cycle.stage is Stage.STUDY and cycle.questions[0].result == ""

    def test_saving_study_without_advancing_keeps_the_draft(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.STUDY)
        login_as(member)
        post_form(client, "pdsa.study", {"result_1": "Mostly", "learning": ""}, cycle_id=cycle.id,
                  _expected_status=302)
        cycle = _reload(cycle)
        assert cycle.stage is Stage.STUDY and cycle.questions[0].result == "Mostly"

    def test_finishing_needs_a_decision(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.ACT)
        login_as(member)
        response = post_form(client, "pdsa.act", {"next_steps": "", "action": "advance"}, cycle_id=cycle.id)
        assert field_error(_soup(response), "decision") == "Choose whether to adopt, adapt or abandon the change"
        assert _reload(cycle).stage is Stage.ACT

    def test_abandoning_marks_the_change_idea_abandoned(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.ACT)
        login_as(member)
        post_form(client, "pdsa.act", {"decision": "abandon", "action": "advance"}, cycle_id=cycle.id,
                  _expected_status=302)
        assert _reload(cycle).change_idea.status is ChangeIdeaStatus.ABANDONED


class TestNextCycle:
    def test_anonymous_is_sent_to_sign_in(self, client, project):
        cycle = _cycle_at(project, Stage.DONE, decision=Decision.ADAPT)
        response = client.post(url_for("pdsa.next_cycle", cycle_id=cycle.id))
        assert response.headers["Location"].startswith("/sign-in")
        assert db.session.query(PDSACycle).count() == 1

    def test_another_organisations_cycle_is_not_found(self, client, login_as, member, other_project):
        cycle = _cycle_at(other_project, Stage.DONE, decision=Decision.ADAPT)
        login_as(member)
        post_form(client, "pdsa.next_cycle", {}, cycle_id=cycle.id, _expected_status=404)
        assert db.session.query(PDSACycle).count() == 1

    def test_the_worksheet_offers_the_next_cycle_after_adapting(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.DONE, decision=Decision.ADAPT)
        login_as(member)
        soup = get_page(client, "pdsa.detail", cycle_id=cycle.id)
        form = soup.find("form", action=url_for("pdsa.next_cycle", cycle_id=cycle.id, _external=False))
        assert form.button.get_text(strip=True) == "Start the next cycle"

    def test_a_cycle_that_was_adopted_does_not_lead_on(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.DONE, decision=Decision.ADOPT)
        login_as(member)
        response = client.post(url_for("pdsa.next_cycle", cycle_id=cycle.id), follow_redirects=True)
        assert "Only a finished cycle that was adapted" in page_text(response)
        assert db.session.query(PDSACycle).count() == 1

    def test_the_next_cycle_starts_pre_filled(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.DONE, decision=Decision.ADAPT, title="Hourly rounding",
                          objective="Is it workable?")
        login_as(member)
        response = post_form(client, "pdsa.next_cycle", {}, cycle_id=cycle.id, _expected_status=302)
        following = db.session.query(PDSACycle).filter_by(number=2).one()
        assert response.headers["Location"] == url_for("pdsa.plan", cycle_id=following.id, _external=False)
        soup = get_page(client, "pdsa.plan", cycle_id=following.id)
        assert soup.find(id="title")["value"] == "Hourly rounding (cycle 2)"
        assert soup.find(id="question_1").get_text() == "Will night staff round hourly?"
        assert soup.find(id="prediction_1").get_text() == ""


class TestWorksheetAndTimeline:
    def test_the_worksheet_shows_every_stage_and_a_way_to_continue(self, client, login_as, member, project):
        cycle = _cycle_at(project, Stage.DO, objective="Is it workable?")
        login_as(member)
        soup = get_page(client, "pdsa.detail", cycle_id=cycle.id)
        assert [h.get_text(strip=True) for h in soup.find_all("h2")][:4] == ["Plan", "Do", "Study", "Act"]
        assert "app-pdsa-section--current" in soup.find(id="do-heading").parent["class"]
        link = soup.find("a", string=lambda s: s and "Continue with Do" in s)
        assert link["href"] == url_for("pdsa.do", cycle_id=cycle.id, _external=False)

    def test_another_organisations_worksheet_is_not_found(self, client, login_as, member, other_project):
        cycle = _cycle_at(other_project, Stage.PLAN)
        login_as(member)
        get_page(client, "pdsa.detail", cycle_id=cycle.id, _expected_status=404)

    def test_the_project_page_shows_ramps_of_cycles_in_order(self, client, login_as, member, project):
        idea = factories.make_change_idea(project, text="Hourly rounding")
        _cycle_at(project, Stage.DONE, change_idea=idea, title="First go", decision=Decision.ADAPT)
        _cycle_at(project, Stage.STUDY, change_idea=idea, title="Second go")
        login_as(member)
        soup = get_page(client, "projects.detail", project_id=project.id)
        timeline = soup.find(class_="app-pdsa-timeline")
        assert "Hourly rounding" in timeline.h3.get_text()
        cycles = [li.a.get_text(strip=True) for li in timeline.find_all("li")]
        assert cycles == ["PDSA 1: First go", "PDSA 2: Second go"]
        assert "Decision: Adapt" in timeline.get_text(" ")
        assert timeline.find("a", string=lambda s: s and "Start a PDSA cycle" in s)

    def test_viewers_see_the_timeline_without_the_start_button(self, client, login_as, org, project):
        _cycle_at(project, Stage.PLAN, title="First go")
        login_as(factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system))
        timeline = get_page(client, "projects.detail", project_id=project.id).find(class_="app-pdsa-timeline")
        assert "First go" in timeline.get_text()
        assert "Start a PDSA cycle" not in timeline.get_text()
