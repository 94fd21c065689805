"""A project's family of measures and the data entered against them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.mixins import TimestampMixin, utcnow
from ..core.types import enum_column
from ..extensions import db


class MeasureKind(StrEnum):
    OUTCOME = "outcome"
    PROCESS = "process"
    BALANCING = "balancing"


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    NEUTRAL = "neutral"


class ChartType(StrEnum):
    RUN = "run"
    XMR = "xmr"


class Measure(TimestampMixin, db.Model):
    """A measure with its operational definition; proportions are entered as numerator and denominator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[MeasureKind] = mapped_column(enum_column(MeasureKind))
    definition: Mapped[str] = mapped_column(Text, default="")
    numerator_definition: Mapped[str] = mapped_column(Text, default="")
    denominator_definition: Mapped[str] = mapped_column(Text, default="")
    is_proportion: Mapped[bool] = mapped_column(Boolean, default=False)
    unit: Mapped[str] = mapped_column(String(40), default="")
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency), default=Frequency.WEEKLY)
    improvement_direction: Mapped[Direction] = mapped_column(enum_column(Direction), default=Direction.INCREASE)
    target: Mapped[float | None] = mapped_column(Float)
    chart: Mapped[ChartType] = mapped_column(enum_column(ChartType), default=ChartType.XMR)
    baseline_points: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    project = relationship("Project")
    points: Mapped[list[DataPoint]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="DataPoint.period"
    )
    rebases: Mapped[list[Rebase]] = relationship(
        back_populates="measure", cascade="all, delete-orphan", order_by="Rebase.period"
    )
    summary: Mapped[MeasureSummary | None] = relationship(
        back_populates="measure", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def organisation(self):
        return self.project.organisation

    def __repr__(self) -> str:
        return f"<Measure {self.id} {self.name!r}>"


class DataPoint(db.Model):
    """One period's aggregate value (never a record about a person)."""

    __table_args__ = (UniqueConstraint("measure_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    period: Mapped[date] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    annotation: Mapped[str] = mapped_column(String(300), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True)

    measure: Mapped[Measure] = relationship(back_populates="points")

    @property
    def organisation(self):
        return self.measure.organisation

    @property
    def plotted_value(self) -> float | None:
        """The value the charts use: the percentage for a proportion, else the value."""
        if self.numerator is not None and self.denominator:
            return 100.0 * self.numerator / self.denominator
        return self.value


class Rebase(db.Model):
    """A deliberate recalculation of the centre and limits from a period onwards, with its reason."""

    __table_args__ = (UniqueConstraint("measure_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    period: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="rebases")

    @property
    def organisation(self):
        return self.measure.organisation


class SummaryStatus(StrEnum):
    ANALYSED = "analysed"
    TOO_FEW_POINTS = "too_few_points"
    UNUSABLE = "unusable"


class MeasureSummary(db.Model):
    """A measure's latest analysis, refreshed in the same transaction as any change to its data, settings,
    rebases or its project's PDSA cycles. Dashboards read this row instead of analysing every measure on
    every view, and `chart_key` names the chart in the cache so a repeat view is one lookup.
    """

    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[SummaryStatus] = mapped_column(enum_column(SummaryStatus))
    points: Mapped[int] = mapped_column(Integer, default=0)
    latest_period: Mapped[date | None] = mapped_column(Date)
    variation_icon: Mapped[str | None] = mapped_column(String(40))
    assurance: Mapped[str | None] = mapped_column(String(40))
    run_signal: Mapped[str | None] = mapped_column(String(20))
    chart_key: Mapped[str] = mapped_column(String(64), default="")
    refreshed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="summary")
