"""PDSA rules every caller gets: numbering of ramps, predictions before Do, results before Act, decisions."""

from __future__ import annotations

import pytest

from impact_tracker.core.errors import DomainError, PermissionDenied, VersionConflict
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.pdsa import services
from impact_tracker.pdsa.models import CycleQuestion, Decision, PDSACycle, Stage
from impact_tracker.projects.models import ChangeIdeaStatus

from .. import factories
from ..factories import make_change_idea, make_cycle

Q = services.QuestionInput


def _plan(questions=(), title="Rounding at night", **plan) -> services.PlanInput:
    return services.PlanInput(title=title, objective="Learn if hourly rounding is workable",
                              questions=tuple(questions), plan=services.PlanFields(**plan))


def _cycle_at(project, stage, questions=(("Will staff do it?", "Yes, most nights", ""),), **fields):
    cycle = make_cycle(project, stage=stage, **fields)
    cycle.questions = [CycleQuestion(position=i, question=q, prediction=p, result=r)
                       for i, (q, p, r) in enumerate(questions)]
    db.session.commit()
    return cycle


def test_cycles_of_a_change_idea_are_numbered_in_order_and_the_idea_is_being_tested(project, member):
    idea = make_change_idea(project, status=ChangeIdeaStatus.IDEA)
    first = services.start_cycle(project, services.NewCycle("First test", idea.id), actor=member)
    assert (first.number, first.stage, first.label) == (1, Stage.PLAN, "PDSA 1")
    assert idea.status is ChangeIdeaStatus.TESTING
    first.stage = Stage.DONE
    db.session.commit()
    second = services.start_cycle(project, services.NewCycle("Second test", idea.id), actor=member)
    assert second.number == 2


def test_numbers_are_per_change_idea(project, member):
    make_cycle(project, stage=Stage.DONE)
    other = make_change_idea(project)
    cycle = services.start_cycle(project, services.NewCycle("A different idea", other.id), actor=member)
    assert cycle.number == 1


def test_a_change_idea_with_a_cycle_under_way_cannot_start_another(project, member):
    open_cycle = make_cycle(project, stage=Stage.DO)
    with pytest.raises(DomainError, match="Cycle 1 of this change idea is still under way") as err:
        services.start_cycle(project, services.NewCycle("Parallel", open_cycle.change_idea_id), actor=member)
    assert err.value.field == "change_idea"
    assert db.session.query(PDSACycle).count() == 1


def test_a_change_idea_from_another_project_is_refused(project, other_project, member):
    foreign = make_change_idea(other_project)
    with pytest.raises(DomainError, match="this project's change ideas") as err:
        services.start_cycle(project, services.NewCycle("Sneaky", foreign.id), actor=member)
    assert err.value.field == "change_idea"


def test_someone_from_another_organisation_cannot_start_a_cycle(project, other_org):
    idea = make_change_idea(project)
    outsider = factories.make_user(other_org, Role.PROJECT_LEAD)
    with pytest.raises(PermissionDenied):
        services.start_cycle(project, services.NewCycle("Not mine", idea.id), actor=outsider)
    assert db.session.query(PDSACycle).count() == 0


def test_a_plan_can_be_saved_as_a_draft_without_predictions(project, member):
    cycle = make_cycle(project)
    services.save_plan(cycle, _plan([Q("Will staff do it?")]), actor=member)
    assert cycle.stage is Stage.PLAN
    assert [q.question for q in cycle.questions] == ["Will staff do it?"]


def test_moving_to_do_needs_a_question(project, member):
    cycle = make_cycle(project)
    with pytest.raises(DomainError, match="at least one question") as err:
        services.save_plan(cycle, _plan([]), actor=member, advance=True)
    assert err.value.field == "questions"
    assert db.session.get(PDSACycle, cycle.id).stage is Stage.PLAN


def test_moving_to_do_needs_a_prediction_for_every_question(project, member):
    cycle = make_cycle(project)
    questions = [Q("Will staff do it?", "Yes"), Q("Will patients sleep?", "")]
    with pytest.raises(DomainError, match="predict for question 2") as err:
        services.save_plan(cycle, _plan(questions), actor=member, advance=True)
    assert err.value.field == "questions[1].prediction"
    db.session.refresh(cycle)
    assert cycle.stage is Stage.PLAN and cycle.questions == []


def test_a_complete_plan_moves_to_do_with_its_tasks(project, member):
    cycle = make_cycle(project)
    tasks = (services.TaskInput("Brief night staff", "Sister Ade"),)
    services.save_plan(cycle, _plan([Q("Will staff do it?", "Yes")], who="Night team", tasks=tasks),
                       actor=member, advance=True)
    assert cycle.stage is Stage.DO
    assert (cycle.plan_who, [t.owner for t in cycle.tasks]) == ("Night team", ["Sister Ade"])


def test_moving_to_study_needs_observations(project, member):
    cycle = _cycle_at(project, Stage.DO)
    with pytest.raises(DomainError) as err:
        services.save_do(cycle, services.DoInput(observations=""), actor=member, advance=True)
    assert err.value.field == "observations"
    services.save_do(cycle, services.DoInput("Done on 5 of 7 nights"), actor=member, advance=True)
    assert cycle.stage is Stage.STUDY


