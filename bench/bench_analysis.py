"""Benchmark: run_chart, i_chart and spc together on 100 and 10,000 points, against a numpy floor."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

import numpy as np

try:
    from impact_tracker.analysis import Values, i_chart, run_chart, spc
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from impact_tracker.analysis import Values, i_chart, run_chart, spc

SCALES = (
    # (points, repetitions, target in ms)
    (100, 2000, 1.0),
    (10_000, 300, 5.0),
)
FLOOR = "numpy asarray+mean+median of the same list"


def make_series(n_points: int) -> list[float]:
    """Deterministic weekly-style data: noise around 50 with a sustained rise in the last fifth."""
    rng = np.random.default_rng(20_240_501 + n_points)
    values = rng.normal(50, 5, n_points)
    values[n_points * 4 // 5 :] += 4
    return values.round(1).tolist()


def all_three(values: list[float]) -> None:
    """The work being timed: the three analyses a measure page shows, each given the plain list."""
    run_chart(values)
    i_chart(values)
    spc(values, improvement_direction="increase", target=55)


def all_three_shared(values: list[float]) -> None:
    """The same three analyses, validating the list once as ``Values`` and sharing it (the app's way)."""
    checked = Values(values)
    run_chart(checked)
    i_chart(checked)
    spc(checked, improvement_direction="increase", target=55)


WORKLOADS = (
    ("run_chart+i_chart+spc (Values)", all_three_shared),
    ("run_chart+i_chart+spc (list)", all_three),
)


def floor(values: list[float]) -> None:
    """The cheapest useful thing numpy can do with the same list: convert it, take mean and median."""
    array = np.asarray(values)
    array.mean()
    np.median(array)


def timings_ms(work, values: list[float], repetitions: int) -> np.ndarray:
    """Wall-clock milliseconds of ``repetitions`` calls, after a warm-up call (fills the crossings cache)."""
    work(values)
    gc.collect()
    times = np.empty(repetitions)
    for index in range(repetitions):
        start = time.perf_counter()
        work(values)
        times[index] = time.perf_counter() - start
    return times * 1000


def run() -> list[dict]:
    """Time every workload at every scale: median, 95th percentile, floor, and whether the target is met."""
    rows = []
    for n_points, repetitions, target_ms in SCALES:
        values = make_series(n_points)
        floor_p50 = float(np.median(timings_ms(floor, values, repetitions)))
        for name, work in WORKLOADS:
            rows.append(_row(name, work, values, repetitions, target_ms, floor_p50))
    return rows


def _row(name: str, work, values: list[float], repetitions: int, target_ms: float, floor_p50: float) -> dict:
    """Time one workload on one series and describe it as a result row."""
    ours = timings_ms(work, values, repetitions)
    p50 = float(np.median(ours))
    n_points = len(values)
    return {
        "name": name,
        "scale": f"{n_points:,} points",
        "engine": "none",
        "p50_ms": round(p50, 3),
        "p95_ms": round(float(np.percentile(ours, 95)), 3),
        "floor": FLOOR,
        "floor_p50_ms": round(floor_p50, 3),
        "ratio": round(p50 / floor_p50, 1),
        "target": f"{n_points:,} points under {target_ms:g} ms",
        "met": p50 < target_ms,
    }


def format_table(rows: list[dict]) -> str:
    """The rows as a fixed-width text table."""
    header = f"{'analysis':32} {'scale':>14} {'p50 ms':>8} {'p95 ms':>8} {'floor ms':>9} {'ratio':>6}  target"
    lines = [header, "-" * len(header)]
    for row in rows:
        verdict = "met" if row["met"] else "MISSED"
        lines.append(
            f"{row['name']:32} {row['scale']:>14} {row['p50_ms']:>8.3f} {row['p95_ms']:>8.3f} "
            f"{row['floor_p50_ms']:>9.3f} {row['ratio']:>6.1f}  {row['target']} ({verdict})"
        )
    lines.append(f"floor: {FLOOR}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(format_table(run()) + "\n")
