"""Project pages: registering, editing, the list, team, progress score and driver diagram (five cases each)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.core.impact import ImpactComponent
from impact_tracker.core.mixins import utcnow
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.projects.models import (
    ChangeIdea,
    ChangeIdeaStatus,
    Driver,
    DriverKind,
    ProgressScore,
    Project,
    ProjectStatus,
    TeamMember,
    TeamRole,
)

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form

VALID_PROJECT = {
    "title": "Discharge before noon", "problem": "Patients wait for transport all afternoon.",
    "aim_what": "Increase discharges before noon", "aim_baseline": "12%", "aim_target": "33%",
    "aim_by": "2027-06-30", "aim_for_whom": "Adult medical wards", "unit_id": "", "status": "active",
    "start_date": "2026-11-01", "expected_end_date": "2027-06-30", "components": ["embedding_management_systems"],
    "strategic_priority": "Flow", "method": "qsir",
}


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _driver(project, kind=DriverKind.PRIMARY, text="Reliable assessment", primaries=()):
    driver = Driver(project=project, kind=kind, text=text, primaries=list(primaries))
    db.session.add(driver)
    db.session.commit()
    return driver


def _routes(project, driver, idea, member):
    """Every data-changing project route with a valid body."""
    return [
        ("projects.edit", {"project_id": project.id}, VALID_PROJECT),
        ("projects.team_add", {"project_id": project.id}, {"user_id": str(member.id), "team_role": "coach"}),
        ("projects.team_remove", {"project_id": project.id, "member_id": project.team[0].id}, {}),
        ("projects.progress", {"project_id": project.id}, {"score": "2.5", "note": "Tests running"}),
        ("projects.drivers_new", {"project_id": project.id}, {"kind": "primary", "text": "Staff time"}),
        ("projects.drivers_edit", {"project_id": project.id, "driver_id": driver.id}, {"kind": "primary", "text": "X"}),
        ("projects.drivers_delete", {"project_id": project.id, "driver_id": driver.id}, {}),
        ("projects.change_ideas_new", {"project_id": project.id}, {"text": "Board round", "status": "idea"}),
        ("projects.change_ideas_edit", {"project_id": project.id, "idea_id": idea.id}, {"text": "X", "status": "idea"}),
    ]


@pytest.fixture
def theirs(other_org):
    """Another organisation's project with a team member, a driver and a change idea."""
    outsider = factories.make_user(other_org, Role.PROJECT_LEAD)
    project = factories.make_project(other_org, title="Their project")
    db.session.add(TeamMember(project=project, user=outsider, team_role=TeamRole.LEAD))
    db.session.commit()
    return project, _driver(project), factories.make_change_idea(project), outsider


def test_every_data_changing_route_sends_anonymous_users_to_sign_in(client, theirs):
    project, driver, idea, outsider = theirs
    for endpoint, values, body in _routes(project, driver, idea, outsider):
        response = client.post(url_for(endpoint, **values), data=body)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), endpoint


def test_another_organisations_project_is_not_found_and_unchanged(client, login_as, member, theirs):
    project, driver, idea, outsider = theirs
    login_as(member)
    for endpoint, values, body in _routes(project, driver, idea, outsider):
        assert client.post(url_for(endpoint, **values), data=body).status_code == 404, endpoint
    get_page(client, "projects.detail", project_id=project.id, _expected_status=404)
    db.session.expire_all()
    assert (project.title, len(project.team), len(project.drivers), project.scores) == ("Their project", 1, 1, [])
    assert db.session.get(ChangeIdea, idea.id).text == idea.text


def test_a_system_viewer_can_read_but_not_change_projects_in_their_system(client, login_as, org, project):
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
    login_as(viewer)
    assert "Reduce falls on Ward 7" in get_page(client, "projects.detail", project_id=project.id).get_text()
    post_form(client, "projects.progress", {"score": "3.0", "note": "x"}, project_id=project.id, _expected_status=403)


