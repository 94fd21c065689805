"""The export file: a zip with a manifest, one JSON file per table (what import reads) and the same as CSV."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Column

from ...core.csv_export import csv_text
from ...core.errors import DomainError

FORMAT = "impact-tracker-organisation-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class TransferError(DomainError):
    """An export or import was refused; nothing was written."""


@dataclass(frozen=True)
class TableData:
    """One table's exported rows, as JSON-ready dicts in id order."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]]


def encode(value: Any) -> Any:
    """A database value as JSON: ISO dates, UTC timestamps with offset, exact decimals as strings."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite returns UTC without an offset
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def decode(column: Column, value: Any) -> Any:
    """The JSON value back as the column's Python type."""
    if value is None:
        return None
    kind = _python_type(column)
    if kind is datetime:
        return datetime.fromisoformat(value).astimezone(UTC)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is Decimal:
        return Decimal(value)
    return value


def _python_type(column: Column) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def write_export(path: Path, manifest: dict, tables: list[TableData]) -> None:
    """Write the zip: manifest.json, json/<table>.json and csv/<table>.csv; no half-written file is left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    archive = zipfile.ZipFile(path, "x", compression=zipfile.ZIP_DEFLATED)  # "x": never over another file
    try:
        with archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
            for table in tables:
                archive.writestr(f"json/{table.name}.json", json.dumps(table.rows, indent=1, ensure_ascii=False))
                rows = ([row[name] for name in table.columns] for row in table.rows)
                archive.writestr(f"csv/{table.name}.csv", csv_text(table.columns, rows))
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def read_export(path: Path) -> tuple[dict, dict[str, list[dict]]]:
    """The manifest and each table's rows. Raises TransferError when the file is not an export this app reads."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
            _check_manifest(manifest)
            return manifest, {name: json.loads(archive.read(f"json/{name}.json")) for name in manifest["tables"]}
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError) as err:
        raise TransferError(f"{path.name} is not an IMPACT Tracker organisation export ({_reason(err)}). "
                            "Nothing was imported.") from None


def _check_manifest(manifest: Any) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError("its manifest does not name the export format")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"format version {manifest.get('format_version')!r}; this version reads {FORMAT_VERSION}")
    if not isinstance(manifest.get("tables"), dict) or not isinstance(manifest.get("organisation"), str):
        raise ValueError("its manifest has no table counts or organisation")


def _reason(err: Exception) -> str:
    if isinstance(err, KeyError):
        return str(err.args[0]) if err.args else "a file is missing"
    if isinstance(err, zipfile.BadZipFile):
        return "it is not a zip file"
    if isinstance(err, json.JSONDecodeError):
        return "a file in it is not valid JSON"
    return str(err)
