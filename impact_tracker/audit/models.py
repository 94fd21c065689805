"""Audit events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.mixins import utcnow
from ..extensions import db


class AuditEvent(db.Model):
    """One change or export. Records which fields changed, never their values (they may be sensitive)."""

    __table_args__ = (Index("ix_audit_event_organisation_id_at", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # created, changed, deleted, exported
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(300), default="")

    actor = relationship("User")

    @property
    def organisation(self):
        from ..orgs.models import Organisation

        return db.session.get(Organisation, self.organisation_id) if self.organisation_id else None


class OrganisationVersion(db.Model):
    """A counter raised by every commit that changes an organisation's records, so figures worked out from
    them can be cached under (organisation, version) and are never shown stale."""

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
