"""Which tables an organisation export holds, worked out from the SQLAlchemy metadata.

A table belongs to an organisation when a chain of foreign keys leads from it to `organisation`; every such
table is exported unless it is listed in EXCLUDED with the reason. Tables shared between organisations
(regions, systems, self-assessment frameworks) travel with the export only so that an import can find or
create them, matched by their natural keys. A new table is therefore exported by default, and the transfer
tests fail for any table that is none of these, so nothing is silently left behind.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, ForeignKey, MetaData, Table, select

ROOT = "organisation"

# Shared tables and the columns that identify a row in any database (a foreign key column is compared
# after it has been translated to the importing database's ids).
SHARED: dict[str, tuple[str, ...]] = {
    "region": ("code",),
    "system": ("code",),
    "assessment_framework": ("name", "version"),
    "framework_component": ("framework_id", "slug"),
    "scale_level": ("framework_id", "ordinal"),
    "framework_statement": ("component_id", "key"),
}

EXCLUDED: dict[str, str] = {
    "api_token": "tokens are secrets (stored as hashes) tied to one server; people create new ones after an import",
    "measure_summary": "worked out from the measures, points and cycles; an import works them out again",
    "organisation_version": "a cache counter for this server; an imported organisation starts afresh",
}

# Columns never written to an export.
EXCLUDED_COLUMNS: dict[str, frozenset[str]] = {"app_user": frozenset({"password_hash"})}

# Integer columns that point at a row of a table named by another column (not a foreign key).
TYPED_REFERENCES: dict[str, tuple[str, str]] = {"audit_event": ("object_type", "object_id")}


@dataclass(frozen=True)
class OwnedTable:
    """A table whose rows belong to one organisation, and the foreign key that says which."""

    table: Table
    link: ForeignKey | None  # None for the organisation table itself


def owned_tables(metadata: MetaData) -> list[OwnedTable]:
    """Every table reached from `organisation` by foreign keys (parents before children), exclusions included."""
    owned: dict[str, OwnedTable] = {}
    for table in metadata.sorted_tables:
        if table.name == ROOT:
            owned[ROOT] = OwnedTable(table, None)
        elif table.name not in SHARED:
            link = _owner_link(table, owned)
            if link is not None:
                owned[table.name] = OwnedTable(table, link)
    return list(owned.values())


def exported_tables(metadata: MetaData) -> list[OwnedTable]:
    """The owned tables an export holds: all of them except EXCLUDED."""
    return [item for item in owned_tables(metadata) if item.table.name not in EXCLUDED]


def shared_tables(metadata: MetaData) -> list[Table]:
    """The shared tables, parents before children."""
    return [table for table in metadata.sorted_tables if table.name in SHARED]


def unclassified_tables(metadata: MetaData) -> list[str]:
    """Tables that are neither owned, shared nor excluded: an export would silently leave them out."""
    known = {item.table.name for item in owned_tables(metadata)} | set(SHARED) | set(EXCLUDED)
    return sorted(table.name for table in metadata.sorted_tables if table.name not in known)


def _owner_link(table: Table, owned: dict[str, OwnedTable]) -> ForeignKey | None:
    """The foreign key that ties a row to its organisation: straight to it if possible, else a required parent."""
    candidates = [fk for fk in table.foreign_keys if fk.column.table.name in owned and fk.column.table is not table]
    if not candidates:
        return None
    return min(candidates, key=lambda fk: (fk.column.table.name != ROOT, fk.parent.nullable,
                                           fk.ondelete != "CASCADE", fk.parent.name))


def owned_clause(item: OwnedTable, by_name: dict[str, OwnedTable], organisation_id: int) -> ColumnElement[bool]:
    """WHERE clause keeping the rows of `item` that belong to the organisation (nested through its parents)."""
    if item.link is None:
        return item.table.c.id == organisation_id
    parent = by_name[item.link.column.table.name]
    if parent.link is None:
        return item.link.parent == organisation_id
    return item.link.parent.in_(select(item.link.column).where(owned_clause(parent, by_name, organisation_id)))


def own_id(table: Table) -> Column | None:
    """The table's own integer id (a lone primary key that points nowhere), which an import renumbers."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and not keys[0].foreign_keys:
        return keys[0]
    return None


def exported_columns(table: Table) -> list[Column]:
    """The table's columns minus those never exported."""
    skip = EXCLUDED_COLUMNS.get(table.name, frozenset())
    return [column for column in table.columns if column.name not in skip]
