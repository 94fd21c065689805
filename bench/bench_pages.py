"""Benchmark: pages, charts and bulk upload through the Flask test client on a generated dataset.

Each measurement sits beside the floor it is judged against, measured in the same run: a Flask endpoint that
returns a constant (for pages), a bare matplotlib render of the same chart (for a cold chart), and a bare
executemany of the same rows (for a bulk upload).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import delete, select, text

from impact_tracker import create_app
from impact_tracker.config import TestingConfig
from impact_tracker.extensions import db
from impact_tracker.measures.models import ChartType, Measure
from impact_tracker.orgs.models import User
from impact_tracker.projects.models import Project
from impact_tracker.scale import Shape, generate

HERE = Path(__file__).resolve().parent
SCALES = {"small": 22, "national": 220}
LEFTOVERS = date(2030, 1, 1)
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
    else:
        _bring_up_to_date(url)
    return url


def _bring_up_to_date(url: str) -> None:
    """A dataset cached by an older version: add new tables and store any missing measure summaries."""
    from impact_tracker.measures.models import DataPoint, MeasureSummary
    from impact_tracker.measures.services.summary import mark_stale, refresh_all

    app = create_app(_config(url))
    with app.app_context():
        db.create_all()
        # Points from 2030 on were left by runs before the upload had a measure of its own.
        touched = list(db.session.scalars(select(DataPoint.measure_id).where(DataPoint.period >= LEFTOVERS)
                                          .distinct()))
        db.session.execute(delete(DataPoint).where(DataPoint.period >= LEFTOVERS))
        mark_stale(db.session, touched)
        db.session.commit()
        if not db.session.scalar(select(MeasureSummary.measure_id).limit(1)):
            print(f"summarised {refresh_all()} measures")  # noqa: T201


def _fill(url: str, organisations: int) -> None:
    app = create_app(_config(url))
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        counts = generate(Shape.scaled(organisations))
        print(f"generated {counts} in {time.perf_counter() - started:.0f} s")  # noqa: T201


def _config(url: str) -> dict:
    config = {key: getattr(TestingConfig, key) for key in dir(TestingConfig) if key.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=url, SERVER_NAME=None, IMPACT_STRICT_TEMPLATES=False,
                  IMPACT_DRAW_CHARTS_ON_WRITE=True)  # as deployed: charts drawn in the background on write
    return config


@dataclass(frozen=True)
class Subjects:
    """What the benchmark requests, chosen once: ids and sign-ins."""

    project_id: int
    measure_id: int
    user_email: str
    token: str
    organisation_code: str
    system_code: str


def run(scale: str = "small", engine: str = "sqlite") -> list[dict]:
    """Every page benchmark at one scale on one engine.

    Requests run outside any application context, as in a real server, so each request gets a fresh one
    (sharing one would also share Flask-Login's cached user between clients).
    """
    with ExitStack() as stack:
        url = _database(stack, scale, engine)
        app = create_app(_config(url))
        app.add_url_rule("/bench/constant", "bench_constant", lambda: "ok")
        with app.app_context():
            subjects = _subjects()
        return _measure_all(app, subjects, scale, engine)


def _subjects() -> Subjects:
    """A project with measures in the first organisation, its first XmR measure, and who signs in."""
    from impact_tracker.auth.services import create_token
    from impact_tracker.core.permissions import Role
    from impact_tracker.orgs import services as orgs

    measure = db.session.scalar(select(Measure).join(Project).where(Project.organisation_id == 1,
                                                                     Measure.chart == ChartType.XMR).limit(1))
    project = measure.project
    user = db.session.scalar(select(User).where(User.id == project.team[0].user_id))
    if db.session.scalar(select(User.id).where(User.email == NATIONAL)) is None:
        orgs.create_account(orgs.NewUser(NATIONAL, "Bench National", Role.NATIONAL_ADMIN, PASSWORD), orgs.Scope())
    token, _ = create_token(user, "bench")
    return Subjects(project.id, measure.id, user.email, token,
                    project.organisation.code, project.organisation.system.code)


NATIONAL = "bench-national@scale.example"


def _measure_all(app, subjects: Subjects, scale: str, engine: str) -> list[dict]:
    client = _signed_in(app, subjects.user_email)
    constant = timings_ms(lambda: client.get("/bench/constant"), 200)
    results = [row("constant Flask endpoint", scale, engine, constant, "itself", constant, "floor", True)]
    project_page = timings_ms(lambda: _ok(client.get(f"/projects/{subjects.project_id}")), 40)
    results.append(row("project page", scale, engine, project_page, "constant Flask endpoint", constant,
                       "p95 under 50 ms", np.percentile(project_page, 95) < 50))
    results += _chart_rows(app, client, subjects, scale, engine)
    results.append(_upload_row(app, client, subjects, scale, engine))
    results.append(_gemba_row(client, constant, scale, engine))
    results += _rollup_rows(app, constant, scale, engine, subjects)
    return results


def _signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "the benchmark user could not sign in"
    return client


def _ok(response):
    assert response.status_code == 200, (response.status_code, response.request.path)
    return response


def _chart_rows(app, client, subjects: Subjects, scale: str, engine: str) -> list[dict]:
    from impact_tracker.measures.services.charts import CACHE_EXTENSION

    url = f"/measures/{subjects.measure_id}/chart/svg"

    def cold():
        app.extensions.pop(CACHE_EXTENSION, None)
        _ok(client.get(url))

    bare = timings_ms(_bare_render(app, subjects.measure_id), 10)
    cold_times = timings_ms(cold, 10)
    warm = timings_ms(lambda: _ok(client.get(url)), 100)
    measure_page = timings_ms(lambda: _ok(client.get(f"/measures/{subjects.measure_id}")), 40)
    return [
        row("chart SVG, cold", scale, engine, cold_times, "bare matplotlib render of the same figure", bare,
            "within 1.2x of the bare render", np.median(cold_times) <= 1.2 * np.median(bare)),
        row("chart SVG, cached", scale, engine, warm, "bare matplotlib render of the same figure", bare,
            "repeat view under 2 ms", np.percentile(warm, 95) < 2),
        row("measure page (chart cached)", scale, engine, measure_page, "bare matplotlib render of the same figure",
            bare, "p95 under 50 ms", np.percentile(measure_page, 95) < 50),
    ]


def _bare_render(app, measure_id: int) -> Callable[[], bytes]:
    """Drawing the same figure straight through the chart module: matplotlib only, with the analysis done
    beforehand (no request, query, analysis or cache in the timing)."""
    from impact_tracker import charts
    from impact_tracker.measures.services.charts import analyse_measure

    with app.test_request_context():
        analysis = analyse_measure(db.session.get(Measure, measure_id))
    common = {"annotations": analysis.cycles, "rebase_reasons": [note.label for note in analysis.rebases],
              "notes": analysis.notes, "unit": analysis.unit, "fmt": "svg"}
    return lambda: charts.render_spc_chart(analysis.dates, analysis.result, **common)


def _upload_row(app, client, subjects: Subjects, scale: str, engine: str) -> dict:
    """A spreadsheet of 1,000 weekly points sent again and again with half the values corrected each time,
    to a measure made for the purpose (and removed after), so the other benchmarks' data never change."""
    headers = {"Authorization": f"Bearer {subjects.token}"}
    start, flip = date(2030, 1, 7), [0]
    measure_id = _upload_measure(app, subjects.project_id)

    def upload():
        flip[0] += 1
        points = [{"period": (start + timedelta(weeks=i)).isoformat(), "value": float(i % 17 + (i + flip[0]) % 2)}
                  for i in range(1000)]
        response = client.put(f"/api/v1/measures/{measure_id}/points", json={"points": points}, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]

    def bare():
        with app.app_context():
            _bare_insert(measure_id)

    try:
        ours = timings_ms(upload, 10)
        floor = timings_ms(bare, 10)
    finally:
        with app.app_context():
            db.session.execute(delete(Measure).where(Measure.id == measure_id))
            db.session.commit()
    return row("bulk upload of 1,000 points (API)", scale, engine, ours, "bare SQL executemany of 1,000 rows",
               floor, "under 200 ms", np.percentile(ours, 95) < 200)


def _upload_measure(app, project_id: int) -> int:
    from impact_tracker.measures.models import MeasureKind

    with app.app_context():
        measure = Measure(project_id=project_id, name="Benchmark upload", kind=MeasureKind.PROCESS)
        db.session.add(measure)
        db.session.commit()
        return measure.id


def _bare_insert(measure_id: int) -> None:
    rows = [{"m": measure_id, "p": date(2040, 1, 1) + timedelta(days=i), "v": float(i)} for i in range(1000)]
    db.session.execute(text("DELETE FROM data_point WHERE measure_id = :m AND period >= '2040-01-01'"),
                       {"m": measure_id})
    db.session.execute(text("INSERT INTO data_point (measure_id, period, value, annotation, entered_at) "
                            "VALUES (:m, :p, :v, '', CURRENT_TIMESTAMP)"), rows)
    db.session.commit()


def _gemba_row(client, constant: np.ndarray, scale: str, engine: str) -> dict:
    """A tablet sending a new walk (each call a new client id, as a walk made offline would be)."""
    import uuid

    body = {"date": "2026-11-20", "type": "gemba", "observations": "Busy morning, calm handover.",
            "staff_roles": [{"role": "nurse", "count": 3}],
            "concerns": [{"category": "equipment", "text": "One hoist out of order"}]}

    def send():
        response = client.put(f"/api/v1/gemba-walks/{uuid.uuid4()}", json=body)
        assert response.status_code == 201, response.get_data(as_text=True)[:300]

    ours = timings_ms(send, 40)
    return row("gemba walk sync (PUT, new walk)", scale, engine, ours, "constant Flask endpoint", constant,
               "p95 under 50 ms", np.percentile(ours, 95) < 50)


def _rollup_rows(app, constant: np.ndarray, scale: str, engine: str, subjects: Subjects) -> list[dict]:
    """National, system and organisation roll-ups as a national administrator.

    The national page is timed three ways: cold (every organisation's figures worked out), after one
    organisation changed (the usual case: only its figures are worked out again) and repeated. Its floor is
    the same aggregate statements run bare on a database connection.
    """
    from impact_tracker.portfolio.services import FIGURES_CACHE

    client = _signed_in(app, NATIONAL)
    floor = timings_ms(_bare_rollup(app), 10)
    target = "p95 within 2x of the bare SQL"

    def cold():
        app.extensions.pop(FIGURES_CACHE, None)
        _ok(client.get("/portfolio/national"))

    changed = _one_organisation_changed(app, client)
    results = []
    for name, work in (("national roll-up page, cold", cold), ("national roll-up page, one organisation changed",
                                                                changed),
                       ("national roll-up page, repeat view", lambda: _ok(client.get("/portfolio/national"))),
                       ("system roll-up page", lambda: _ok(client.get(f"/portfolio/systems/{subjects.system_code}")))):
        ours = timings_ms(work, 10 if work is cold else 20)
        results.append(row(name, scale, engine, ours, "bare SQL of the national figures", floor, target,
                           np.percentile(ours, 95) <= 2 * np.percentile(floor, 95)))
    ours = timings_ms(lambda: _ok(client.get(f"/portfolio/organisations/{subjects.organisation_code}")), 20)
    results.append(row("organisation portfolio page", scale, engine, ours, "constant Flask endpoint", constant,
                       "p95 under 50 ms", np.percentile(ours, 95) < 50))
    return results


def _bare_rollup(app) -> Callable[[], None]:
    """The statements the national figures take, captured once, then run bare on a DBAPI connection."""
    from sqlalchemy import event

    from impact_tracker.orgs.models import Organisation
    from impact_tracker.portfolio import queries

    captured: list[tuple] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        captured.append((statement, parameters))

    with app.app_context():
        engine = db.engine
        org_ids = list(db.session.scalars(select(Organisation.id)))
        event.listen(engine, "before_cursor_execute", capture)
        try:
            queries.figures(org_ids, queries.Filters())
        finally:
            event.remove(engine, "before_cursor_execute", capture)

    def run() -> None:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters in captured:
                cursor.execute(statement, parameters)
                cursor.fetchall()
        finally:
            connection.close()

    return run


def _one_organisation_changed(app, client) -> Callable[[], None]:
    """A national view after a change to one organisation (a different one each time) raised its version."""
    from impact_tracker.audit.services import note_changed
    from impact_tracker.orgs.models import Organisation

    with app.app_context():
        org_ids = list(db.session.scalars(select(Organisation.id)))
    turn = [0]

    def work() -> None:
        turn[0] += 1
        with app.app_context():
            note_changed(db.session, [org_ids[turn[0] % len(org_ids)]])
            db.session.commit()
        _ok(client.get("/portfolio/national"))

    return work


def scale_from_environment() -> tuple[str, str]:
    """BENCH_SCALE (small or national) and BENCH_ENGINE (sqlite or postgresql)."""
    return os.environ.get("BENCH_SCALE", "small"), os.environ.get("BENCH_ENGINE", "sqlite")

