"""Column types shared by the models."""

from __future__ import annotations

from enum import Enum

import sqlalchemy as sa


def enum_column(enum_cls: type[Enum]) -> sa.Enum:
    """Store an enum as its value in a plain string column, the same on SQLite and PostgreSQL."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
