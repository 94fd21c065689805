"""Browser fixtures: the app served on a free local port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import logging
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from impact_tracker import create_app
from impact_tracker.config import TestingConfig
from impact_tracker.demo import seed_demo
from impact_tracker.extensions import db

DEMO_PASSWORD = "browser-demo-password"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
    # The network is closed: make every non-local host (the NHS.UK web fonts) fail at once, not after a DNS wait.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Tablet landscape by default; tests mark portrait with browser_context_args."""
    return {**browser_context_args, "viewport": {"width": 1024, "height": 768}, "has_touch": True}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "impact.sqlite3"
    config = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        seed_demo(DEMO_PASSWORD)
        db.session.remove()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server
