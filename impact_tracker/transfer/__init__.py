"""Moving an organisation's data between databases (export-org, import-org) and SQLite backups."""