class TestRegisterProject:
    def test_anonymous_is_sent_to_sign_in(self, client):
        assert client.post(url_for("projects.new"), data=VALID_PROJECT).headers["Location"].startswith("/sign-in")

    def test_the_form_renders_with_the_five_impact_components(self, client, login_as, member):
        login_as(member)
        soup = get_page(client, "projects.new")
        assert soup.h1.get_text(strip=True) == "Register a project"
        assert len(soup.find_all("input", {"name": "components"})) == 5

    @pytest.mark.parametrize("changes, field, message", [
        ({"title": ""}, "title", "Enter a title for the project"),
        ({"aim_what": ""}, "aim_what", "Say what will improve"),
        ({"aim_by": "31/02/2027"}, "aim_by", "Not a valid date value."),
        ({"expected_end_date": "2026-10-01"}, "expected_end_date",
         "The expected end must be on or after the start date"),
        ({"status": "finished"}, "status", "Not a valid choice."),
        ({"title": "x" * 161}, "title", "Field cannot be longer than 160 characters."),
    ])
    def test_invalid_input_is_shown_beside_the_field_and_nothing_is_saved(self, client, login_as, member, changes,
                                                                          field, message):
        login_as(member)
        response = post_form(client, "projects.new", {**VALID_PROJECT, **changes})
        assert field_error(_soup(response), field) == message
        assert db.session.query(Project).count() == 0

    def test_a_valid_project_is_saved_with_its_aim_components_and_the_registrant_as_lead(self, client, login_as,
                                                                                          member, org):
        login_as(member)
        response = post_form(client, "projects.new", VALID_PROJECT, _expected_status=302)
        project = db.session.query(Project).one()
        assert response.headers["Location"] == f"/projects/{project.id}"
        assert (project.organisation_id, project.status, project.aim_target, project.aim_by) == (
            org.id, ProjectStatus.ACTIVE, "33%", date(2027, 6, 30))
        assert project.components == [ImpactComponent.MANAGEMENT_SYSTEMS]
        assert [(m.user_id, m.team_role) for m in project.team] == [(member.id, TeamRole.LEAD)]
        text = page_text(client.get(response.headers["Location"]))
        assert "Increase discharges before noon from 12% to 33% by 30 June 2027, for Adult medical wards" in text

    def test_a_viewer_without_an_organisation_cannot_register(self, client, login_as, admin):
        login_as(admin)
        get_page(client, "projects.new", _expected_status=404)


class TestEditProject:
    def test_the_form_is_prefilled(self, client, login_as, member, project):
        login_as(member)
        soup = get_page(client, "projects.edit", project_id=project.id)
        assert soup.find(id="title")["value"] == "Reduce falls on Ward 7"
        assert soup.find("input", {"name": "version"})["value"] == str(project.version)

    def test_invalid_input_changes_nothing(self, client, login_as, member, project):
        login_as(member)
        response = post_form(client, "projects.edit", {**VALID_PROJECT, "title": ""}, project_id=project.id)
        assert field_error(_soup(response), "title") == "Enter a title for the project"
        db.session.refresh(project)
        assert project.title == "Reduce falls on Ward 7"

    def test_a_valid_edit_is_saved(self, client, login_as, member, project):
        login_as(member)
        post_form(client, "projects.edit", {**VALID_PROJECT, "version": str(project.version)},
                  project_id=project.id, _expected_status=302)
        db.session.refresh(project)
        assert (project.title, project.method.value) == ("Discharge before noon", "qsir")

    def test_an_edit_from_a_stale_page_is_refused_with_a_clear_message(self, client, login_as, member, project):
        login_as(member)
        stale = str(project.version)
        project.title = "Changed by a colleague"
        db.session.commit()
        response = post_form(client, "projects.edit", {**VALID_PROJECT, "version": stale}, project_id=project.id)
        assert "Someone else saved this project while you were editing it" in page_text(response)
        db.session.refresh(project)
        assert project.title == "Changed by a colleague"
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        rows = {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
                for row in soup.select("table.app-conflict tbody tr")}
        assert rows["Project title"] == ["Changed by a colleague", VALID_PROJECT["title"]]  # both, side by side
        assert soup.find("input", {"name": "title"})["value"] == VALID_PROJECT["title"]  # yours stays in the form
        again = post_form(client, "projects.edit", _form_fields(soup), project_id=project.id, _expected_status=302)
        assert again.status_code == 302
        db.session.refresh(project)
        assert project.title == VALID_PROJECT["title"]  # saving again keeps this person's version, knowingly


