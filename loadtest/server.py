"""A fresh database with the demo data, and the app under gunicorn on a free local port, for one engine."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.pg import create_database, throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
# Lines in the server log that fail the run whatever the clients saw: a locked SQLite database, a traceback, an
# error logged by the app or gunicorn, a worker killed for taking too long.
LOG_FAILURES = ("database is locked", "Traceback", "ERROR in ", "[ERROR]", "[CRITICAL]")


@contextmanager
def fresh_database(engine: str, folder: Path) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file in `folder`, or a new throwaway PostgreSQL database."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / 'loadtest.sqlite3'}"
        return
    if engine != "postgresql":
        raise SystemExit(f"LOADTEST_ENGINES names {engine!r}; use sqlite and/or postgresql.")
    with throwaway_postgres() as server_url:
        yield create_database(server_url, "impact_loadtest")


def app_environment(database_url: str) -> dict[str, str]:
    """Production settings, as deployed behind an HTTPS proxy (the load clients play the proxy's part).

    Production cookies are Secure, so the clients send X-Forwarded-Proto: https and the app trusts one proxy,
    exactly as behind a TLS-terminating reverse proxy; nothing in the production configuration is weakened.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(("IMPACT_", "FLASK_"))}
    env.update(IMPACT_TRACKER_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database_url,
               IMPACT_TRUSTED_PROXIES="1", PYTHONUNBUFFERED="1")
    return env


def prepare(env: dict[str, str], password: str) -> None:
    """Run the migrations and load the demo data, as a deployment would."""
    flask = [sys.executable, "-m", "flask", "--app", "impact_tracker"]
    for command in (["db", "upgrade"], ["seed-demo", "--password", password]):
        subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Serve the app with gunicorn.conf.py on a free local port; yield its base URL, stop it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
               "--workers", str(WORKERS), "--no-control-socket", "wsgi:app"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, process)
        yield base_url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(base_url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {process.returncode}); see its log.")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer {base_url}/healthz within {timeout:.0f} s.")


def log_failures(log_path: Path) -> list[str]:
    """The lines of gunicorn's log that show a failure: a locked SQLite database or a traceback."""
    lines = log_path.read_text(errors="replace").splitlines()
    return [line for line in lines if any(marker in line for marker in LOG_FAILURES)]


@contextmanager
def temporary_folder() -> Iterator[Path]:
    """A temporary folder for the database file and the server log, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="impact-loadtest-") as folder:
        yield Path(folder)
