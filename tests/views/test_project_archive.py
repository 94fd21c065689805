"""Archiving a project from its page, the leads' Archived projects page and restoring (five cases each)."""

from __future__ import annotations

from flask import url_for

from impact_tracker.core.mixins import utcnow
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.projects.models import Project

from .. import factories
from ..conftest import get_page, page_text, post_form


def _archive(project):
    project.archived_at = utcnow()
    db.session.commit()


def _reloaded(project) -> Project:
    db.session.expire_all()
    return db.session.get(Project, project.id)


# Archiving: anonymous, another organisation, GET, invalid, valid


def test_archiving_needs_sign_in(client, project):
    response = client.post(url_for("projects.archive", project_id=project.id), data={"confirm": "yes"})
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert _reloaded(project).archived_at is None


def test_another_organisations_project_cannot_be_archived(client, login_as, member, other_project):
    login_as(member)
    get_page(client, "projects.archive", project_id=other_project.id, _expected_status=404)
    post_form(client, "projects.archive", {"confirm": "yes"}, project_id=other_project.id, _expected_status=404)
    assert _reloaded(other_project).archived_at is None


def test_the_project_page_offers_archiving_and_the_confirmation_page_explains_it(client, login_as, member, project):
    login_as(member)
    page = get_page(client, "projects.detail", project_id=project.id)
    link = page.find("a", string="Archive this project")
    assert link["href"] == url_for("projects.archive", project_id=project.id, _external=False)

    page = get_page(client, "projects.archive", project_id=project.id)
    assert page.h1.get_text(strip=True) == "Archive this project"
    assert "Nothing is lost" in page.get_text()


def test_archiving_without_choosing_shows_the_error_and_archives_nothing(client, login_as, member, project):
    login_as(member)
    page = post_form(client, "projects.archive", {"version": str(project.version)}, project_id=project.id)
    assert "Select yes to archive the project, or no to keep it" in page_text(page)
    assert _reloaded(project).archived_at is None


def test_archiving_from_a_stale_page_says_someone_changed_it(client, login_as, member, project):
    login_as(member)
    page = post_form(client, "projects.archive", {"confirm": "yes", "version": str(project.version + 1)},
                     project_id=project.id)
    assert "Someone else changed this project" in page_text(page)
    assert _reloaded(project).archived_at is None


def test_answering_no_keeps_the_project(client, login_as, member, project):
    login_as(member)
    response = post_form(client, "projects.archive", {"confirm": "no"}, project_id=project.id, _expected_status=302)
    assert response.headers["Location"].endswith(url_for("projects.detail", project_id=project.id, _external=False))
    assert _reloaded(project).archived_at is None


def test_archiving_hides_the_project_from_the_list(client, login_as, member, project):
    login_as(member)
    response = post_form(client, "projects.archive", {"confirm": "yes", "version": str(project.version)},
                         project_id=project.id, _expected_status=302)
    assert response.headers["Location"].endswith("/projects")
    assert _reloaded(project).archived_at is not None
    listing = client.get(url_for("projects.index"), follow_redirects=True)
    assert "Reduce falls on Ward 7 has been archived" in page_text(listing)
    assert "No projects match" in page_text(listing)


def test_viewers_cannot_archive(client, login_as, org, project):
    login_as(factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system))
    post_form(client, "projects.archive", {"confirm": "yes"}, project_id=project.id, _expected_status=403)
    assert _reloaded(project).archived_at is None


# An archived project's page and its content


def test_an_archived_project_shows_a_banner_and_offers_no_changes(client, login_as, member, project):
    factories.make_measure(project, name="Falls per 1,000 bed days", values=[3, 4])
    _archive(project)
    login_as(member)
    page = get_page(client, "projects.detail", project_id=project.id)
    text = page.get_text(" ")
    assert "This project is archived" in text and "An organisation improvement lead can restore it" in text
    for offer in ("Edit project details", "Add a measure", "Start a PDSA cycle", "Set the progress score",
                  "Archive this project", "Add to team"):
        assert offer not in text, offer
    assert "Falls per 1,000 bed days" in text


