"""Control charts: the I chart (qicharts2 semantics) and the Making Data Count XmR chart (NHSRplotthedots)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from . import mdc_rules, rules
from .mdc_rules import Limits
from .run_chart import RunsSummary, period_numbers, runs_summaries
from .series import (
    Period,
    as_values,
    optional_float,
    per_point,
    per_point_tuple,
    runs_to_tuple,
    split_periods,
    trial_limit_warnings,
    values_tuple,
)


@dataclass(frozen=True)
class IChart:
    """An I chart: per-point ``centre`` (mean), 3-sigma ``upper``/``lower`` limits (None when not finite),
    ``outside`` flags, and the runs analysis of each period against the mean."""

    values: tuple[float, ...]
    centre: tuple[float, ...]
    upper: tuple[float | None, ...]
    lower: tuple[float | None, ...]
    outside: tuple[bool, ...]
    period: tuple[int, ...]
    periods: tuple[RunsSummary, ...]
    trial_limits: tuple[bool, ...]
    warnings: tuple[str, ...] = ()
    as_percentage: bool = False


@dataclass(frozen=True)
class SPC:
    """A Making Data Count XmR chart: per-point ``mean``, limits, rule and point type; icons for the chart.

    ``trial_limits`` is True for points whose limits come from fewer than 12 points.
    """

    values: tuple[float, ...]
    mean: tuple[float, ...]
    upper: tuple[float | None, ...]
    lower: tuple[float | None, ...]
    period: tuple[int, ...]
    point_type: tuple[str, ...]
    rule: tuple[str | None, ...]
    variation_icon: str
    assurance: str | None
    improvement_direction: str
    target: float | None
    trial_limits: tuple[bool, ...]
    warnings: tuple[str, ...] = ()
    as_percentage: bool = False


def i_chart(
    values: Iterable[float],
    *,
    baseline: int | None = None,
    rebase_at: Iterable[int] = (),
    screen_moving_ranges: bool = True,
) -> IChart:
    """Compute an I chart: mean and mean +/- 3 sigma per period, sigma = average moving range / 1.128.

    ``baseline``: leading points of each period that set the mean and limits (all when None).
    ``rebase_at``: 0-based positions where a new period starts. ``screen_moving_ranges``: drop moving ranges
    of 3.267 x their mean or more before estimating sigma. Works from one point; limits are None where they
    cannot be computed (one point, or a constant series once screened); periods under 12 points give a
    warning.
    Raises ValueError for non-finite values (naming the position), an empty series, a baseline longer than its
    period, or a rebase position outside 1..len(values)-1.
    """
    array = as_values(values)
    periods = split_periods(array.size, baseline=baseline, rebase_at=rebase_at)
    limits = [i_chart_limits(array[period.baseline], screen=screen_moving_ranges) for period in periods]
    centre, upper, lower = _limit_lines(limits, periods)
    return IChart(
        values=values_tuple(values, array),
        centre=per_point_tuple([limit.centre for limit in limits], periods),
        upper=per_point_tuple([optional_float(limit.upper) for limit in limits], periods),
        lower=per_point_tuple([optional_float(limit.lower) for limit in limits], periods),
        outside=runs_to_tuple((array > upper) | (array < lower)),
        period=period_numbers(periods),
        periods=runs_summaries(array, centre, periods),
        trial_limits=_trial_limits(periods),
        warnings=trial_limit_warnings(periods),
    )


def spc(
    values: Iterable[float],
    *,
    improvement_direction: str = "increase",
    target: float | None = None,
    baseline: int | None = None,
    rebase_at: Iterable[int] = (),
    screen_outliers: bool = True,
) -> SPC:
    """Compute a Making Data Count XmR chart: limits, special-cause rules, variation and assurance icons.

    Limits are mean +/- 2.66 x average moving range per period. ``improvement_direction`` is increase,
    decrease or neutral; ``target`` (optional) gives the assurance. ``baseline``, ``rebase_at`` as for
    ``i_chart``; ``screen_outliers`` drops moving ranges of 3.267 x their mean or more before setting limits.
    Works from one point; periods under 12 points give a "trial limits" warning.
    Raises ValueError for an unknown direction, a non-finite target or value (naming the position), an empty
    series, a baseline longer than its period, or a rebase position outside 1..len(values)-1.
    """
    mdc_rules.check_direction(improvement_direction)
    target = _check_target(target)
    array = as_values(values)
    periods = split_periods(array.size, baseline=baseline, rebase_at=rebase_at)
    limits = [mdc_limits(array[period.baseline], screen=screen_outliers) for period in periods]
    codes = np.concatenate(
        [mdc_rules.rule_codes(array[p.points], lim) for p, lim in zip(periods, limits, strict=True)]
    )
    point_type, rule = mdc_rules.point_labels(codes, improvement_direction)
    return SPC(
        values=values_tuple(values, array),
        mean=per_point_tuple([limit.centre for limit in limits], periods),
        upper=per_point_tuple([optional_float(limit.upper) for limit in limits], periods),
        lower=per_point_tuple([optional_float(limit.lower) for limit in limits], periods),
        period=period_numbers(periods),
        point_type=point_type,
        rule=rule,
        variation_icon=mdc_rules.variation_icon(int(codes[-1]), improvement_direction),
        assurance=mdc_rules.assurance(target, limits[-1], improvement_direction),
        improvement_direction=improvement_direction,
        target=target,
        trial_limits=_trial_limits(periods),
        warnings=trial_limit_warnings(periods),
    )


def average_moving_range(baseline: np.ndarray, *, screen: bool) -> float:
    """Mean of |x[i] - x[i-1]| over ``baseline``; NaN with fewer than two points.

    With ``screen``, moving ranges of 3.267 x that mean or more are dropped and the mean taken again, once.
    Every range of a constant series is then dropped, so its average moving range is NaN.
    """
    ranges = np.abs(np.diff(baseline))
    average = _mean_or_nan(ranges)
    if screen:
        average = _mean_or_nan(ranges[ranges < rules.MOVING_RANGE_SCREEN * average])
    return average


def i_chart_limits(baseline: np.ndarray, *, screen: bool) -> Limits:
    """qicharts2 I-chart limits from the baseline points: mean +/- 3 x (average moving range / 1.128)."""
    centre = float(np.mean(baseline))
    sigma = average_moving_range(baseline, screen=screen) / rules.D2
    return Limits(centre, centre + rules.I_CHART_SIGMAS * sigma, centre - rules.I_CHART_SIGMAS * sigma)


def mdc_limits(baseline: np.ndarray, *, screen: bool) -> Limits:
    """Making Data Count process limits and near-limit lines from the baseline points."""
    mean = float(np.mean(baseline))
    amr = average_moving_range(baseline, screen=screen)
    # The same operation order as NHSRplotthedots, so points near a line land on the same side.
    near = 2 * (rules.MDC_LIMIT_FACTOR / 3)
    return Limits(
        mean,
        mean + rules.MDC_LIMIT_FACTOR * amr,
        mean - rules.MDC_LIMIT_FACTOR * amr,
        mean + near * amr,
        mean - near * amr,
    )


def _mean_or_nan(numbers: np.ndarray) -> float:
    """Mean of ``numbers``, or NaN when there are none (without numpy's empty-slice warning)."""
    return float(np.mean(numbers)) if numbers.size else math.nan


def _limit_lines(limits: Sequence[Limits], periods: Sequence[Period]) -> tuple[np.ndarray, ...]:
    """Per-point centre, upper and lower lines from per-period limits."""
    return tuple(
        per_point([getattr(limit, line) for limit in limits], periods)
        for line in ("centre", "upper", "lower")
    )


def _trial_limits(periods: Sequence[Period]) -> tuple[bool, ...]:
    """Per point: are its limits trial limits (set from fewer than 12 points)?"""
    return per_point_tuple([period.has_trial_limits for period in periods], periods)


def _check_target(target: object) -> float | None:
    """The target as a float, or None; raise ValueError unless it is a finite number."""
    if target is None:
        return None
    try:
        value = math.nan if isinstance(target, str | bytes | bool) else float(target)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"target must be a finite number, got {target!r}")
    return value
