"""Project pages: the list, registering, the project page, team, progress score, driver diagram, archiving.

Measures and PDSA cycles build on projects. They add their blocks to the project page with
`add_project_section` when their views are imported, so this module never imports a higher domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.errors import DomainError, NotFound, VersionConflict
from ..core.forms import apply_domain_error, choices, show_conflict
from ..core.pagination import paginate
from ..core.permissions import Action, can, get_for_user_or_404, own_organisation_or_404
from ..orgs.queries import unit_choices
from . import queries, services
from .forms import (
    ArchiveProjectForm,
    ChangeIdeaForm,
    DriverForm,
    ProgressScoreForm,
    ProjectForm,
    ProjectSearchForm,
    RestoreProjectForm,
    TeamMemberForm,
)
from .models import ChangeIdea, Driver, DriverKind, Project

bp = Blueprint("projects", __name__, url_prefix="/projects")


@dataclass(frozen=True)
class Section:
    """One block of the project page: a template fragment and a loader for its context."""

    order: int
    template: str
    load: Callable[[Any, Any], dict]


_SECTIONS: dict[str, Section] = {}


def add_project_section(name: str, order: int, template: str, load: Callable[[Any, Any], dict]) -> None:
    """Register (or replace) a block of the project page; `load(project, user)` returns its context."""
    _SECTIONS[name] = Section(order, template, load)


# The project's own blocks, placed around those other domains add (measures at 20, PDSA cycles at 30);
# they read the page's own context (project, diagram, team_form), so their loaders add nothing.
add_project_section("progress", 10, "projects/_progress.html", lambda project, user: {})
add_project_section("driver-diagram", 40, "projects/_driver_diagram.html", lambda project, user: {})
add_project_section("team", 50, "projects/_team.html", lambda project, user: {})


# The flags sections use to offer changes; an archived project's page turns them off (it is read-only).
_CHANGE_FLAGS = ("can_contribute", "can_start")


def _sections(project: Project) -> list[tuple[str, dict]]:
    sections = [(s.template, s.load(project, current_user)) for s in sorted(_SECTIONS.values(), key=lambda s: s.order)]
    if project.archived_at is None:
        return sections
    return [(template, {**data, **{flag: False for flag in _CHANGE_FLAGS if flag in data}})
            for template, data in sections]


def _editable(project_id: int) -> Project:
    return get_for_user_or_404(Project, project_id, current_user, Action.CONTRIBUTE)


@bp.route("")
def index():
    form = ProjectSearchForm(request.args)
    organisation = current_user.organisation
    form.unit_id.choices = choices(unit_choices(organisation, blank="Any unit") if organisation else [("", "Any unit")])
    if not form.validate():
        form = ProjectSearchForm(formdata=None)
        form.unit_id.choices = choices([("", "Any unit")])
    page = paginate(queries.projects_query(current_user, queries.filters_from(form.data)),
                    max(1, form.page.data or 1), 25)
    filter_args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template("projects/index.html", page=page, form=form, filter_args=filter_args,
                           can_register=can(current_user, Action.CONTRIBUTE, organisation),
                           can_restore=can(current_user, Action.MANAGE_ORGANISATION, organisation))


@bp.route("/new", methods=["GET", "POST"])
def new():
    organisation = current_user.organisation
    if organisation is None or not can(current_user, Action.CONTRIBUTE, organisation):
        raise NotFound("no organisation to register a project in")
    form = ProjectForm()
    form.unit_id.choices = choices(unit_choices(organisation, blank="Whole organisation"))
    if form.validate_on_submit():
        try:
            project = services.create_project(organisation, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("Project registered. Next, add your measures and driver diagram.", "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=None)


@bp.route("/<int:project_id>")
def detail(project_id: int):
    project = queries.load_project_page(get_for_user_or_404(Project, project_id, current_user))
    contributor = can(current_user, Action.CONTRIBUTE, project.organisation)
    return render_template(
        "projects/detail.html", project=project, sections=_sections(project),
        diagram=queries.driver_diagram(project), score_is_stale=services.score_is_stale(project),
        can_contribute=contributor and project.archived_at is None, can_archive=contributor,
        can_restore=can(current_user, Action.MANAGE_ORGANISATION, project.organisation),
        team_form=_team_form(project),
    )


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
def edit(project_id: int):
    project = _editable(project_id)
    form = _project_form(project)
    if form.validate_on_submit():
        try:
            services.update_project(project, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        except VersionConflict:
            show_conflict(form, _project_form(project, as_saved=True), "Someone else saved this project while you "
                          "were editing it. Both versions are shown below; save again to keep yours.")
        else:
            flash("Project updated.", "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project)


def _project_form(project: Project, *, as_saved: bool = False) -> ProjectForm:
    """The edit form: what was posted over the project's values, or (`as_saved`) the project as saved now."""
    extra = {"formdata": None} if as_saved else {}
    form = ProjectForm(obj=project, data={"components": [c.value for c in project.components],
                                          "unit_id": str(project.unit_id or ""), "version": project.version}, **extra)
    form.unit_id.choices = choices(unit_choices(project.organisation, blank="Whole organisation"))
    return form


