"""Run the load test on each engine, print a table per engine and write loadtest/results.json (`make loadtest`).

For each engine: a fresh database (a SQLite file, or a database on a throwaway PostgreSQL), `flask db upgrade`,
`seed-demo`, then gunicorn (gunicorn.conf.py, two workers, production settings) on 127.0.0.1 and signed-in demo
users reading and writing through the real pages and API. Settings (environment): LOADTEST_ENGINES (default
sqlite,postgresql), LOADTEST_SECONDS (default 60, counted once every user has started), LOADTEST_USERS (default
40). Exits 1 when any request failed or the server's log shows a locked database, a traceback or a logged error.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import sys
import time
from pathlib import Path

import gevent
from locust.env import Environment

from . import report, server, users

RESULTS = Path(__file__).resolve().parent / "results.json"
SPAWN_RATE = 8  # people starting (and signing in) per second


def settings() -> dict:
    """What to run, from the environment."""
    engines = [name.strip() for name in os.environ.get("LOADTEST_ENGINES", "sqlite,postgresql").split(",")]
    return {"engines": [name for name in engines if name], "seconds": int(os.environ.get("LOADTEST_SECONDS", "60")),
            "users": int(os.environ.get("LOADTEST_USERS", "40"))}


def run_engine(engine: str, seconds: int, user_count: int) -> dict:
    """A fresh database and server for the engine, `user_count` people for `seconds`; the results."""
    password = secrets.token_urlsafe(18)
    with server.temporary_folder() as folder, server.fresh_database(engine, folder) as database_url:
        started = time.monotonic()
        env = server.app_environment(database_url)
        server.prepare(env, password)
        prepared = time.monotonic()
        log_path = folder / "gunicorn.log"
        with server.gunicorn(env, log_path) as base_url:
            environment = swarm(base_url, password, seconds, user_count)
        table = report.rows(environment.stats)
        return {"engine": engine, "seconds": seconds, "users": user_count, "workers": server.WORKERS,
                "requests": table[:-1], "total": table[-1], "failures": report.failures(environment.stats),
                "exceptions": report.exceptions(environment.runner), "log_failures": server.log_failures(log_path),
                "version_conflicts": dict(users.conflicts), "prepare_seconds": round(prepared - started, 1)}


def swarm(base_url: str, password: str, seconds: int, user_count: int) -> Environment:
    """Start the people, let them work for `seconds` (after they have all started), stop them."""
    users.Person.password = password
    users.conflicts.update(dict.fromkeys(users.conflicts, 0))
    environment = Environment(user_classes=[users.Writer, users.OrganisationReader, users.LeaderReader],
                              host=base_url)
    runner = environment.create_local_runner()
    runner.start(user_count, spawn_rate=SPAWN_RATE)
    gevent.spawn_later(seconds + user_count / SPAWN_RATE, runner.quit)
    runner.greenlet.join()
    return environment


def main() -> int:
    config = settings()
    results, failed = [], False
    for engine in config["engines"]:
        started = time.monotonic()
        result = run_engine(engine, config["seconds"], config["users"])
        result["wall_seconds"] = round(time.monotonic() - started, 1)
        results.append(result)
        sys.stdout.write(report.format_table(engine, result["requests"] + [result["total"]]) + "\n")
        sys.stdout.write(f"version conflicts shown to users (expected, not errors): {result['version_conflicts']}\n")
        for line in report.problems(result):
            failed = True
            sys.stdout.write(f"FAILED ({engine}) {line}\n")
        sys.stdout.write(f"{engine}: {config['users']} users for {config['seconds']} s; "
                         f"{result['prepare_seconds']} s to migrate and seed, {result['wall_seconds']} s in all\n\n")
    RESULTS.write_text(json.dumps({"machine": f"{platform.machine()}, Python {platform.python_version()}",
                                   "engines": results}, indent=2) + "\n")
    sys.stdout.write(f"wrote {RESULTS}\n{'FAILED' if failed else 'passed'}: load test\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
