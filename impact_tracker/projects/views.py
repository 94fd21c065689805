"""Project pages: the list, registering a project, the project page, progress scores and driver diagram.

Measures and PDSA cycles build on projects. They add their blocks to the project page with
`add_project_section` when their views are imported, so this module never imports a higher domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from ..core.pagination import paginate
from ..core.permissions import Action, can, get_for_user_or_404
from . import queries
from .models import Project

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


def _sections(project: Project) -> list[tuple[str, dict]]:
    return [(s.template, s.load(project, current_user)) for s in sorted(_SECTIONS.values(), key=lambda s: s.order)]


@bp.route("/<int:project_id>")
def detail(project_id: int):
    project = queries.load_project_page(get_for_user_or_404(Project, project_id, current_user))
    return render_template(
        "projects/detail.html", project=project, sections=_sections(project),
        can_contribute=can(current_user, Action.CONTRIBUTE, project.organisation),
    )


@bp.route("")
def index():
    page = paginate(queries.projects_query(current_user, queries.ProjectFilters()), 1, 50)
    return render_template("projects/index.html", page=page)