def _form_fields(soup: BeautifulSoup) -> dict:
    """What a browser would post back from the page's main form as it stands."""
    form = soup.find("form", id="main-form")
    fields = {tag["name"]: tag.get("value", "") for tag in form.find_all("input")
              if tag.get("name") and tag.get("type") not in ("checkbox", "radio")}
    fields |= {tag["name"]: tag.get_text() for tag in form.find_all("textarea")}
    for select in form.find_all("select"):
        chosen = select.find("option", selected=True)
        fields[select["name"]] = chosen["value"] if chosen else ""
    for tag in form.find_all("input", {"type": ["checkbox", "radio"]}, checked=True):
        fields.setdefault(tag["name"], [])
        if isinstance(fields[tag["name"]], list):
            fields[tag["name"]].append(tag["value"])
    return fields


class TestProjectList:
    def test_lists_only_visible_projects_and_filters_by_search_status_and_component(self, client, login_as, member,
                                                                                     org, other_project):
        factories.make_project(org, title="Sepsis antibiotics within the hour", status=ProjectStatus.ACTIVE,
                               aim_what="Give antibiotics sooner")
        on_hold = factories.make_project(org, title="Falls on ward 9", status=ProjectStatus.ON_HOLD)
        db.session.add_all([Driver(project=on_hold, kind=DriverKind.PRIMARY, text="x")])
        from impact_tracker.projects.models import ProjectComponent

        db.session.add(ProjectComponent(project=on_hold, component=ImpactComponent.LEADERSHIP))
        db.session.commit()
        login_as(member)
        text = get_page(client, "projects.index").get_text()
        assert "Sepsis antibiotics" in text and "Falls on ward 9" in text and "Their project" not in text
        assert "Sepsis" not in get_page(client, "projects.index", q="FALLS").get_text()
        assert "Falls on ward 9" not in get_page(client, "projects.index", status="active").get_text()
        text = get_page(client, "projects.index", component="developing_leadership_behaviours").get_text()
        assert "Falls on ward 9" in text and "Sepsis" not in text

    def test_my_projects_filter(self, client, login_as, member, org, project):
        factories.make_project(org, title="Not mine")
        db.session.add(TeamMember(project=project, user=member, team_role=TeamRole.MEMBER))
        db.session.commit()
        login_as(member)
        text = get_page(client, "projects.index", mine="1").get_text()
        assert "Reduce falls on Ward 7" in text and "Not mine" not in text

    def test_a_bad_filter_value_shows_the_unfiltered_list_not_an_error(self, client, login_as, member, project):
        login_as(member)
        assert "Reduce falls on Ward 7" in get_page(client, "projects.index", status="nonsense").get_text()


class TestTeam:
    def test_adding_a_colleague_and_changing_their_role(self, client, login_as, member, org, project):
        colleague = factories.make_user(org, name="Cora Colleague")
        login_as(member)
        post_form(client, "projects.team_add", {"user_id": str(colleague.id), "team_role": "sponsor"},
                  project_id=project.id, _expected_status=302)
        post_form(client, "projects.team_add", {"user_id": str(colleague.id), "team_role": "coach"},
                  project_id=project.id, _expected_status=302)
        db.session.refresh(project)
        assert [(m.user.name, m.team_role) for m in project.team] == [("Cora Colleague", TeamRole.COACH)]

    def test_someone_from_another_organisation_cannot_be_added(self, client, login_as, member, other_org, project):
        outsider = factories.make_user(other_org)
        login_as(member)
        response = post_form(client, "projects.team_add", {"user_id": str(outsider.id), "team_role": "member"},
                             project_id=project.id)
        assert field_error(_soup(response), "user_id") == "Not a valid choice."
        assert db.session.query(TeamMember).count() == 0

    def test_the_last_lead_cannot_be_removed(self, client, login_as, member, project):
        lead = TeamMember(project=project, user=member, team_role=TeamRole.LEAD)
        db.session.add(lead)
        db.session.commit()
        login_as(member)
        response = client.post(url_for("projects.team_remove", project_id=project.id, member_id=lead.id),
                               follow_redirects=True)
        assert "A project needs a lead" in page_text(response)
        assert db.session.query(TeamMember).count() == 1


