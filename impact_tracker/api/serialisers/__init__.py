"""Models to JSON, in the field names the API contract fixes; one module per domain."""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp(value: datetime | None) -> str | None:
    """An RFC 3339 timestamp, as the document's "date-time" promises: in UTC when stored without a zone (SQLite)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
