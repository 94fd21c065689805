"""PDSA cycles with their questions, predictions and tasks."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.mixins import TimestampMixin
from ..core.types import enum_column
from ..extensions import db


class Stage(StrEnum):
    PLAN = "plan"
    DO = "do"
    STUDY = "study"
    ACT = "act"
    DONE = "done"


class Decision(StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


class PDSACycle(TimestampMixin, db.Model):
    """One test of a change: cycle `number` of its change idea's ramp."""

    __tablename__ = "pdsa_cycle"
    __table_args__ = (UniqueConstraint("change_idea_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    change_idea_id: Mapped[int] = mapped_column(ForeignKey("change_idea.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(160))
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), default=Stage.PLAN, index=True)
    objective: Mapped[str] = mapped_column(Text, default="")
    plan_who: Mapped[str] = mapped_column(Text, default="")
    plan_what: Mapped[str] = mapped_column(Text, default="")
    plan_when: Mapped[str] = mapped_column(Text, default="")
    plan_where: Mapped[str] = mapped_column(Text, default="")
    data_collection: Mapped[str] = mapped_column(Text, default="")
    observations: Mapped[str] = mapped_column(Text, default="")
    unexpected: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision))
    next_steps: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[date | None] = mapped_column(Date, index=True)
    end: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    project = relationship("Project")
    change_idea = relationship("ChangeIdea")
    questions: Mapped[list[CycleQuestion]] = relationship(
        back_populates="cycle", cascade="all, delete-orphan", order_by="CycleQuestion.position"
    )
    tasks: Mapped[list[CycleTask]] = relationship(
        back_populates="cycle", cascade="all, delete-orphan", order_by="CycleTask.position"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def organisation(self):
        return self.project.organisation

    @property
    def label(self) -> str:
        """'PDSA 2' style label used on charts and the timeline."""
        return f"PDSA {self.number}"


class CycleQuestion(db.Model):
    """A question the cycle sets out to answer, the prediction made in Plan and the result found in Study."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pdsa_cycle.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    question: Mapped[str] = mapped_column(Text)
    prediction: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")

    cycle: Mapped[PDSACycle] = relationship(back_populates="questions")


class CycleTask(db.Model):
    """A task in the plan, with its owner and due date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("pdsa_cycle.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    task: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(120), default="")
    due: Mapped[date | None] = mapped_column(Date)

    cycle: Mapped[PDSACycle] = relationship(back_populates="tasks")