def _team_form(project: Project) -> TeamMemberForm:
    form = TeamMemberForm()
    form.user_id.choices = choices(queries.people_choices(project.organisation))
    return form


@bp.route("/<int:project_id>/team", methods=["POST"])
def team_add(project_id: int):
    project = _editable(project_id)
    form = _team_form(project)
    if form.validate_on_submit():
        try:
            services.add_team_member(project, int(form.user_id.data), form.team_role.data, actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("The team has been updated.", "success")
            return redirect(url_for("projects.detail", project_id=project.id, _anchor="team"))
    return render_template("projects/team.html", project=project, form=form)


@bp.route("/<int:project_id>/team/<int:member_id>/remove", methods=["POST"])
def team_remove(project_id: int, member_id: int):
    project = _editable(project_id)
    member = next((m for m in project.team if m.id == member_id), None)
    if member is None:
        raise NotFound(f"team member {member_id}")
    name = member.user.name  # read before the row is deleted: afterwards it can no longer load its user
    try:
        services.remove_team_member(member, actor=current_user)
    except DomainError as err:
        flash(err.message, "error")
    else:
        flash(f"{name} has been taken off the team.", "success")
    return redirect(url_for("projects.detail", project_id=project.id, _anchor="team"))


@bp.route("/<int:project_id>/progress", methods=["GET", "POST"])
def progress(project_id: int):
    project = _editable(project_id)
    current = project.current_score
    form = ProgressScoreForm(data={"score": str(current.score) if current else ""})
    if form.validate_on_submit():
        try:
            services.set_progress_score(project, form.score_value(), form.note.data, actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("Progress score recorded.", "success")
            return redirect(url_for("projects.detail", project_id=project.id, _anchor="progress"))
    return render_template("projects/progress.html", project=project, form=form)


def _driver_form(project: Project, driver: Driver | None = None) -> DriverForm:
    data = {"kind": driver.kind.value, "text": driver.text, "primary_ids": [p.id for p in driver.primaries]} \
        if driver else {"kind": request.args.get("kind", DriverKind.PRIMARY.value)}
    form = DriverForm(data=data)
    form.primary_ids.choices = choices(
        (d.id, d.text) for d in project.drivers if d.kind is DriverKind.PRIMARY and d is not driver)
    return form


@bp.route("/<int:project_id>/drivers/new", methods=["GET", "POST"])
def drivers_new(project_id: int):
    return _save_driver(_editable(project_id), None)


@bp.route("/<int:project_id>/drivers/<int:driver_id>/edit", methods=["GET", "POST"])
def drivers_edit(project_id: int, driver_id: int):
    driver = get_for_user_or_404(Driver, driver_id, current_user, Action.CONTRIBUTE)
    if driver.project_id != project_id:
        raise NotFound(f"driver {driver_id}")
    return _save_driver(driver.project, driver)


def _save_driver(project: Project, driver: Driver | None):
    form = _driver_form(project, driver)
    if form.validate_on_submit():
        try:
            services.save_driver(project, form.to_input(), actor=current_user, driver=driver)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("Driver diagram updated.", "success")
            return redirect(url_for("projects.detail", project_id=project.id, _anchor="driver-diagram"))
    return render_template("projects/driver_form.html", project=project, form=form, driver=driver)


@bp.route("/<int:project_id>/drivers/<int:driver_id>/delete", methods=["POST"])
def drivers_delete(project_id: int, driver_id: int):
    driver = get_for_user_or_404(Driver, driver_id, current_user, Action.CONTRIBUTE)
    if driver.project_id != project_id:
        raise NotFound(f"driver {driver_id}")
    services.delete_driver(driver, actor=current_user)
    flash("Driver removed.", "success")
    return redirect(url_for("projects.detail", project_id=project_id, _anchor="driver-diagram"))


def _idea_form(project: Project, idea: ChangeIdea | None = None) -> ChangeIdeaForm:
    data = {"text": idea.text, "status": idea.status.value, "driver_ids": [d.id for d in idea.drivers]} if idea else {}
    form = ChangeIdeaForm(data=data)
    form.driver_ids.choices = choices((d.id, d.text) for d in project.drivers if d.kind is DriverKind.SECONDARY)
    return form


@bp.route("/<int:project_id>/change-ideas/new", methods=["GET", "POST"])
def change_ideas_new(project_id: int):
    return _save_idea(_editable(project_id), None)


@bp.route("/<int:project_id>/change-ideas/<int:idea_id>/edit", methods=["GET", "POST"])
def change_ideas_edit(project_id: int, idea_id: int):
    idea = get_for_user_or_404(ChangeIdea, idea_id, current_user, Action.CONTRIBUTE)
    if idea.project_id != project_id:
        raise NotFound(f"change idea {idea_id}")
    return _save_idea(idea.project, idea)


def _save_idea(project: Project, idea: ChangeIdea | None):
    form = _idea_form(project, idea)
    if form.validate_on_submit():
        try:
            services.save_change_idea(project, form.to_input(), actor=current_user, idea=idea)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("Change idea saved.", "success")
            return redirect(url_for("projects.detail", project_id=project.id, _anchor="driver-diagram"))
    return render_template("projects/change_idea_form.html", project=project, form=form, idea=idea)


CHANGED_MESSAGE = "Someone else changed this project since you opened this page. Check the project, then try again."


@bp.app_errorhandler(services.ProjectArchived)
def archived_refused(err: services.ProjectArchived):
    """Any page that tries to change an archived project's content gets this clear refusal (409)."""
    return render_template("projects/archived_refused.html", message=err.message), 409


@bp.route("/<int:project_id>/archive", methods=["GET", "POST"])
def archive(project_id: int):
    project = _editable(project_id)
    form = ArchiveProjectForm(data={"version": project.version})
    if form.validate_on_submit():
        if not form.confirmed():
            return redirect(url_for("projects.detail", project_id=project.id))
        try:
            services.archive_project(project, actor=current_user, version=form.version_read())
        except DomainError as err:
            apply_domain_error(form, err)
        except VersionConflict:
            form.form_errors.append(CHANGED_MESSAGE)
        else:
            flash(f"{project.title} has been archived. An organisation improvement lead can restore it.", "success")
            return redirect(url_for("projects.index"))
    return render_template("projects/archive.html", project=project, form=form)


@bp.route("/archived")
def archived():
    organisation = own_organisation_or_404(current_user, Action.MANAGE_ORGANISATION)
    return render_template("projects/archived.html", organisation=organisation,
                           projects=queries.archived_projects(organisation))


@bp.route("/<int:project_id>/restore", methods=["GET", "POST"])
def restore(project_id: int):
    project = get_for_user_or_404(Project, project_id, current_user, Action.MANAGE_ORGANISATION)
    form = RestoreProjectForm(data={"version": project.version})
    if form.validate_on_submit():
        try:
            services.restore_project(project, actor=current_user, version=form.version_read())
        except DomainError as err:
            apply_domain_error(form, err)
        except VersionConflict:
            form.form_errors.append(CHANGED_MESSAGE)
        else:
            flash(f"{project.title} has been restored.", "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/restore.html", project=project, form=form)
