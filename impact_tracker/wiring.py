"""The steps create_app takes: extensions, templates, blueprints and the sign-in guard."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, redirect, request, send_from_directory, url_for
from flask_login import current_user
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from .audit.services import start_auditing
from .core.database import RowIdConverter, configure_sqlite
from .core.templating import ProcessBytecodeCache, StrictChainableUndefined, register_template_helpers
from .extensions import csrf, db, limiter, login_manager, migrate
from .measures.services.summary import start_tracking as start_tracking_measures

# Endpoints anyone may reach. The API authenticates its own requests (401, not a redirect).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "home.healthz", "static", "nhsuk_assets"})


def configure_extensions(app: Flask) -> None:
    """Bind the database, migrations, sign-in and CSRF protection to the app."""
    from . import models  # noqa: F401  (every table on the metadata before Alembic looks)

    db.init_app(app)
    configure_sqlite(app)
    start_auditing()
    start_tracking_measures()
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    limiter.init_app(app)
    if app.config["IMPACT_TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["IMPACT_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def configure_templates(app: Flask) -> None:
    """Our templates first, then the NHS.UK frontend macros; strict about misspelt variables in dev and tests.

    The NHS.UK macros read optional keys from their params, which needs chainable undefined values;
    StrictChainableUndefined keeps that but still fails on a misspelt top-level variable of ours.
    """
    strict = app.config["IMPACT_STRICT_TEMPLATES"]
    app.jinja_options = {
        "undefined": StrictChainableUndefined if strict else ChainableUndefined,
        "loader": ChoiceLoader([FileSystemLoader(Path(app.root_path) / app.template_folder),
                                PackageLoader("nhsuk_frontend_jinja")]),
        "bytecode_cache": ProcessBytecodeCache(),
        "trim_blocks": True,
        "lstrip_blocks": True,
    }
    register_template_helpers(app)
    vendor = Path(app.static_folder) / "vendor" / "nhsuk-frontend" / "assets"

    # The NHS.UK stylesheet hard-codes url(/assets/...), so its assets must be served at /assets/.
    @app.route("/assets/<path:filename>", endpoint="nhsuk_assets")
    def nhsuk_assets(filename: str):
        return send_from_directory(vendor, filename, max_age=86400)


def register_blueprints(app: Flask) -> None:
    """Attach every domain's routes."""
    app.url_map.converters["int"] = RowIdConverter
    from .api import bp as api_bp
    from .assessment.views import bp as assessment_bp
    from .auth.views import bp as auth_bp
    from .capability.views import bp as capability_bp
    from .gemba.views import bp as gemba_bp
    from .home.views import bp as home_bp
    from .measures.views import bp as measures_bp
    from .orgs.views import bp as orgs_bp
    from .pdsa.views import bp as pdsa_bp
    from .portfolio.views import bp as portfolio_bp
    from .projects.views import bp as projects_bp

    for blueprint in (home_bp, auth_bp, orgs_bp, projects_bp, pdsa_bp, measures_bp, capability_bp, assessment_bp,
                      gemba_bp, portfolio_bp, api_bp):
        app.register_blueprint(blueprint)


def register_sign_in_guard(app: Flask) -> None:
    """Every page but sign-in, health and static files needs a signed-in user (the API answers 401 itself)."""

    @app.before_request
    def require_sign_in():
        endpoint = request.endpoint or ""
        if endpoint in PUBLIC_ENDPOINTS or request.path.startswith("/api/"):
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.must_change_password and endpoint not in ("auth.change_password", "auth.logout"):
            return redirect(url_for("auth.change_password"))
        return None
