"""Projects, their team, progress-score history and driver diagram."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.impact import ImpactComponent
from ..core.mixins import TimestampMixin, utcnow
from ..core.types import enum_column
from ..extensions import db


class ProjectStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    SUSTAINING = "sustaining"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


PROJECT_STATUS_LABELS = {
    ProjectStatus.PROPOSED: "Proposed",
    ProjectStatus.ACTIVE: "Active",
    ProjectStatus.ON_HOLD: "On hold",
    ProjectStatus.SUSTAINING: "Sustaining",
    ProjectStatus.COMPLETED: "Completed",
    ProjectStatus.ABANDONED: "Abandoned",
}


class Method(StrEnum):
    MODEL_FOR_IMPROVEMENT = "model_for_improvement"
    QSIR = "qsir"
    LEAN = "lean"
    OTHER = "other"


METHOD_LABELS = {
    Method.MODEL_FOR_IMPROVEMENT: "Model for Improvement",
    Method.QSIR: "QSIR",
    Method.LEAN: "Lean",
    Method.OTHER: "Other",
}


class TeamRole(StrEnum):
    LEAD = "lead"
    SPONSOR = "sponsor"
    COACH = "coach"
    MEMBER = "member"


class DriverKind(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class ChangeIdeaStatus(StrEnum):
    IDEA = "idea"
    TESTING = "testing"
    ADOPTED = "adopted"
    ADAPTED = "adapted"
    ABANDONED = "abandoned"
    IMPLEMENTED = "implemented"


# The IHI project progress scale (0.5 to 5.0), as used by NHS improvement teams.
PROGRESS_LEVELS: dict[Decimal, str] = {
    Decimal("0.5"): "Intent to participate",
    Decimal("1.0"): "Charter and team established",
    Decimal("1.5"): "Planning for the project has begun",
    Decimal("2.0"): "Activity, but no changes",
    Decimal("2.5"): "Changes tested, but no improvement",
    Decimal("3.0"): "Modest improvement",
    Decimal("3.5"): "Improvement",
    Decimal("4.0"): "Significant improvement",
    Decimal("4.5"): "Sustainable improvement",
    Decimal("5.0"): "Outstanding sustainable results",
}


driver_link = Table(
    "driver_link",
    db.metadata,
    Column("primary_id", ForeignKey("driver.id", ondelete="CASCADE"), primary_key=True),
    Column("secondary_id", ForeignKey("driver.id", ondelete="CASCADE"), primary_key=True),
)

change_idea_driver = Table(
    "change_idea_driver",
    db.metadata,
    Column("change_idea_id", ForeignKey("change_idea.id", ondelete="CASCADE"), primary_key=True),
    Column("driver_id", ForeignKey("driver.id", ondelete="CASCADE"), primary_key=True),
)


class Project(TimestampMixin, db.Model):
    """An improvement project in one organisation, with a structured aim."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    problem: Mapped[str] = mapped_column(Text, default="")
    aim_what: Mapped[str] = mapped_column(String(300), default="")
    aim_baseline: Mapped[str] = mapped_column(String(80), default="")
    aim_target: Mapped[str] = mapped_column(String(80), default="")
    aim_by: Mapped[date | None] = mapped_column(Date)
    aim_for_whom: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ProjectStatus] = mapped_column(enum_column(ProjectStatus), default=ProjectStatus.PROPOSED,
                                                  index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    expected_end_date: Mapped[date | None] = mapped_column(Date)
    strategic_priority: Mapped[str] = mapped_column(String(200), default="")
    method: Mapped[Method] = mapped_column(enum_column(Method), default=Method.MODEL_FOR_IMPROVEMENT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation = relationship("Organisation")
    unit = relationship("Unit")
    created_by = relationship("User")
    team: Mapped[list[TeamMember]] = relationship(back_populates="project", cascade="all, delete-orphan")
    component_tags: Mapped[list[ProjectComponent]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    scores: Mapped[list[ProgressScore]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProgressScore.set_at.desc()"
    )
    drivers: Mapped[list[Driver]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Driver.position"
    )
    change_ideas: Mapped[list[ChangeIdea]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ChangeIdea.position"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def components(self) -> list[ImpactComponent]:
        """The NHS IMPACT components the project serves, in the framework's order."""
        tagged = {tag.component for tag in self.component_tags}
        return [component for component in ImpactComponent if component in tagged]

    @property
    def current_score(self) -> ProgressScore | None:
        """The newest progress score, or None before the first one is set."""
        return self.scores[0] if self.scores else None

    @property
    def status_label(self) -> str:
        return PROJECT_STATUS_LABELS[self.status]

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]

    def __repr__(self) -> str:
        return f"<Project {self.id} {self.title!r}>"


class ProjectComponent(db.Model):
    """An NHS IMPACT component a project serves (a row per tag, so roll-ups can filter in SQL)."""

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    component: Mapped[ImpactComponent] = mapped_column(enum_column(ImpactComponent), primary_key=True)

    project: Mapped[Project] = relationship(back_populates="component_tags")

    @property
    def organisation(self):
        return self.project.organisation


class TeamMember(db.Model):
    """A person on a project team, with their team role."""

    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    team_role: Mapped[TeamRole] = mapped_column(enum_column(TeamRole), default=TeamRole.MEMBER)

    project: Mapped[Project] = relationship(back_populates="team")
    user = relationship("User")

    @property
    def organisation(self):
        return self.project.organisation


class ProgressScore(db.Model):
    """One entry in a project's progress-score history; the newest is the current score."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(2, 1))
    note: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    project: Mapped[Project] = relationship(back_populates="scores")
    set_by = relationship("User")

    @property
    def organisation(self):
        return self.project.organisation

    @property
    def label(self) -> str:
        return PROGRESS_LEVELS[Decimal(self.score).quantize(Decimal("0.1"))]


class Driver(db.Model):
    """A primary or secondary driver in the project's driver diagram."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DriverKind] = mapped_column(enum_column(DriverKind))
    text: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    project: Mapped[Project] = relationship(back_populates="drivers")
    # For a secondary driver, the primary drivers it feeds (many-to-many).
    primaries: Mapped[list[Driver]] = relationship(
        secondary=driver_link,
        primaryjoin="Driver.id == driver_link.c.secondary_id",
        secondaryjoin="Driver.id == driver_link.c.primary_id",
        order_by="Driver.position",
    )

    @property
    def organisation(self):
        return self.project.organisation


class ChangeIdea(db.Model):
    """A change to test, linked to the secondary drivers it acts on."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    status: Mapped[ChangeIdeaStatus] = mapped_column(enum_column(ChangeIdeaStatus), default=ChangeIdeaStatus.IDEA)
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    project: Mapped[Project] = relationship(back_populates="change_ideas")
    drivers: Mapped[list[Driver]] = relationship(secondary=change_idea_driver, order_by="Driver.position")

    __mapper_args__ = {"version_id_col": version}

    @property
    def organisation(self):
        return self.project.organisation