class TestProgressScore:
    def test_the_form_lists_the_ihi_levels(self, client, login_as, member, project):
        login_as(member)
        options = get_page(client, "projects.progress", project_id=project.id).find(id="score").find_all("option")
        assert options[0].get_text() == "0.5 – Intent to participate"
        assert options[-1].get_text() == "5.0 – Outstanding sustainable results"

    @pytest.mark.parametrize("data, field, message", [
        ({"score": "2.7", "note": "x"}, "score", "Not a valid choice."),
        ({"score": "3.0", "note": ""}, "note", "Say briefly why the score is this level"),
    ])
    def test_invalid_scores_are_refused(self, client, login_as, member, project, data, field, message):
        login_as(member)
        response = post_form(client, "projects.progress", data, project_id=project.id)
        assert field_error(_soup(response), field) == message
        assert db.session.query(ProgressScore).count() == 0

    def test_scores_are_kept_as_a_history_with_who_and_why(self, client, login_as, member, project):
        login_as(member)
        post_form(client, "projects.progress", {"score": "2.0", "note": "Testing started"}, project_id=project.id,
                  _expected_status=302)
        post_form(client, "projects.progress", {"score": "3.0", "note": "Shift on the run chart"},
                  project_id=project.id, _expected_status=302)
        db.session.refresh(project)
        assert [(s.score, s.note, s.set_by_id) for s in project.scores] == [
            (Decimal("3.0"), "Shift on the run chart", member.id), (Decimal("2.0"), "Testing started", member.id)]
        text = page_text(client.get(url_for("projects.detail", project_id=project.id)))
        assert "3.0 Modest improvement" in text and "Score history (2)" in text

    def test_an_active_project_prompts_for_a_score_when_none_is_set_or_it_is_90_days_old(self, client, login_as,
                                                                                          member, project):
        login_as(member)
        assert "Review the progress score" in get_page(client, "projects.detail", project_id=project.id).get_text()
        db.session.add(ProgressScore(project=project, score=Decimal("2.0"), note="x", set_at=utcnow()))
        db.session.commit()
        assert "Review the progress score" not in get_page(client, "projects.detail", project_id=project.id).get_text()
        project.scores[0].set_at = utcnow() - timedelta(days=91)
        db.session.commit()
        page = get_page(client, "projects.detail", project_id=project.id)
        assert "has not changed for over 90 days" in page.get_text()


