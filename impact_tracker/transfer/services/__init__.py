"""Use cases for moving data: export and import one organisation, back up SQLite, give imported people passwords.

The modules: `tables` decides what an export holds (from the SQLAlchemy metadata), `exportfile` is the zip
format, `exporting` and `importing` do the work, `backup` copies a SQLite file, `accounts` sets passwords.
"""

from .accounts import give_password
from .backup import PG_DUMP_HINT, BackupSummary, backup_sqlite
from .exportfile import FORMAT, FORMAT_VERSION, TransferError
from .exporting import ExportSummary, export_organisation
from .importing import UNUSABLE_PASSWORD, ImportSummary, import_organisation

__all__ = [
    "FORMAT", "FORMAT_VERSION", "PG_DUMP_HINT", "UNUSABLE_PASSWORD", "BackupSummary", "ExportSummary",
    "ImportSummary", "TransferError", "backup_sqlite", "export_organisation", "give_password",
    "import_organisation",
]
