"""Recording audit events: changes automatically at flush time, exports explicitly.

One session listener sees every insert, update and delete of an organisation-owned record (anything with an
`organisation` or `organisation_id`), so no use case can forget to log; the actor is the signed-in user, or
nobody for the command line.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..extensions import db
from .models import AuditEvent, OrganisationVersion

# Tables that are not worth an audit line of their own (their parent's change is logged).
SKIPPED = frozenset({"AuditEvent", "ApiToken", "OrganisationVersion"})
CHANGED_ORGANISATIONS = "impact_tracker.changed_organisations"
BOOKKEEPING = frozenset({"version", "updated_at", "entered_at", "password_hash"})


@dataclass
class _Pending:
    obj: object
    action: str
    organisation_id: int | None
    summary: str


def _actor_id() -> int | None:
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user.id
    return None


def _organisation_id(obj) -> int | None:
    if type(obj).__name__ == "Organisation":
        return obj.id
    direct = getattr(obj, "organisation_id", None)
    if direct is not None:
        return direct
    try:
        organisation = getattr(obj, "organisation", None)
    except Exception:  # noqa: BLE001 - a half-built object must never break the save being audited
        return None
    return getattr(organisation, "id", None)


def _changed_fields(obj) -> list[str]:
    state = inspect(obj)
    return sorted(attr.key for attr in state.mapper.column_attrs
                  if attr.key not in BOOKKEEPING and state.attrs[attr.key].history.has_changes())


def _is_audited(obj) -> bool:
    name = type(obj).__name__
    return name not in SKIPPED and (hasattr(obj, "organisation_id") or hasattr(type(obj), "organisation"))


def _before_flush(session: Session, _context, _instances) -> None:
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.new:
        if _is_audited(obj):
            pending.append(_Pending(obj, "created", None, ""))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=False):
            fields = _changed_fields(obj)
            if fields:
                pending.append(_Pending(obj, "changed", _organisation_id(obj), "changed " + ", ".join(fields)))
    for obj in session.deleted:
        if _is_audited(obj):
            pending.append(_Pending(obj, "deleted", _organisation_id(obj), ""))


def _after_flush(session: Session, _context) -> None:
    pending = session.info.pop("audit_pending", [])
    groups: dict[tuple, list[_Pending]] = {}
    for item in pending:
        if item.action == "created":
            item.organisation_id = _organisation_id(item.obj)
        groups.setdefault((type(item.obj).__name__, item.action, item.organisation_id), []).append(item)
    actor = _actor_id()
    for (object_type, action, organisation_id), items in groups.items():
        session.add(_event(object_type, action, organisation_id, items, actor))
    note_changed(session, [organisation_id for _, _, organisation_id in groups])


def note_changed(session: Session, organisation_ids) -> None:
    """Raise these organisations' versions when the session commits."""
    session.info.setdefault(CHANGED_ORGANISATIONS, set()).update(i for i in organisation_ids if i is not None)


def _raise_versions(session: Session) -> None:
    """Add one to the version of every organisation changed in this transaction (creating the row if new)."""
    session.flush()
    changed = session.info.pop(CHANGED_ORGANISATIONS, set())
    if not changed:
        return
    dialect = session.get_bind().dialect.name
    upsert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = upsert(OrganisationVersion).values([{"organisation_id": i, "version": 1} for i in sorted(changed)])
    session.execute(statement.on_conflict_do_update(
        index_elements=["organisation_id"], set_={"version": OrganisationVersion.version + 1}))


def _forget_versions(session: Session) -> None:
    """After a rollback nothing was changed: drop what this transaction had noted (including changes whose
    flush failed, which would otherwise be logged by the next flush)."""
    session.info.pop(CHANGED_ORGANISATIONS, None)
    session.info.pop("audit_pending", None)


def organisation_versions(organisation_ids: list[int]) -> dict[int, int]:
    """Each organisation's current version (0 when nothing has changed it since it was created)."""
    rows = db.session.execute(select(OrganisationVersion.organisation_id, OrganisationVersion.version)
                              .where(OrganisationVersion.organisation_id.in_(organisation_ids)))
    found = dict(rows.all())
    return {organisation_id: found.get(organisation_id, 0) for organisation_id in organisation_ids}


def _event(object_type: str, action: str, organisation_id, items: list[_Pending], actor) -> AuditEvent:
    """One line per kind of change in a save: a bulk upload of 500 points is one event, not 500."""
    first = items[0]
    if len(items) == 1:
        return AuditEvent(organisation_id=organisation_id, actor_id=actor, action=action, object_type=object_type,
                          object_id=getattr(first.obj, "id", None), summary=first.summary[:300])
    ids = sorted(i for i in (getattr(item.obj, "id", None) for item in items) if i is not None)
    summary = f"{len(items)} records (ids {ids[0]} to {ids[-1]})" if ids else f"{len(items)} records"
    return AuditEvent(organisation_id=organisation_id, actor_id=actor, action=action, object_type=object_type,
                      summary=summary[:300])


def start_auditing() -> None:
    """Listen to every session (once per process)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _raise_versions)
        event.listen(Session, "after_rollback", _forget_versions)


def record_change(organisation_id: int | None, object_type: str, action: str, summary: str, *, actor=None) -> None:
    """Log a change made by a bulk statement, which the session listener cannot see (the caller commits).
    `actor` is who made it (default: the signed-in user)."""
    actor_id = getattr(actor, "id", None) or _actor_id()
    note_changed(db.session, [organisation_id])
    db.session.add(AuditEvent(organisation_id=organisation_id, actor_id=actor_id, action=action,
                              object_type=object_type, summary=summary[:300]))


def record_export(organisation_id: int | None, what: str) -> None:
    """Log that the signed-in user downloaded `what` (exports take data out of the app)."""
    db.session.add(AuditEvent(organisation_id=organisation_id, actor_id=_actor_id(), action="exported",
                              object_type="Export", summary=what[:300]))
    db.session.commit()
