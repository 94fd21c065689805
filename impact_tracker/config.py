"""Configuration classes, chosen by the IMPACT_TRACKER_ENV environment variable."""

from __future__ import annotations

import os
from datetime import timedelta


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


def _database_url(default: str | None) -> str | None:
    """Read DATABASE_URL, accepting the common postgres:// spellings and pinning psycopg 3."""
    url = os.environ.get("DATABASE_URL", default)
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class BaseConfig:
    """Safe defaults shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(None)
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a tablet left on a ward must still be able to submit its form
    IMPACT_SQLITE_BUSY_TIMEOUT_MS = 5000
    IMPACT_API_MAX_PER_PAGE = 200
    IMPACT_SUPPRESS_BELOW = 8  # counts of people from 1 to 7 are hidden in any view above one organisation
    IMPACT_STRICT_TEMPLATES = False
    # Draw a measure's chart in a background thread as soon as its data change, so page views never wait for one.
    IMPACT_DRAW_CHARTS_ON_WRITE = True
    # Sign-in throttling: in memory on one server; a shared store (redis://host:6379) across several.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    IMPACT_SIGN_IN_LIMIT_PER_ACCOUNT = "5 per minute; 20 per hour"
    IMPACT_SIGN_IN_LIMIT_PER_ADDRESS = "30 per minute; 200 per hour"
    # How many reverse proxies sit in front of the app (so throttling sees the real client address).
    IMPACT_TRUSTED_PROXIES = int(os.environ.get("IMPACT_TRUSTED_PROXIES", "0"))

    @classmethod
    def check(cls) -> None:
        """Refuse to start when a setting the environment needs is missing."""


class DevelopmentConfig(BaseConfig):
    """Local use: a SQLite file in instance/ and a fixed, clearly unsafe secret."""

    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "development-only-not-secret")
    SQLALCHEMY_DATABASE_URI = _database_url(None)  # None: create_app puts a SQLite file in instance/
    IMPACT_STRICT_TEMPLATES = True


class TestingConfig(BaseConfig):
    """The test suite: in-memory SQLite unless the tests pass another URL."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    # Tests sign in hundreds of times; the throttling tests set realistic limits themselves.
    IMPACT_SIGN_IN_LIMIT_PER_ACCOUNT = "100000 per minute"
    IMPACT_SIGN_IN_LIMIT_PER_ADDRESS = "100000 per minute"
    SERVER_NAME = "impact.test"
    IMPACT_STRICT_TEMPLATES = True
    IMPACT_CHART_CACHE_DIR = None  # charts cached in memory only, so tests leave nothing in instance/
    IMPACT_DRAW_CHARTS_ON_WRITE = False  # no background threads; the tests of drawing on write turn it on


class ProductionConfig(BaseConfig):
    """Deployed: secure cookies, and no start without a secret key and a database."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            raise ConfigError(
                "SECRET_KEY is not set. Production refuses to start without it, because sessions and "
                "CSRF tokens signed with a known key can be forged. Set SECRET_KEY to a long random value, "
                "e.g. python -c 'import secrets; print(secrets.token_hex(32))'."
            )
        if not cls.SQLALCHEMY_DATABASE_URI:
            raise ConfigError(
                "DATABASE_URL is not set. Production needs an explicit database, e.g. "
                "postgresql+psycopg://user:password@host/impact_tracker."
            )


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def select_config() -> type[BaseConfig]:
    """Pick the config class named by IMPACT_TRACKER_ENV (default: development)."""
    name = os.environ.get("IMPACT_TRACKER_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"IMPACT_TRACKER_ENV={name!r} is not one of {', '.join(CONFIGS)}."
        ) from None
