"""Walk pages: the list, capturing a walk, a walk, following up an action, my actions, taking an idea forward."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.gemba.models import ActionStatus, GembaWalk, StaffRole
from impact_tracker.projects.models import ChangeIdea, Project, ProjectStatus

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form
from ..services.test_gemba import make_walk

TODAY = date.today()


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _walk_count() -> int:
    return db.session.query(GembaWalk).count()


class TestWalksList:
    def test_lists_the_organisations_walks_and_figures_but_not_other_organisations(self, client, login_as, org,
                                                                                  other_org, member):
        ward = factories.make_unit(org, name="Ward 7")
        make_walk(org, member, unit_id=ward.id)
        make_walk(other_org, factories.make_user(other_org), observations="Elsewhere")
        login_as(member)
        soup = get_page(client, "gemba.index")
        text = soup.get_text(" ")
        assert "Safety walkround, Ward 7" in text
        assert len(soup.select(".app-gemba-walk-list__item")) == 1
        figures = [" ".join(card.get_text(" ").split()) for card in soup.select(".app-gemba-figures .nhsuk-card")]
        assert figures == ["1 Walks", "1 Open actions", "0 Overdue actions", "0% Actions fed back to staff"]

    def test_a_system_viewer_sees_walks_but_is_not_offered_to_start_one(self, client, login_as, org, member):
        make_walk(org, member)
        viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
        login_as(viewer)
        soup = get_page(client, "gemba.index")
        assert len(soup.select(".app-gemba-walk-list__item")) == 1
        assert "Start a walk" not in soup.get_text()
        get_page(client, "gemba.new", _expected_status=403)


class TestRecordWalk:
    def valid(self, owner) -> dict:
        return {"client_id": str(uuid.uuid4()), "walked_on": TODAY.isoformat(), "start_time": "09:15",
                "walk_type": "huddle", "unit_id": "", "leaders": [owner.email], "role_nurse": "4", "role_doctor": "",
                "observations": "Board up to date", "concern_1_text": "Sluice door sticks",
                "concern_1_category": "environment", "ideas": "Oil the hinge",
                "action_1_what": "Ask estates to fix the sluice door", "action_1_owner": owner.email,
                "action_1_due": (TODAY + timedelta(days=7)).isoformat()}

    def test_anonymous_is_sent_to_sign_in(self, client, member):
        response = client.post(url_for("gemba.new"), data=self.valid(member))
        assert response.headers["Location"].startswith("/sign-in")
        assert _walk_count() == 0

    def test_the_form_offers_only_the_organisations_people_and_units(self, client, login_as, org, other_org, member):
        factories.make_unit(org, name="Ward 7")
        factories.make_unit(other_org, name="Their ward")
        factories.make_user(other_org, name="Olive Outsider")
        login_as(member)
        soup = get_page(client, "gemba.new")
        assert soup.find("h1").get_text() == "Record a walk"
        assert [o.get_text() for o in soup.find(id="unit_id").find_all("option")] == ["Choose a unit or area", "Ward 7"]
        assert "Olive Outsider" not in soup.get_text()
        assert soup.find(id="client_id")["value"]
        assert soup.find("meta", attrs={"name": "csrf-token"})

    @pytest.mark.parametrize("changes, field, message", [
        ({"walked_on": ""}, "walked_on", "Enter a real date, for example 31 3 2027"),
        ({"concern_1_category": ""}, "concern_1_category", "Choose a category for concern 1"),
        ({"action_1_owner": ""}, "action_1_owner", "Choose who will do action 1"),
        ({"action_1_due": ""}, "action_1_due", "Enter when action 1 is due"),
        ({"role_nurse": "0"}, "role_nurse", "Enter a number from 1 to 500"),
        ({"start_time": "9am"}, "start_time", "Enter a time like 14:30"),
        ({"leaders": ["nobody@else.example"]}, "leaders",
         "'nobody@else.example' is not a valid choice for this field."),
    ])
    def test_invalid_input_is_shown_beside_the_field_and_nothing_is_saved(self, client, login_as, member,
                                                                          changes, field, message):
        login_as(member)
        response = post_form(client, "gemba.new", {**self.valid(member), **changes})
        assert field_error(_soup(response), field) == message
        assert _walk_count() == 0

    def test_text_that_looks_like_patient_data_is_warned_about_then_saved_when_sent_again(self, client, login_as,
                                                                                          member):
        login_as(member)
        data = {**self.valid(member), "observations": "Patient 943 476 5919 waited on a trolley"}
        response = post_form(client, "gemba.new", data)
        assert "Check for patient-identifiable information" in page_text(response), page_text(response)[-3000:]
        assert _walk_count() == 0
        soup = _soup(response)
        response = post_form(client, "gemba.new", {**data, "pii_checked": soup.find(id="pii_checked")["value"]},
                             _expected_status=302)
        assert _walk_count() == 1

    def test_a_valid_walk_is_saved_and_sending_it_twice_makes_one_walk(self, client, login_as, member):
        login_as(member)
        data = self.valid(member)
        response = post_form(client, "gemba.new", data, _expected_status=302)
        walk = db.session.query(GembaWalk).one()
        assert response.headers["Location"] == url_for("gemba.detail", walk_id=walk.id, _external=False)
        assert walk.walk_type.value == "huddle" and walk.start_time.strftime("%H:%M") == "09:15"
        assert [(r.role, r.count) for r in walk.staff_roles] == [(StaffRole.NURSE, 4)]
        assert [c.text for c in walk.concerns] == ["Sluice door sticks"]
        assert [(a.what, a.owner_id) for a in walk.actions] == [("Ask estates to fix the sluice door", member.id)]
        post_form(client, "gemba.new", data, _expected_status=302)
        assert _walk_count() == 1


class TestWalkDetail:
    def test_shows_the_walk_its_concerns_ideas_and_actions(self, client, login_as, org, member):
        walk = make_walk(org, member)
        login_as(member)
        text = get_page(client, "gemba.detail", walk_id=walk.id).get_text(" ")
        for expected in ("Only one working hoist for the bay", "Move the huddle board nearer the station",
                         "Order a second hoist", "Not yet fed back to staff", "Huddle at 9 was quick and clear"):
            assert expected in text

    def test_another_organisations_walk_is_not_found(self, client, login_as, other_org, member):
        walk = make_walk(other_org, factories.make_user(other_org))
        login_as(member)
        get_page(client, "gemba.detail", walk_id=walk.id, _expected_status=404)


class TestUpdateAction:
    def test_anonymous_is_sent_to_sign_in(self, client, org, member):
        action = make_walk(org, member).actions[0]
        response = client.post(url_for("gemba.action", action_id=action.id), data={"status": "done"})
        assert response.headers["Location"].startswith("/sign-in")
        assert action.status is ActionStatus.OPEN

    def test_another_organisations_action_is_not_found_and_unchanged(self, client, login_as, other_org, member):
        action = make_walk(other_org, factories.make_user(other_org)).actions[0]
        login_as(member)
        post_form(client, "gemba.action", {"status": "done", "version": "1"}, _expected_status=404,
                  action_id=action.id)
        db.session.refresh(action)
        assert action.status is ActionStatus.OPEN

    def test_the_form_shows_the_action_and_its_current_status(self, client, login_as, org, member):
        action = make_walk(org, member).actions[0]
        login_as(member)
        soup = get_page(client, "gemba.action", action_id=action.id)
        assert "Order a second hoist" in soup.get_text()
        assert soup.find("input", attrs={"name": "status", "value": "open"}).has_attr("checked")

    @pytest.mark.parametrize("changes, field, message", [
        ({"fed_back_on": "", "fed_back_how": "At the huddle"}, "fed_back_on", "Enter the date you fed back to staff"),
        ({"fed_back_on": (TODAY + timedelta(days=2)).isoformat()}, "fed_back_on",
         "The feedback date cannot be in the future"),
        ({"status": "finished"}, "status", "Not a valid choice."),
    ])
    def test_invalid_follow_up_is_shown_beside_the_field_and_not_saved(self, client, login_as, org, member,
                                                                      changes, field, message):
        action = make_walk(org, member).actions[0]
        login_as(member)
        data = {"status": "done", "fed_back_on": TODAY.isoformat(), "fed_back_how": "", "version": "1", **changes}
        response = post_form(client, "gemba.action", data, action_id=action.id)
        assert field_error(_soup(response), field) == message
        db.session.refresh(action)
        assert action.status is ActionStatus.OPEN

    def test_recording_you_said_we_did_saves_and_returns_to_the_walk(self, client, login_as, org, member):
        walk = make_walk(org, member)
        action = walk.actions[0]
        login_as(member)
        data = {"status": "done", "fed_back_on": TODAY.isoformat(), "fed_back_how": "At the 9am huddle",
                "version": "1"}
        response = post_form(client, "gemba.action", data, _expected_status=302, action_id=action.id)
        assert response.headers["Location"] == url_for("gemba.detail", walk_id=walk.id, _anchor="actions",
                                                             _external=False)
        db.session.refresh(action)
        assert (action.status, action.fed_back_on, action.fed_back_how) == (ActionStatus.DONE, TODAY,
                                                                             "At the 9am huddle")


class TestMyActions:
    def test_lists_my_open_actions_with_overdue_ones_marked(self, client, login_as, org, member, leader):
        from impact_tracker.gemba.services import ActionInput

        actions = (ActionInput("Late one", member.email, TODAY - timedelta(days=1)),
                   ActionInput("Someone else's", leader.email, TODAY))
        make_walk(org, member, walked_on=TODAY - timedelta(days=10), actions=actions)
        login_as(member)
        soup = get_page(client, "gemba.my_actions")
        items = soup.select(".app-gemba-action")
        assert len(items) == 1
        assert "Late one" in items[0].get_text() and "Overdue" in items[0].get_text()


class TestTakeForward:
    def test_anonymous_is_sent_to_sign_in(self, client, org, member):
        walk = make_walk(org, member)
        response = client.post(url_for("gemba.take_forward", walk_id=walk.id),
                               data={"source": "idea-1", "target": "project"})
        assert response.headers["Location"].startswith("/sign-in")
        assert db.session.query(Project).count() == 0

    def test_another_organisations_walk_is_not_found(self, client, login_as, other_org, member):
        walk = make_walk(other_org, factories.make_user(other_org))
        login_as(member)
        post_form(client, "gemba.take_forward", {"source": "idea-1", "target": "project"}, _expected_status=404,
                  walk_id=walk.id)
        assert db.session.query(Project).count() == 0

    def test_the_form_offers_the_walks_concerns_and_ideas_with_the_chosen_one_ticked(self, client, login_as, org,
                                                                                     member):
        walk = make_walk(org, member)
        login_as(member)
        soup = get_page(client, "gemba.take_forward", walk_id=walk.id, source="idea-2")
        labels = [label.get_text(strip=True) for label in soup.select("#source-fieldset label, .nhsuk-radios label")]
        assert "Label the spare hoist batteries" in labels and "Only one working hoist for the bay" in labels
        assert soup.find("input", attrs={"name": "source", "value": "idea-2"}).has_attr("checked")

    def test_a_change_idea_needs_a_project(self, client, login_as, org, member):
        walk = make_walk(org, member)
        login_as(member)
        response = post_form(client, "gemba.take_forward", {"source": "idea-1", "target": "change_idea"},
                             walk_id=walk.id)
        assert field_error(_soup(response), "project_id") == "Choose the project the change idea belongs to"
        assert db.session.query(ChangeIdea).count() == 0

    def test_a_concern_becomes_a_proposed_project_in_one_step(self, client, login_as, org, member):
        walk = make_walk(org, member)
        login_as(member)
        source = f"concern-{walk.concerns[0].id}"
        response = post_form(client, "gemba.take_forward", {"source": source, "target": "project"},
                             _expected_status=302, walk_id=walk.id)
        project = db.session.query(Project).one()
        assert response.headers["Location"] == url_for("projects.detail", project_id=project.id, _external=False)
        assert project.title == "Only one working hoist for the bay" and project.status is ProjectStatus.PROPOSED
        assert walk.projects == [project]

    def test_an_idea_becomes_a_change_idea_on_a_project(self, client, login_as, org, member, project):
        walk = make_walk(org, member)
        login_as(member)
        post_form(client, "gemba.take_forward", {"source": "idea-1", "target": "change_idea",
                                                 "project_id": str(project.id)}, _expected_status=302, walk_id=walk.id)
        assert [i.text for i in project.change_ideas] == ["Label the spare hoist batteries"]


def test_the_service_worker_is_served_uncached_with_scope_for_the_walk_pages(client, login_as, member):
    login_as(member)
    with client.get(url_for("gemba.service_worker")) as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["Service-Worker-Allowed"] == "/walks"
        assert "/walks/new" in response.get_data(as_text=True)
