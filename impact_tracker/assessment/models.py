"""Self-assessment models: frameworks (components, statements, scale), assessments, responses and action plans."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.impact import IMPACT_COMPONENT_LABELS, ImpactComponent
from ..core.mixins import TimestampMixin
from ..core.types import enum_column
from ..extensions import db


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


ACTION_STATUS_LABELS = {ActionStatus.OPEN: "Open", ActionStatus.IN_PROGRESS: "In progress", ActionStatus.DONE: "Done"}

# Who took part, as (attribute, label): the columns on SelfAssessment and how pages name them.
PARTICIPANTS = (
    ("with_board", "The board"),
    ("with_executives", "Executives"),
    ("with_staff", "Staff"),
    ("with_lived_experience", "People with lived experience"),
)


class AssessmentFramework(TimestampMixin, db.Model):
    """One version of a self-assessment framework, loaded from a framework file and never edited afterwards."""

    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    version: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(500), default="")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    components: Mapped[list[FrameworkComponent]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="FrameworkComponent.position"
    )
    levels: Mapped[list[ScaleLevel]] = relationship(
        back_populates="framework", cascade="all, delete-orphan", order_by="ScaleLevel.ordinal"
    )

    @property
    def title(self) -> str:
        return f"{self.name} (version {self.version})"

    def level_labels(self) -> dict[int, str]:
        return {level.ordinal: level.label for level in self.levels}

    def __repr__(self) -> str:
        return f"<AssessmentFramework {self.name!r} {self.version}>"


class FrameworkComponent(db.Model):
    """One NHS IMPACT component as a framework words it."""

    __table_args__ = (UniqueConstraint("framework_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessment_framework.id", ondelete="CASCADE"), index=True)
    slug: Mapped[ImpactComponent] = mapped_column(enum_column(ImpactComponent))
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[AssessmentFramework] = relationship(back_populates="components")
    statements: Mapped[list[FrameworkStatement]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="FrameworkStatement.position"
    )

    @property
    def short_name(self) -> str:
        return IMPACT_COMPONENT_LABELS[self.slug]


class FrameworkStatement(db.Model):
    """A statement to rate; `key` stays the same across versions so a new assessment can start from the last."""

    __table_args__ = (UniqueConstraint("component_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("framework_component.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)

    component: Mapped[FrameworkComponent] = relationship(back_populates="statements")


class ScaleLevel(db.Model):
    """One step of a framework's maturity scale; ordinal 1 is the least mature."""

    __table_args__ = (UniqueConstraint("framework_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessment_framework.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(60))
    descriptor: Mapped[str] = mapped_column(String(500), default="")

    framework: Mapped[AssessmentFramework] = relationship(back_populates="levels")


class SelfAssessment(TimestampMixin, db.Model):
    """An organisation's self-assessment for one period, made with one framework version.

    Private to the organisation unless `shared_with_system`; only final assessments count anywhere else.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("assessment_framework.id"), index=True)
    period_label: Mapped[str] = mapped_column(String(60))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    with_board: Mapped[bool] = mapped_column(Boolean, default=False)
    with_executives: Mapped[bool] = mapped_column(Boolean, default=False)
    with_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    with_lived_experience: Mapped[bool] = mapped_column(Boolean, default=False)
    participants_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AssessmentStatus] = mapped_column(enum_column(AssessmentStatus), default=AssessmentStatus.DRAFT,
                                                     index=True)
    shared_with_system: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation = relationship("Organisation")
    framework: Mapped[AssessmentFramework] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id])
    finalised_by = relationship("User", foreign_keys=[finalised_by_id])
    responses: Mapped[list[Response]] = relationship(back_populates="assessment", cascade="all, delete-orphan")
    component_results: Mapped[list[ComponentResult]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )
    actions: Mapped[list[ActionPlanItem]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="ActionPlanItem.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_final(self) -> bool:
        return self.status is AssessmentStatus.FINAL

    @property
    def participant_labels(self) -> list[str]:
        return [label for attribute, label in PARTICIPANTS if getattr(self, attribute)]

    def __repr__(self) -> str:
        return f"<SelfAssessment {self.id} {self.period_label!r} {self.status.value}>"


class Response(db.Model):
    """The level and evidence given for one statement; saved on its own, so people can work in parallel."""

    __table_args__ = (UniqueConstraint("assessment_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("framework_statement.id"), index=True)
    level: Mapped[int | None] = mapped_column(Integer)  # the ScaleLevel ordinal of the assessment's framework
    evidence: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="responses")
    statement: Mapped[FrameworkStatement] = relationship()
    updated_by = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    @property
    def organisation(self):
        return self.assessment.organisation


class ComponentResult(db.Model):
    """A component's level, fixed when the assessment is finalised (what roll-ups and comparisons read)."""

    __table_args__ = (UniqueConstraint("assessment_id", "component"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id", ondelete="CASCADE"), index=True)
    component: Mapped[ImpactComponent] = mapped_column(enum_column(ImpactComponent))
    level: Mapped[int | None] = mapped_column(Integer)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="component_results")


class ActionPlanItem(TimestampMixin, db.Model):
    """An action the organisation plans from its assessment, for one component, optionally linked to a project."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id", ondelete="CASCADE"), index=True)
    component: Mapped[ImpactComponent] = mapped_column(enum_column(ImpactComponent))
    action: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(120), default="")
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus), default=ActionStatus.OPEN)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="actions")
    project = relationship("Project")

    __mapper_args__ = {"version_id_col": version}

    @property
    def organisation(self):
        return self.assessment.organisation

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS[self.status]

