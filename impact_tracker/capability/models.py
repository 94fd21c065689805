"""Training tiers and records, workforce headcount per month and improvement-team posts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.mixins import TimestampMixin
from ..extensions import db

# The tiers an organisation starts with: (name, counts as the coach tier). It can rename and reorder them.
DEFAULT_TIERS = (("Awareness", False), ("Foundation", False), ("Practitioner", False), ("Coach", True),
                 ("Expert", False))


class TrainingTier(TimestampMixin, db.Model):
    """A level of improvement training in one organisation; `position` orders them, lowest first."""

    __tablename__ = "training_tier"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_coach_tier: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation = relationship("Organisation")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<TrainingTier {self.name!r}>"


class TrainingRecord(TimestampMixin, db.Model):
    """One person's completed course at a tier: a user, or a name-free staff reference.

    `person_key` ("user:12" or "ref:AB123") lets roll-ups count people, not courses, in SQL.
    """

    __tablename__ = "training_record"
    __table_args__ = (Index("ix_training_record_org_person", "organisation_id", "person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    staff_reference: Mapped[str] = mapped_column(String(40), default="")
    person_key: Mapped[str] = mapped_column(String(48))
    tier_id: Mapped[int] = mapped_column(ForeignKey("training_tier.id"), index=True)
    course: Mapped[str] = mapped_column(String(160))
    completed_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation = relationship("Organisation")
    user = relationship("User")
    tier: Mapped[TrainingTier] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def person(self) -> str:
        """Who completed it, as the records list shows them."""
        return self.user.name if self.user is not None else self.staff_reference


class WorkforceHeadcount(db.Model):
    """How many staff the organisation had in a month (`period` is the first of the month)."""

    __tablename__ = "workforce_headcount"
    __table_args__ = (UniqueConstraint("organisation_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    period: Mapped[date] = mapped_column(Date)
    headcount: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation = relationship("Organisation")

    __mapper_args__ = {"version_id_col": version}


class ImprovementPost(TimestampMixin, db.Model):
    """A post doing improvement work: dedicated (the central team) or time allocated within another role."""

    __tablename__ = "improvement_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    fte: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    dedicated: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation = relationship("Organisation")
    unit = relationship("Unit")

    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_label(self) -> str:
        return "Dedicated (improvement team)" if self.dedicated else "Allocated time"
