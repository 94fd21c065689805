"""IMPACT Tracker: continuous improvement the NHS IMPACT way."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from .cli import register_cli
from .config import BaseConfig, select_config
from .core.security import register_security_headers
from .errors import register_error_handlers
from .wiring import configure_extensions, configure_templates, register_blueprints, register_sign_in_guard


def create_app(config: type[BaseConfig] | Mapping | None = None) -> Flask:
    """Build the application: configuration, extensions, templates, blueprints, errors and commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    _load_config(app, config)
    configure_templates(app)  # before the extensions: CSRFProtect creates the Jinja environment
    configure_extensions(app)
    register_blueprints(app)
    register_sign_in_guard(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_cli(app)
    return app


def _load_config(app: Flask, config: type[BaseConfig] | Mapping | None) -> None:
    """Apply a config class (default: chosen by IMPACT_TRACKER_ENV), then any mapping of overrides."""
    if isinstance(config, Mapping):
        app.config.from_object(select_config())
        app.config.from_mapping(config)
    else:
        config_class = config or select_config()
        config_class.check()
        app.config.from_object(config_class)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'impact_tracker.sqlite3'}"
