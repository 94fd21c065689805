"""A throwaway PostgreSQL server for the test session (or the one named by TEST_DATABASE_URL)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _pg_bin() -> Path:
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    if not versions:
        raise RuntimeError(
            "PostgreSQL is not installed, and every database test runs on it too. Install it "
            "(apt-get install postgresql), set PG_BIN, or set TEST_DATABASE_URL to a server you started."
        )
    return versions[0]


def _as_postgres(cmd: list) -> list:
    """initdb and pg_ctl refuse to run as root; drop to the postgres user when we are root."""
    return ["runuser", "-u", "postgres", "--", *map(str, cmd)] if os.geteuid() == 0 else list(map(str, cmd))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Yield a SQLAlchemy URL for a fresh PostgreSQL cluster in a temporary folder, removed afterwards."""
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    pg_bin = _pg_bin()
    tmp = Path(tempfile.mkdtemp(prefix="impact-pg-"))
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    data, port = tmp / "data", _free_port()
    subprocess.run(_as_postgres([pg_bin / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                 "--locale=C.UTF-8", "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
    options = (f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off")
    subprocess.run(_as_postgres([pg_bin / "pg_ctl", "-D", data, "-l", tmp / "log", "-w", "-o", options, "start"]),
                   check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([pg_bin / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
                       check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """Create an empty database on the server and return its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name
