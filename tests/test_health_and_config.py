"""The health check, configuration choices and SQLite's connection settings."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from impact_tracker import create_app
from impact_tracker.config import ConfigError, ProductionConfig, TestingConfig, select_config
from impact_tracker.extensions import db


def test_health_is_ok_and_public_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_does_not_answer(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-dir/none.sqlite3"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app(ProductionConfig)


def test_production_refuses_to_start_without_a_database(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s" * 32)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", None)
    with pytest.raises(ConfigError, match="DATABASE_URL is not set"):
        create_app(ProductionConfig)


def test_production_cookies_are_secure_and_http_only():
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.SESSION_COOKIE_HTTPONLY
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


def test_the_environment_variable_picks_the_config(monkeypatch):
    monkeypatch.setenv("IMPACT_TRACKER_ENV", "testing")
    assert select_config() is TestingConfig
    monkeypatch.setenv("IMPACT_TRACKER_ENV", "staging")
    with pytest.raises(ConfigError, match="not one of"):
        select_config()


def test_database_url_selects_postgresql_with_psycopg_3(monkeypatch):
    from impact_tracker.config import _database_url

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/impact")
    assert _database_url(None) == "postgresql+psycopg://u:p@db.internal/impact"


def test_the_default_database_is_a_sqlite_file_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": None, "SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/instance/impact_tracker.sqlite3")


def test_sqlite_files_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    app = create_app({**{k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/wal.sqlite3"})
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        db.engine.dispose()
