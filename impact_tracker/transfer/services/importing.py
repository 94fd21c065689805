"""import-org: recreate an exported organisation in this database, renumbering every id, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Table, and_, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ...audit.models import AuditEvent
from ...core.database import transactional
from ...extensions import db
from ...measures.services.summary import mark_stale
from ...orgs.models import User
from ...orgs.queries import get_organisation_by_code
from .exportfile import TransferError, decode, read_export
from .tables import ROOT, SHARED, TYPED_REFERENCES, exported_tables, own_id

# No password hash ever matches this, so an imported account cannot sign in until it is given a password.
UNUSABLE_PASSWORD = "!imported: no password yet"

# A flag only one row may hold: an imported row keeps it only when no row in this database holds it yet.
ONLY_ONE_MAY_HOLD = {"assessment_framework": "is_default"}


@dataclass
class ImportSummary:
    """What an import did: rows per table, shared rows it had to create, and references it left empty."""

    organisation: str
    counts: dict[str, int] = field(default_factory=dict)
    created_shared: list[str] = field(default_factory=list)
    cleared: int = 0


@transactional
def import_organisation(path: Path) -> ImportSummary:
    """Add the organisation exported in `path` to this database, with new ids, all or nothing.

    Regions, systems and frameworks are matched by code (or name and version) and created when missing.
    Imported accounts have no password until one is set (see `give_password`). A reference to a row outside
    the export (such as an audit event by a national administrator) is left empty. Raises TransferError
    when the file is not an export, the organisation or one of its people's emails is already here, or the
    export clashes with this database.
    """
    manifest, data = read_export(path)
    tables = _tables_in_order(data)
    _check_fits(manifest["organisation"], data)
    run = _Run(ImportSummary(manifest["organisation"]))
    try:
        for table in tables:
            run.copy(table, data[table.name])
    except IntegrityError as err:
        detail = str(err.orig).strip().splitlines()[0]
        raise TransferError(f"The export clashes with data already in this database ({detail}). "
                            "Nothing was imported.") from None
    organisation_id = next(iter(run.ids[ROOT].values()))
    mark_stale(db.session, run.ids.get("measure", {}).values())  # rows went in by bulk insert: summarise them
    db.session.add(AuditEvent(organisation_id=organisation_id, action="imported", object_type="Organisation",
                              object_id=organisation_id,
                              summary=f"Imported from {path.name}, exported {manifest.get('exported_at', '')}"[:300]))
    return run.summary


def _tables_in_order(data: dict[str, list]) -> list[Table]:
    """The export's tables, parents first and typed references last; refuses tables this version cannot take."""
    allowed = {item.table.name for item in exported_tables(db.metadata)} | set(SHARED)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise TransferError(f"The export holds tables this version of IMPACT Tracker does not take "
                            f"({', '.join(unknown)}); import it with the version that made it. Nothing was imported.")
    for name, rows in data.items():
        _check_columns(db.metadata.tables[name], rows)
    ordered = [table for table in db.metadata.sorted_tables if table.name in data]
    return sorted(ordered, key=lambda table: table.name in TYPED_REFERENCES)


