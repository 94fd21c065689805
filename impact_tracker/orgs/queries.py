"""Reads for organisations, units and people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import Organisation, Region, System, Unit, User


@dataclass(frozen=True)
class UnitRow:
    """A unit with its depth in the tree, for indented lists and pickers."""

    unit: Unit
    depth: int


def list_people(organisation: Organisation) -> list[User]:
    """Everyone in the organisation, active first, then by name."""
    query = (
        select(User)
        .where(User.organisation_id == organisation.id)
        .options(selectinload(User.unit))
        .order_by(User.active.desc(), User.name)
    )
    return list(db.session.scalars(query))


def unit_tree(organisation: Organisation) -> list[UnitRow]:
    """The organisation's units in tree order (each parent before its children), from one query."""
    units = list(db.session.scalars(select(Unit).where(Unit.organisation_id == organisation.id).order_by(Unit.name)))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    rows: list[UnitRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            rows.append(UnitRow(unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return rows


def unit_choices(organisation: Organisation, *, blank: str = "None") -> list[tuple[str, str]]:
    """(id, indented name) pairs for a unit picker, with a blank first option."""
    return [("", blank)] + [
        (str(row.unit.id), "\u2003" * row.depth + row.unit.name) for row in unit_tree(organisation)
    ]


def get_organisation_by_code(code: str) -> Organisation | None:
    """The organisation with this ODS-style code (any case), or None."""
    return db.session.scalar(select(Organisation).where(Organisation.code == code.strip().upper()))


def get_user_by_email(email: str) -> User | None:
    """The account with this email (any case), or None."""
    return db.session.scalar(select(User).where(User.email == User.normalise_email(email)))


def get_system_by_code(code: str) -> System | None:
    """The system with this code (any case), or None."""
    return db.session.scalar(select(System).where(System.code == code.strip().upper()))


def get_region_by_code(code: str) -> Region | None:
    """The region with this code (any case), or None."""
    return db.session.scalar(select(Region).where(Region.code == code.strip().upper()))
