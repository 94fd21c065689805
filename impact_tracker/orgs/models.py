"""Who is who: regions, systems, organisations, units and users."""

from __future__ import annotations

from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.mixins import TimestampMixin
from ..core.permissions import ROLE_LABELS, Role
from ..core.types import enum_column
from ..extensions import db


class OrgType(StrEnum):
    """Kinds of NHS organisation."""

    ACUTE = "acute"
    MENTAL_HEALTH = "mental_health"
    COMMUNITY = "community"
    AMBULANCE = "ambulance"
    PRIMARY_CARE = "primary_care"
    ICB = "icb"
    OTHER = "other"


ORG_TYPE_LABELS = {
    OrgType.ACUTE: "Acute trust",
    OrgType.MENTAL_HEALTH: "Mental health trust",
    OrgType.COMMUNITY: "Community trust",
    OrgType.AMBULANCE: "Ambulance trust",
    OrgType.PRIMARY_CARE: "Primary care",
    OrgType.ICB: "Integrated care board",
    OrgType.OTHER: "Other",
}


class UnitType(StrEnum):
    """Levels of the unit tree inside an organisation."""

    DIRECTORATE = "directorate"
    SERVICE = "service"
    WARD = "ward"
    TEAM = "team"


class Region(db.Model):
    """An NHS region: the top of the roll-up."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    systems: Mapped[list[System]] = relationship(back_populates="region", order_by="System.name")

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class System(db.Model):
    """An integrated care system (ICB area) inside a region."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    region: Mapped[Region] = relationship(back_populates="systems")
    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="system", order_by="Organisation.name"
    )

    def __repr__(self) -> str:
        return f"<System {self.code}>"


class Organisation(TimestampMixin, db.Model):
    """An NHS organisation, identified by its ODS-style code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    type: Mapped[OrgType] = mapped_column(enum_column(OrgType))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"), index=True)
    system: Mapped[System | None] = relationship(back_populates="organisations")
    units: Mapped[list[Unit]] = relationship(back_populates="organisation", order_by="Unit.name")

    @property
    def organisation(self) -> Organisation:
        """An organisation owns itself, so permission checks treat it like any owned object."""
        return self

    @property
    def type_label(self) -> str:
        return ORG_TYPE_LABELS[self.type]

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


class Unit(TimestampMixin, db.Model):
    """A directorate, service, ward or team; units nest to form a tree inside one organisation."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    type: Mapped[UnitType] = mapped_column(enum_column(UnitType))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship(back_populates="units")
    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    __mapper_args__ = {"version_id_col": version}

    def ancestors(self) -> list[Unit]:
        """From the root down to the parent of this unit."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def path(self) -> str:
        """'Medicine › Respiratory › Ward 7', for pickers and breadcrumbs."""
        return " › ".join([unit.name for unit in self.ancestors()] + [self.name])

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in. Email is stored lower-cased, which makes it unique case-insensitively."""

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    system: Mapped[System | None] = relationship()
    region: Mapped[Region | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in to inactive users
        return bool(self.active)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    @property
    def scope_name(self) -> str:
        """Where the user works, for the header: organisation, system, region or 'All of England'."""
        place = self.organisation or self.system or self.region
        return place.name if place is not None else "All organisations"

    def __repr__(self) -> str:
        return f"<User {self.email}>"