class TestDriverDiagram:
    def test_a_secondary_driver_must_feed_a_primary(self, client, login_as, member, project):
        _driver(project)
        login_as(member)
        response = post_form(client, "projects.drivers_new", {"kind": "secondary", "text": "Night staffing"},
                             project_id=project.id)
        assert "Choose the primary driver" in field_error(_soup(response), "primary_ids")
        assert db.session.query(Driver).count() == 1

    def test_an_empty_driver_is_refused(self, client, login_as, member, project):
        login_as(member)
        response = post_form(client, "projects.drivers_new", {"kind": "primary", "text": ""}, project_id=project.id)
        assert field_error(_soup(response), "text") == "Describe the driver"

    def test_the_diagram_links_aim_primaries_secondaries_and_ideas_and_reads_as_nested_lists(self, client, login_as,
                                                                                             member, project):
        login_as(member)
        post_form(client, "projects.drivers_new", {"kind": "primary", "text": "Reliable risk assessment"},
                  project_id=project.id, _expected_status=302)
        primary = db.session.query(Driver).one()
        post_form(client, "projects.drivers_new", {"kind": "secondary", "text": "Assessed within 6 hours",
                                                   "primary_ids": [str(primary.id)]},
                  project_id=project.id, _expected_status=302)
        secondary = db.session.query(Driver).filter_by(kind=DriverKind.SECONDARY).one()
        post_form(client, "projects.change_ideas_new", {"text": "Falls bundle on admission", "status": "testing",
                                                        "driver_ids": [str(secondary.id)]},
                  project_id=project.id, _expected_status=302)
        soup = get_page(client, "projects.detail", project_id=project.id)
        nested = soup.find("ul", class_="app-diagram-list")
        assert nested.li.get_text(" ", strip=True).startswith("Primary driver: Reliable risk assessment")
        assert "Secondary driver: Assessed within 6 hours" in nested.li.ul.li.get_text(" ", strip=True)
        assert nested.li.ul.li.ul.li.get_text(" ", strip=True) == "Change idea: Falls bundle on admission (testing)"
        assert soup.find(class_="app-diagram")["aria-hidden"] == "true"

    def test_editing_and_deleting_a_driver(self, client, login_as, member, project):
        driver = _driver(project)
        login_as(member)
        assert get_page(client, "projects.drivers_edit", project_id=project.id, driver_id=driver.id).find(
            id="text")["value"] == "Reliable assessment"
        post_form(client, "projects.drivers_edit", {"kind": "primary", "text": "Reliable, timely assessment"},
                  project_id=project.id, driver_id=driver.id, _expected_status=302)
        db.session.refresh(driver)
        assert driver.text == "Reliable, timely assessment"
        post_form(client, "projects.drivers_delete", {}, project_id=project.id, driver_id=driver.id,
                  _expected_status=302)
        assert db.session.query(Driver).count() == 0

    def test_a_driver_cannot_be_reached_through_another_project(self, client, login_as, member, org, project):
        elsewhere = factories.make_project(org)
        driver = _driver(elsewhere)
        login_as(member)
        get_page(client, "projects.drivers_edit", project_id=project.id, driver_id=driver.id, _expected_status=404)

    def test_change_idea_status_changes_are_saved(self, client, login_as, member, project):
        idea = factories.make_change_idea(project, text="Red socks for high-risk patients")
        login_as(member)
        response = post_form(client, "projects.change_ideas_edit", {"text": "", "status": "adopted"},
                             project_id=project.id, idea_id=idea.id)
        assert field_error(_soup(response), "text") == "Describe the change idea"
        post_form(client, "projects.change_ideas_edit", {"text": idea.text, "status": "adopted"},
                  project_id=project.id, idea_id=idea.id, _expected_status=302)
        db.session.refresh(idea)
        assert idea.status is ChangeIdeaStatus.ADOPTED


def test_the_home_page_lists_the_users_open_projects(client, login_as, member, org):
    mine = factories.make_project(org, title="Mine and active")
    done = factories.make_project(org, title="Mine but completed", status=ProjectStatus.COMPLETED)
    factories.make_project(org, title="Not on the team")
    db.session.add_all([TeamMember(project=mine, user=member), TeamMember(project=done, user=member)])
    db.session.commit()
    login_as(member)
    text = get_page(client, "home.index").get_text()
    assert "Mine and active" in text
    assert "Mine but completed" not in text and "Not on the team" not in text


def test_a_long_team_picker_lists_everyone_in_the_nhs_select_markup(client, login_as, member, project, org):
    for index in range(45):
        factories.make_user(org, name=f"Staff Member {index:02d}")
    login_as(member)
    soup = get_page(client, "projects.detail", project_id=project.id)
    picker = soup.select_one("select#user_id.nhsuk-select")
    names = [option.get_text(strip=True) for option in picker.find_all("option")]
    assert names[0] == "Choose a person" and "Staff Member 44" in names and len(names) >= 46
    assert soup.select_one("label.nhsuk-label[for=user_id]").get_text(strip=True) == "Add a person"


def test_a_long_select_shows_its_error_beside_the_field_like_a_short_one(app):
    from flask import render_template_string
    from wtforms import SelectField

    from impact_tracker.core.forms import BaseForm, choices

    class Picker(BaseForm):
        person = SelectField("Person", description="Who is joining")

    template = '{% from "macros/forms.html" import field %}{{ field(form.person) }}'
    rendered = {}
    for size in (3, 60):
        with app.test_request_context():
            form = Picker(meta={"csrf": False})
            form.person.choices = choices([(str(n), f"Person {n}") for n in range(size)])
            form.person.errors = ["Choose the person to add"]
            rendered[size] = BeautifulSoup(render_template_string(template, form=form), "html.parser")
    for soup in rendered.values():
        assert field_error(soup, "person") == "Choose the person to add"
        assert soup.select_one("select#person")["aria-describedby"] == "person-hint person-error"
        assert soup.select_one(".nhsuk-form-group--error .nhsuk-select--error") is not None
    assert len(rendered[60].find_all("option")) == 60