def _check_columns(table: Table, rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise TransferError(f"The export's {table.name} table is not a list of rows. Nothing was imported.")
    unknown = sorted({name for row in rows for name in row} - set(table.c.keys()))
    if unknown:
        raise TransferError(f"The export's {table.name} table has columns this version does not know "
                            f"({', '.join(unknown)}). Nothing was imported.")


def _check_fits(code: str, data: dict[str, list]) -> None:
    organisations = data.get(ROOT, [])
    if len(organisations) != 1 or organisations[0].get("code") != code:
        raise TransferError("The export does not hold exactly the one organisation its manifest names. "
                            "Nothing was imported.")
    if get_organisation_by_code(code) is not None:
        raise TransferError(f"Organisation {code} already exists in this database. import-org only adds an "
                            "organisation that is not there yet. Nothing was imported.")
    emails = [row.get("email") for row in data.get(User.__tablename__, [])]
    taken = sorted(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    if taken:
        raise TransferError(f"These accounts already exist in this database: {', '.join(taken[:5])}"
                            f"{' and others' if len(taken) > 5 else ''}. Nothing was imported.")


class _Run:
    """One import: copies tables in order and remembers, per table, which new id each exported id became."""

    def __init__(self, summary: ImportSummary):
        self.summary = summary
        self.ids: dict[str, dict[int, int]] = {}
        self.table_of_class = {m.class_.__name__: m.local_table.name for m in db.Model.registry.mappers}

    def copy(self, table: Table, rows: list[dict]) -> None:
        self.summary.counts[table.name] = len(rows)
        if table.name in SHARED:
            for row in rows:
                self._match_or_create(table, row)
        elif rows:
            self._insert(table, rows)

    def _insert(self, table: Table, rows: list[dict]) -> None:
        key = own_id(table)
        values = [self._values(table, row) for row in rows]
        if key is None:
            db.session.execute(insert(table), values)
            return
        new_ids = db.session.execute(insert(table).returning(key, sort_by_parameter_order=True), values).scalars()
        self.ids[table.name] = dict(zip((row[key.name] for row in rows), new_ids, strict=True))
        self._relink_to_own_table(table, key, rows)

    def _match_or_create(self, table: Table, row: dict) -> None:
        key = own_id(table)
        values = self._values(table, row)
        natural = and_(*(table.c[name] == values[name] for name in SHARED[table.name]))
        found = db.session.scalar(select(key).where(natural))
        if found is None:
            flag = ONLY_ONE_MAY_HOLD.get(table.name)
            if flag and db.session.scalar(select(func.count()).select_from(table).where(table.c[flag].is_(True))):
                values[flag] = False
            found = db.session.execute(insert(table).returning(key), values).scalar_one()
            self._note_created(table, values)
        self.ids.setdefault(table.name, {})[row[key.name]] = found

    def _note_created(self, table: Table, values: dict) -> None:
        """Name a created region, system or framework (not each part of a framework)."""
        natural = SHARED[table.name]
        if not any(table.c[name].foreign_keys for name in natural):
            self.summary.created_shared.append(f"{table.name.replace('_', ' ')} "
                                               + " ".join(str(values[name]) for name in natural))

    def _values(self, table: Table, row: dict) -> dict:
        values = {}
        key = own_id(table)
        for name, value in row.items():
            column = table.c[name]
            if column is key:
                continue
            values[name] = self._translated(table, column, value) if column.foreign_keys else decode(column, value)
        if table.name == User.__tablename__:
            values["password_hash"] = UNUSABLE_PASSWORD
        if table.name in TYPED_REFERENCES:
            self._retarget(table, values)
        return values

    def _translated(self, table: Table, column: Column, old: int | None) -> int | None:
        target = next(iter(column.foreign_keys)).column.table
        if old is None or target is table:  # links within the table are set once all its rows exist
            return None
        new = self.ids.get(target.name, {}).get(old)
        if new is None:
            if not column.nullable:
                raise TransferError(f"The export's {table.name}.{column.name} refers to a {target.name} row it does "
                                    "not contain. Nothing was imported.")
            self.summary.cleared += 1
        return new

    def _retarget(self, table: Table, values: dict) -> None:
        """Point an audit event at the new id of the record it is about (or at nothing, if it is gone)."""
        type_column, id_column = TYPED_REFERENCES[table.name]
        target = self.table_of_class.get(values.get(type_column))
        old = values.get(id_column)
        values[id_column] = self.ids.get(target, {}).get(old) if old is not None else None

    def _relink_to_own_table(self, table: Table, key: Column, rows: list[dict]) -> None:
        mapping = self.ids[table.name]
        for fk in (fk for fk in table.foreign_keys if fk.column.table is table):
            links = [{"row_id": mapping[row[key.name]], "link_to": mapping[row[fk.parent.name]]}
                     for row in rows if row.get(fk.parent.name) in mapping]
            self.summary.cleared += sum(1 for row in rows
                                        if row.get(fk.parent.name) is not None and row[fk.parent.name] not in mapping)
            if links:
                unchanged = {column.name: column for column in table.columns if column.onupdate is not None}
                statement = update(table).where(key == bindparam("row_id")).values(
                    {**unchanged, fk.parent.name: bindparam("link_to")})  # keep the exported updated_at
                db.session.execute(statement, links)
