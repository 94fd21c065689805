"""Reading the audit log."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from .models import AuditEvent


def organisation_log(organisation_id: int) -> Select:
    """The organisation's audit events, newest first."""
    return (select(AuditEvent).where(AuditEvent.organisation_id == organisation_id)
            .options(selectinload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
