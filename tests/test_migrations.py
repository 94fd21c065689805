"""Migrations build the same schema as the models, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .pg import create_database

ROOT = Path(__file__).resolve().parent.parent


def _flask(args: list[str], database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "IMPACT_TRACKER_ENV": "development"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "impact_tracker", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def empty_database(engine_name, request, tmp_path) -> str:
    if engine_name == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    return create_database(request.getfixturevalue("postgres_server"), "impact_migrations")


def test_upgrade_then_check_reports_no_drift(empty_database):
    upgrade = _flask(["db", "upgrade"], empty_database)
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask(["db", "check"], empty_database)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_downgrade_to_base_and_upgrade_again(empty_database):
    assert _flask(["db", "upgrade"], empty_database).returncode == 0
    downgrade = _flask(["db", "downgrade", "base"], empty_database)
    assert downgrade.returncode == 0, downgrade.stderr
    assert _flask(["db", "upgrade"], empty_database).returncode == 0
