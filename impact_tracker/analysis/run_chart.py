"""Run chart: median per period, Anhøj runs analysis (qicharts2 semantics) and IHI shift/trend flags."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import rules
from .series import (
    Period,
    as_values,
    in_long_runs,
    per_point,
    per_point_tuple,
    runs_to_tuple,
    split_periods,
    values_tuple,
)


@dataclass(frozen=True)
class RunsSummary:
    """Anhøj runs analysis of one period; ``first``/``last`` are 0-based and inclusive.

    The four counts are None when no point of the period is off the centre line.
    """

    first: int
    last: int
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    crossings: int | None
    crossings_min: int | None
    signal: bool


@dataclass(frozen=True)
class RunChart:
    """A run chart: per-point median (``centre``), IHI ``shift``/``trend`` flags, runs analysis per period."""

    values: tuple[float, ...]
    centre: tuple[float, ...]
    period: tuple[int, ...]
    periods: tuple[RunsSummary, ...]
    shift: tuple[bool, ...]
    trend: tuple[bool, ...]
    warnings: tuple[str, ...] = ()
    as_percentage: bool = False

    @property
    def signal(self) -> bool:
        """True when any period shows non-random variation by the Anhøj rules."""
        return any(summary.signal for summary in self.periods)


def run_chart(
    values: Iterable[float], *, baseline: int | None = None, rebase_at: Iterable[int] = ()
) -> RunChart:
    """Compute a run chart: the median of each period and the runs rules against it.

    ``values``: finite numbers in time order (at least one). ``baseline``: how many leading points of each
    period set its median (all when None). ``rebase_at``: 0-based positions where a new period starts.
    Works from one point, though the rules need about 10 per period to be useful (a warning says so).
    Raises ValueError for non-finite values (naming the position), an empty series, a baseline longer than its
    period, or a rebase position outside 1..len(values)-1.
    """
    array = as_values(values)
    periods = split_periods(array.size, baseline=baseline, rebase_at=rebase_at)
    medians = [float(np.median(array[period.baseline])) for period in periods]
    centre = per_point(medians, periods)
    return RunChart(
        values=values_tuple(values, array),
        centre=per_point_tuple(medians, periods),
        period=period_numbers(periods),
        periods=runs_summaries(array, centre, periods),
        shift=_per_period_flags(shift_flags, array, centre, periods),
        trend=_per_period_flags(lambda points, _centre: trend_flags(points), array, centre, periods),
        warnings=_few_points_warnings(periods),
    )


def period_numbers(periods: Sequence[Period]) -> tuple[int, ...]:
    """The 0-based period index of every point."""
    return per_point_tuple([period.index for period in periods], periods)


def runs_summaries(
    values: np.ndarray, centre: np.ndarray, periods: Iterable[Period]
) -> tuple[RunsSummary, ...]:
    """Anhøj runs analysis of every period against ``centre`` (a median, or a mean for an I chart)."""
    return tuple(
        runs_summary(values[period.points], float(centre[period.first]), period) for period in periods
    )


def runs_summary(values: np.ndarray, centre: float, period: Period) -> RunsSummary:
    """Anhøj runs analysis of one period's ``values`` against ``centre``.

    Points exactly on the centre line are dropped: they neither extend nor break a run.
    """
    sides = np.sign(values - centre)
    sides = sides[sides != 0]
    n_useful = int(sides.size)
    if n_useful == 0:
        return RunsSummary(period.first, period.last, period.size, 0, None, None, None, None, False)
    run_ends = np.flatnonzero(sides[1:] != sides[:-1])
    longest = int(np.diff(np.concatenate(([-1], run_ends, [n_useful - 1]))).max())
    crossings = int(run_ends.size)
    most, fewest = longest_run_max(n_useful), crossings_min(n_useful)
    signal = longest > most or crossings < fewest
    return RunsSummary(
        period.first, period.last, period.size, n_useful, longest, most, crossings, fewest, signal
    )


def longest_run_max(n_useful: int) -> int:
    """Longest run expected by chance among ``n_useful`` points: round(log2(n)) + 3 (Anhøj)."""
    return round(math.log2(n_useful)) + rules.LONGEST_RUN_OFFSET


@lru_cache(maxsize=1024)
def crossings_min(n_useful: int) -> int:
    """Fewest crossings expected by chance: the 5th percentile of Binomial(n_useful - 1, 0.5).

    That is the smallest k with P(X <= k) >= 0.05, as R's qbinom(0.05, n - 1, 0.5). Summed in exact integers,
    so no rounding can move k; cached because a chart is usually redrawn with the same number of points.
    """
    trials = n_useful - 1
    # P(X <= k) >= alpha  <=>  sum_{j<=k} C(trials, j) >= alpha * 2**trials; alpha = 1/20 keeps it exact.
    needed = 2**trials
    scale = round(1 / rules.CROSSINGS_ALPHA)
    term, cumulative, k = 1, 1, 0
    while cumulative * scale < needed:
        term = term * (trials - k) // (k + 1)
        cumulative += term
        k += 1
    return k


def shift_flags(values: np.ndarray, centre: float) -> np.ndarray:
    """IHI shift: flag points in a run of 6 or more on one side of ``centre``; points on it are skipped."""
    sides = np.sign(values - centre)
    useful = sides != 0
    flags = np.zeros(values.size, dtype=bool)
    flags[useful] = in_long_runs(sides[useful], rules.SHIFT_LENGTH)
    return flags


def trend_flags(values: np.ndarray) -> np.ndarray:
    """IHI trend: flag points in 5 or more consecutive rising (or falling) points; ties count once."""
    distinct = np.concatenate(([True], values[1:] != values[:-1]))
    # Collapse ties so a repeated value neither breaks nor extends a trend, then map back to every point.
    owner = np.cumsum(distinct) - 1
    steps = np.sign(np.diff(values[distinct]))
    long_steps = in_long_runs(steps, rules.TREND_LENGTH - 1)
    in_trend = np.concatenate((long_steps, [False])) | np.concatenate(([False], long_steps))
    return in_trend[owner]


def _per_period_flags(flagger, values: np.ndarray, centre: np.ndarray, periods) -> tuple[bool, ...]:
    """Apply a per-period flagging rule to every period, so no rule looks across a rebase."""
    parts = [flagger(values[period.points], float(centre[period.first])) for period in periods]
    return runs_to_tuple(np.concatenate(parts))


def _few_points_warnings(periods: Iterable[Period]) -> tuple[str, ...]:
    """Warn about periods too short for the runs rules to be trusted."""
    return tuple(
        f"few points: period {period.index + 1} has fewer than {rules.MIN_RUN_CHART_POINTS} points "
        f"({period.size}), so the runs rules may miss a signal"
        for period in periods
        if period.size < rules.MIN_RUN_CHART_POINTS
    )
