"""export-org: read one organisation's rows, and the shared rows they refer to, from one consistent snapshot."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from sqlalchemy import Table, select, text

from ...audit.services import record_export
from ...core.mixins import utcnow
from ...extensions import db
from ...orgs.queries import get_organisation_by_code
from .exportfile import FORMAT, FORMAT_VERSION, TableData, TransferError, encode, write_export
from .tables import (
    EXCLUDED,
    EXCLUDED_COLUMNS,
    OwnedTable,
    exported_columns,
    exported_tables,
    owned_clause,
    shared_tables,
)


@dataclass(frozen=True)
class ExportSummary:
    """What was written: the file and the number of rows per table."""

    path: Path
    counts: dict[str, int]


def export_organisation(code: str, output: Path) -> ExportSummary:
    """Write every row the organisation owns, and the shared rows they need, to a new zip at `output`.

    Reads from one snapshot, so rows written meanwhile cannot leave the export half-linked. Password and
    token hashes are never exported. Records the export in the audit log. Raises TransferError when no
    organisation has the code or `output` already exists.
    """
    organisation = get_organisation_by_code(code)
    if organisation is None:
        raise TransferError(f"No organisation has the code {code}.")
    if output.exists():
        raise TransferError(f"{output} already exists; choose another --output.")
    organisation_id, organisation_code = organisation.id, organisation.code
    _begin_snapshot()
    try:
        tables = _read_tables(organisation_id)
    finally:
        db.session.rollback()
    counts = {table.name: len(table.rows) for table in tables}
    write_export(output, _manifest(organisation_code, tables), tables)
    record_export(organisation_id, f"Whole organisation exported with export-org ({sum(counts.values())} rows)")
    return ExportSummary(output, counts)


def _begin_snapshot() -> None:
    """Start a transaction whose reads all see the database as it was at one moment."""
    db.session.rollback()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
    else:
        # pysqlite begins transactions only before writes; without this each SELECT sees its own moment.
        db.session.execute(text("BEGIN"))


def _read_tables(organisation_id: int) -> list[TableData]:
    owned = exported_tables(db.metadata)
    by_name = {item.table.name: item for item in owned}
    tables = [_read_owned(item, by_name, organisation_id) for item in owned]
    return _read_shared(tables) + tables


def _read_owned(item: OwnedTable, by_name: dict[str, OwnedTable], organisation_id: int) -> TableData:
    query = select(*exported_columns(item.table)).where(owned_clause(item, by_name, organisation_id))
    return _table_data(item.table, query)


def _table_data(table: Table, query) -> TableData:
    columns = exported_columns(table)
    rows = db.session.execute(query.order_by(*table.primary_key.columns)).all()
    return TableData(table.name, [c.name for c in columns],
                     [{c.name: encode(value) for c, value in zip(columns, row, strict=True)} for row in rows])


def _read_shared(owned: list[TableData]) -> list[TableData]:
    """The regions, systems and frameworks the owned rows refer to, each framework with all of its parts."""
    shared = shared_tables(db.metadata)
    wanted: dict[str, set[int]] = defaultdict(set)
    for data in owned:
        _collect_references(db.metadata.tables[data.name], data.rows, wanted, {t.name for t in shared})
    for table in reversed(shared):  # children first, so each adds the parents it needs
        rows = _rows_by_id(table, wanted[table.name])
        _collect_references(table, rows, wanted, {t.name for t in shared})
    for table in shared:  # parents first: a framework brings all of its components, statements and levels
        for fk in table.foreign_keys:
            if fk.ondelete == "CASCADE" and wanted[fk.column.table.name]:
                ids = select(table.c.id).where(fk.parent.in_(wanted[fk.column.table.name]))
                wanted[table.name] |= set(db.session.scalars(ids))
    return [_table_data(table, select(*exported_columns(table)).where(table.c.id.in_(wanted[table.name])))
            for table in shared]


def _collect_references(table: Table, rows: list[dict], wanted: dict[str, set[int]], shared: set[str]) -> None:
    for fk in table.foreign_keys:
        target = fk.column.table.name
        if target in shared and target != table.name:
            wanted[target] |= {row[fk.parent.name] for row in rows if row.get(fk.parent.name) is not None}


def _rows_by_id(table: Table, ids: set[int]) -> list[dict]:
    if not ids:
        return []
    return [dict(row._mapping) for row in db.session.execute(select(table).where(table.c.id.in_(ids)))]


def _manifest(code: str, tables: list[TableData]) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": _app_version(),
        "organisation": code,
        "exported_at": utcnow().isoformat(),
        "tables": {table.name: len(table.rows) for table in tables},
        "columns": {table.name: table.columns for table in tables},
        "not_exported": {**EXCLUDED, **{f"{name}.{column}": "never exported" for name, columns
                                         in EXCLUDED_COLUMNS.items() for column in sorted(columns)}},
    }


def _app_version() -> str:
    try:
        return version("impact-tracker")
    except PackageNotFoundError:
        return "unknown"
