"""Reads for PDSA cycles: a project's cycles as ramps per change idea, one cycle's worksheet, the API list."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..projects.models import ChangeIdea, Project
from .models import PDSACycle


@dataclass(frozen=True)
class Ramp:
    """A change idea and its cycles, first to last."""

    change_idea: ChangeIdea
    cycles: list[PDSACycle]


def change_idea_choices(project: Project) -> list[tuple[str, str]]:
    """(id, text) pairs of the project's change ideas, in the driver diagram's order, for a select."""
    ideas = db.session.scalars(
        select(ChangeIdea).where(ChangeIdea.project_id == project.id).order_by(ChangeIdea.position, ChangeIdea.id)
    )
    return [(str(idea.id), idea.text) for idea in ideas]


def ramps(project: Project) -> list[Ramp]:
    """The project's cycles grouped by change idea (ideas in diagram order, cycles by number); ideas with no
    cycle are left out."""
    cycles = db.session.scalars(
        select(PDSACycle)
        .join(ChangeIdea, PDSACycle.change_idea_id == ChangeIdea.id)
        .where(PDSACycle.project_id == project.id)
        .options(selectinload(PDSACycle.change_idea))
        .order_by(ChangeIdea.position, ChangeIdea.id, PDSACycle.number)
    )
    grouped: dict[int, Ramp] = {}
    for cycle in cycles:
        grouped.setdefault(cycle.change_idea_id, Ramp(cycle.change_idea, [])).cycles.append(cycle)
    return list(grouped.values())


def cycles_query(project: Project) -> Select:
    """The project's cycles with their questions and tasks, by change idea then number (for the API list)."""
    return (
        select(PDSACycle)
        .where(PDSACycle.project_id == project.id)
        .options(selectinload(PDSACycle.questions), selectinload(PDSACycle.tasks))
        .order_by(PDSACycle.change_idea_id, PDSACycle.number, PDSACycle.id)
    )


def load_worksheet(cycle: PDSACycle) -> PDSACycle:
    """The cycle with its project, change idea, questions and tasks loaded."""
    return db.session.scalars(
        select(PDSACycle)
        .where(PDSACycle.id == cycle.id)
        .options(selectinload(PDSACycle.project), selectinload(PDSACycle.change_idea),
                 selectinload(PDSACycle.questions), selectinload(PDSACycle.tasks))
    ).one()