def test_changing_an_archived_projects_content_is_refused_with_a_clear_message(client, login_as, member, project):
    measure = factories.make_measure(project, values=[3, 4])
    _archive(project)
    login_as(member)
    response = client.post(url_for("measures.new_measure", project_id=project.id),
                           data={"name": "Harm", "kind": "outcome", "chart": "run", "frequency": "weekly",
                                 "improvement_direction": "decrease"})
    assert "This project is archived, so it cannot be changed" in page_text(response)
    response = client.post(url_for("projects.progress", project_id=project.id), data={"score": "2.0", "note": "x"})
    assert "This project is archived, so it cannot be changed" in page_text(response)
    project = _reloaded(project)
    assert project.scores == [] and [m.name for m in db.session.scalars(db.select(type(measure)))] == [measure.name]


# The Archived projects page


def test_leads_reach_archived_projects_from_the_projects_page(client, login_as, leader, project):
    _archive(project)
    login_as(leader)
    page = get_page(client, "projects.index")
    assert page.find("a", string="Archived projects")["href"] == url_for("projects.archived", _external=False)
    page = get_page(client, "projects.archived")
    assert page.find("a", string="Reduce falls on Ward 7") is not None
    assert page.find("main").find("button").get_text(" ", strip=True) == "Restore Reduce falls on Ward 7"


def test_staff_who_are_not_leads_neither_see_nor_open_archived_projects(client, login_as, member, project):
    _archive(project)
    login_as(member)
    assert get_page(client, "projects.index").find("a", string="Archived projects") is None
    get_page(client, "projects.archived", _expected_status=403)


def test_the_archived_list_shows_only_the_leads_organisation(client, login_as, leader, project, other_project):
    _archive(project)
    _archive(other_project)
    login_as(leader)
    text = get_page(client, "projects.archived").get_text(" ")
    assert "Reduce falls on Ward 7" in text and "Their project" not in text


# Restoring: anonymous, another organisation, GET, invalid, valid


def test_restoring_needs_sign_in(client, project):
    _archive(project)
    response = client.post(url_for("projects.restore", project_id=project.id))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert _reloaded(project).archived_at is not None


def test_another_organisations_project_cannot_be_restored(client, login_as, leader, other_project):
    _archive(other_project)
    login_as(leader)
    post_form(client, "projects.restore", {}, project_id=other_project.id, _expected_status=404)
    assert _reloaded(other_project).archived_at is not None


def test_the_restore_page_renders_for_a_lead(client, login_as, leader, project):
    _archive(project)
    login_as(leader)
    page = get_page(client, "projects.detail", project_id=project.id)
    assert page.find("a", string="Restore this project")["href"] == url_for("projects.restore", project_id=project.id,
                                                                          _external=False)
    page = get_page(client, "projects.restore", project_id=project.id)
    assert page.h1.get_text(strip=True) == "Restore Reduce falls on Ward 7"


def test_restoring_a_project_that_is_not_archived_says_so(client, login_as, leader, project):
    login_as(leader)
    page = post_form(client, "projects.restore", {"version": str(project.version)}, project_id=project.id)
    assert "There is a problem This project is not archived" in page_text(page)
    assert _reloaded(project).archived_at is None


def test_restoring_from_a_stale_list_says_someone_changed_it(client, login_as, leader, project):
    _archive(project)
    login_as(leader)
    page = post_form(client, "projects.restore", {"version": str(project.version - 1)}, project_id=project.id)
    assert "Someone else changed this project" in page_text(page)
    assert _reloaded(project).archived_at is not None


def test_a_lead_restores_a_project_from_the_archived_list(client, login_as, leader, project):
    _archive(project)
    login_as(leader)
    response = post_form(client, "projects.restore", {"version": str(project.version)}, project_id=project.id,
                         _expected_status=302)
    assert response.headers["Location"].endswith(f"/projects/{project.id}")
    assert _reloaded(project).archived_at is None
    assert "Reduce falls on Ward 7" in page_text(client.get(url_for("projects.index")))


def test_staff_who_are_not_leads_cannot_restore(client, login_as, member, project):
    _archive(project)
    login_as(member)
    post_form(client, "projects.restore", {}, project_id=project.id, _expected_status=403)
    assert _reloaded(project).archived_at is not None
