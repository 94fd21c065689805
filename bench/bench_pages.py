"""Benchmark: pages, charts and bulk upload through the Flask test client on a generated dataset.

Each measurement sits beside the floor it is judged against, measured in the same run: a Flask endpoint that
returns a constant (for pages), a bare matplotlib render of the same chart (for a cold chart), and a bare
executemany of the same rows (for a bulk upload).
"""

from __future__ import annotations

import gc
import io
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from sqlalchemy import select, text

from impact_tracker import create_app
from impact_tracker.config import TestingConfig
from impact_tracker.extensions import db
from impact_tracker.measures.models import ChartType, DataPoint, Measure
from impact_tracker.orgs.models import User
from impact_tracker.projects.models import Project
from impact_tracker.scale import Shape, generate

HERE = Path(__file__).resolve().parent
SCALES = {"small": 22, "national": 220}
PASSWORD = "scale-dataset-password"


def timings_ms(work: Callable[[], object], repetitions: int) -> np.ndarray:
    """Milliseconds for each of `repetitions` calls, after one warm-up call."""
    work()
    gc.collect()
    times = np.empty(repetitions)
    for index in range(repetitions):
        started = time.perf_counter()
        work()
        times[index] = time.perf_counter() - started
    return times * 1000


def row(name, scale, engine, ours, floor_name, floor, target, met) -> dict:
    """One result in the shape bench/results.json promises."""
    p50, floor_p50 = float(np.median(ours)), float(np.median(floor))
    return {"name": name, "scale": scale, "engine": engine, "p50_ms": round(p50, 3),
            "p95_ms": round(float(np.percentile(ours, 95)), 3), "floor": floor_name,
            "floor_p50_ms": round(floor_p50, 3), "ratio": round(p50 / floor_p50, 2) if floor_p50 else None,
            "target": target, "met": bool(met)}


def _database(stack: ExitStack, scale: str, engine: str) -> str:
    """A database holding the generated dataset: a cached SQLite file, or a throwaway PostgreSQL."""
    organisations = SCALES[scale]
    if engine == "postgresql":
        from tests.pg import throwaway_postgres

        url = stack.enter_context(throwaway_postgres())
        _fill(url, organisations)
        return url
    path = HERE / f"scale-{organisations}.sqlite3"
    url = f"sqlite:///{path}"
    if not path.exists():
        _fill(url, organisations)
    return url


def _fill(url: str, organisations: int) -> None:
    app = create_app(_config(url))
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        counts = generate(Shape.scaled(organisations))
        print(f"generated {counts} in {time.perf_counter() - started:.0f} s")  # noqa: T201


def _config(url: str) -> dict:
    config = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None, IMPACT_STRICT_TEMPLATES=False)
    return config


def run(scale: str = "small", engine: str = "sqlite") -> list[dict]:
    """Every page benchmark at one scale on one engine."""
    with ExitStack() as stack:
        url = _database(stack, scale, engine)
        app = create_app(_config(url))
        app.add_url_rule("/bench/constant", "bench_constant", lambda: "ok")
        with app.app_context():
            return _measure_all(app, scale, engine)


def _measure_all(app, scale: str, engine: str) -> list[dict]:
    client = app.test_client()
    project, measure = _subjects()
    user = db.session.scalar(select(User).where(User.organisation_id == project.organisation_id).limit(1))
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    constant = timings_ms(lambda: client.get("/bench/constant"), 200)
    results = [row("constant Flask endpoint", scale, engine, constant, "itself", constant, "floor", True)]
    project_page = timings_ms(lambda: _ok(client.get(f"/projects/{project.id}")), 40)
    results.append(row("project page", scale, engine, project_page, "constant Flask endpoint", constant,
                       "p95 under 50 ms", np.percentile(project_page, 95) < 50))
    results += _chart_rows(app, client, measure, scale, engine)
    results.append(_upload_row(client, measure, scale, engine))
    return results


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


def _subjects() -> tuple[Project, Measure]:
    """A project with measures in the first organisation, and its first XmR measure."""
    measure = db.session.scalar(select(Measure).join(Project).where(Project.organisation_id == 1,
                                                                     Measure.chart == ChartType.XMR).limit(1))
    return measure.project, measure


def _chart_rows(app, client, measure: Measure, scale: str, engine: str) -> list[dict]:
    from impact_tracker.measures.services.charts import CACHE_EXTENSION

    url = f"/measures/{measure.id}/chart/svg"

    def cold():
        app.extensions.pop(CACHE_EXTENSION, None)
        _ok(client.get(url))

    values = [p.plotted_value for p in measure.points]
    bare = timings_ms(lambda: _bare_render(values), 10)
    cold_times = timings_ms(cold, 10)
    warm = timings_ms(lambda: _ok(client.get(url)), 100)
    return [
        row("chart SVG, cold", scale, engine, cold_times, "bare matplotlib render of the same series", bare,
            "within 1.2x of the bare render", np.median(cold_times) <= 1.2 * np.median(bare)),
        row("chart SVG, cached", scale, engine, warm, "bare matplotlib render of the same series", bare,
            "repeat view under 2 ms", np.percentile(warm, 95) < 2),
    ]


def _bare_render(values: list[float]) -> bytes:
    figure = Figure(figsize=(9, 4.5))
    axes = figure.add_subplot()
    axes.plot(range(len(values)), values, marker="o")
    mean = float(np.mean(values))
    for level in (mean, mean * 1.2, mean * 0.8):
        axes.axhline(level)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def _upload_row(client, measure: Measure, scale: str, engine: str) -> dict:
    from impact_tracker.auth.services import create_token

    token, _ = create_token(measure.project.team[0].user if measure.project.team else db.session.get(User, 1), "b")
    headers = {"Authorization": f"Bearer {token}"}
    start, flip = date(2030, 1, 7), [0]

    def upload():
        flip[0] += 1
        points = [{"period": (start + timedelta(weeks=i)).isoformat(), "value": float(i % 17 + flip[0] % 2)}
                  for i in range(1000)]
        response = client.put(f"/api/v1/measures/{measure.id}/points", json={"points": points}, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]

    ours = timings_ms(upload, 10)
    floor = timings_ms(lambda: _bare_insert(measure.id), 10)
    return row("bulk upload of 1,000 points (API)", scale, engine, ours, "bare SQL executemany of 1,000 rows",
               floor, "under 200 ms", np.percentile(ours, 95) < 200)


def _bare_insert(measure_id: int) -> None:
    rows = [{"m": measure_id, "p": date(2040, 1, 1) + timedelta(days=i), "v": float(i)} for i in range(1000)]
    table = DataPoint.__table__.name
    db.session.execute(text(f"DELETE FROM {table} WHERE measure_id = :m AND period >= '2040-01-01'"), {"m": measure_id})
    db.session.execute(text(f"INSERT INTO {table} (measure_id, period, value, annotation, entered_at) "
                            "VALUES (:m, :p, :v, '', CURRENT_TIMESTAMP)"), rows)
    db.session.commit()


def scale_from_environment() -> tuple[str, str]:
    """BENCH_SCALE (small or national) and BENCH_ENGINE (sqlite or postgresql)."""
    return os.environ.get("BENCH_SCALE", "small"), os.environ.get("BENCH_ENGINE", "sqlite")