def test_moving_to_act_needs_a_result_for_every_prediction_and_some_learning(project, member):
    cycle = _cycle_at(project, Stage.STUDY, questions=[("Q1", "P1", ""), ("Q2", "P2", "")])
    with pytest.raises(DomainError) as err:
        services.save_study(cycle, services.StudyInput(("Most nights", ""), "Works"), actor=member, advance=True)
    assert err.value.field == "questions[1].result"
    with pytest.raises(DomainError) as err:
        services.save_study(cycle, services.StudyInput(("Most nights", "Yes"), ""), actor=member, advance=True)
    assert err.value.field == "learning"
    services.save_study(cycle, services.StudyInput(("Most nights", "Yes"), "Works"), actor=member, advance=True)
    assert cycle.stage is Stage.ACT
    assert [q.result for q in cycle.questions] == ["Most nights", "Yes"]


@pytest.mark.parametrize("decision, status", [(Decision.ADOPT, ChangeIdeaStatus.ADOPTED),
                                              (Decision.ADAPT, ChangeIdeaStatus.TESTING),
                                              (Decision.ABANDON, ChangeIdeaStatus.ABANDONED)])
def test_finishing_sets_the_change_ideas_status_from_the_decision(project, member, decision, status):
    cycle = _cycle_at(project, Stage.ACT)
    services.save_act(cycle, services.ActInput(decision, "Scale to ward 8"), actor=member, advance=True)
    assert cycle.stage is Stage.DONE and cycle.end is not None
    assert cycle.change_idea.status is status


def test_finishing_needs_a_decision(project, member):
    cycle = _cycle_at(project, Stage.ACT)
    with pytest.raises(DomainError) as err:
        services.save_act(cycle, services.ActInput(None, "Not sure"), actor=member, advance=True)
    assert err.value.field == "decision"
    assert db.session.get(PDSACycle, cycle.id).stage is Stage.ACT


def test_a_stage_cannot_be_changed_once_the_cycle_has_moved_past_it(project, member):
    cycle = _cycle_at(project, Stage.DO)
    with pytest.raises(DomainError, match="at the Do stage"):
        services.save_plan(cycle, _plan([Q("Sneaky new question", "Obviously")]), actor=member)


def test_a_stale_version_is_a_conflict_and_changes_nothing(project, member):
    cycle = make_cycle(project)
    stale = cycle.version
    services.save_plan(cycle, _plan(title="First edit"), actor=member)
    with pytest.raises(VersionConflict):
        services.save_plan(cycle, services.PlanInput("Second edit", "", (), services.PlanFields(), version=stale),
                           actor=member)
    assert db.session.get(PDSACycle, cycle.id).title == "First edit"


def test_the_next_cycle_of_an_adapted_one_carries_over_the_objective_and_questions(project, member):
    cycle = _cycle_at(project, Stage.DONE, questions=[("Will staff do it?", "Yes", "Mostly")], title="Rounding",
                      objective="Learn if it works", decision=Decision.ADAPT)
    following = services.start_next_cycle(cycle, actor=member)
    assert (following.number, following.title, following.stage) == (2, "Rounding (cycle 2)", Stage.PLAN)
    assert following.objective == "Learn if it works" and following.change_idea_id == cycle.change_idea_id
    assert [(q.question, q.prediction, q.result) for q in following.questions] == [("Will staff do it?", "", "")]
    following.stage, following.decision = Stage.DONE, Decision.ADAPT
    db.session.commit()
    assert services.start_next_cycle(following, actor=member).title == "Rounding (cycle 3)"


@pytest.mark.parametrize("stage, decision", [(Stage.DONE, Decision.ADOPT), (Stage.ACT, Decision.ADAPT)])
def test_only_a_finished_adapted_cycle_leads_to_a_next_one(project, member, stage, decision):
    cycle = _cycle_at(project, stage, decision=decision)
    with pytest.raises(DomainError, match="adapted"):
        services.start_next_cycle(cycle, actor=member)
    assert db.session.query(PDSACycle).count() == 1


def test_an_api_update_moves_one_stage_at_a_time(project, member):
    cycle = _cycle_at(project, Stage.PLAN)
    with pytest.raises(DomainError) as err:
        services.update_cycle(cycle, services.CycleUpdate(version=cycle.version, stage=Stage.STUDY), actor=member)
    assert err.value.field == "stage"
    services.update_cycle(cycle, services.CycleUpdate(version=cycle.version, stage=Stage.DO), actor=member)
    assert cycle.stage is Stage.DO


def test_after_plan_an_api_update_may_add_results_but_not_rewrite_predictions(project, member):
    cycle = _cycle_at(project, Stage.STUDY, questions=[("Q1", "P1", "")])
    with pytest.raises(DomainError) as err:
        services.update_cycle(cycle, services.CycleUpdate(version=cycle.version, questions=(Q("Q1", "New", "R"),)),
                              actor=member)
    assert err.value.field == "questions"
    services.update_cycle(cycle, services.CycleUpdate(version=cycle.version, questions=(Q("Q1", "P1", "R"),)),
                          actor=member)
    assert cycle.questions[0].result == "R"
