"""Making Data Count special-cause rules (NHSRplotthedots semantics) and what a flagged point means.

Each rule is a detector taking one period's points (values, limits and shared derived series) and returning,
per point, +1 (high side: above, rising), -1 (low side) or 0. ``MDC_RULES`` lists them in priority order:
the first rule that flags a point names it. A new chart type only has to compute its ``Limits`` (plain
numbers, or per-point arrays for charts whose limits vary) and call ``rule_codes``; a new rule is a detector
added to ``MDC_RULES``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import rules
from .series import code_runs, in_long_runs, repeat_each

IMPROVEMENT_DIRECTIONS = ("increase", "decrease", "neutral")


@dataclass(frozen=True)
class Limits:
    """Centre line, process limits and near-limit lines of one period; NaN where they cannot be computed."""

    centre: float
    upper: float
    lower: float
    near_upper: float = math.nan
    near_lower: float = math.nan


@dataclass(frozen=True)
class PeriodPoints:
    """One period's values and limits, plus the derived series several rules share (each computed once)."""

    values: np.ndarray
    limits: Limits

    @cached_property
    def sides(self) -> np.ndarray:
        """+1 above the centre line, -1 below, 0 exactly on it."""
        return np.sign(self.values - self.limits.centre).astype(np.int8)

    @cached_property
    def outside(self) -> np.ndarray:
        """+1 above the upper limit, -1 below the lower limit (strictly); 0 inside or with unknown limits."""
        above = self.values > self.limits.upper
        below = self.values < self.limits.lower
        return above.view(np.int8) - below.view(np.int8)


Detector = Callable[[PeriodPoints], np.ndarray]


@dataclass(frozen=True)
class Rule:
    """A special-cause rule: its names for the high and low side and the detector that finds it."""

    high: str
    low: str
    detect: Detector


def outside_limits(points: PeriodPoints) -> np.ndarray:
    """+1 above the upper limit, -1 below the lower limit (strictly); 0 when the limits are unknown."""
    return points.outside


def seven_point_trend(points: PeriodPoints) -> np.ndarray:
    """+1/-1 for points in 7 consecutive points with 6 strictly rising/falling steps; a tie breaks it."""
    values = points.values
    steps = np.sign(values[1:] - values[:-1]).astype(np.int8)
    # A tie is a step of 0, so multiplying by the long-run mask leaves it unflagged whatever its run length.
    trending = steps * in_long_runs(steps, rules.MDC_TREND_POINTS - 1)
    flags = np.zeros(values.size, dtype=np.int8)
    flags[1:] = trending
    # A turning point shared by a rising and a falling trend takes the direction of the trend to its right.
    np.copyto(flags[:-1], trending, where=trending != 0)
    return flags


def two_in_three(points: PeriodPoints) -> np.ndarray:
    """Side of each point beyond a near-limit line that sits in a run of 3 with 2 or more such points.

    All 3 points of that window must be strictly on the same side of the mean, and the window must lie inside
    the period.
    """
    values, limits, window = points.values, points.limits, rules.MDC_TWO_IN_THREE_WINDOW
    if values.size < window:
        return np.zeros(values.size, dtype=np.int8)
    close = (points.outside == 0) & ((values > limits.near_upper) | (values < limits.near_lower))
    n_close = _window_sums(close.view(np.int8), window)
    side_sum = _window_sums(points.sides, window)
    qualifies = (n_close >= rules.MDC_TWO_IN_THREE_CLOSE) & (np.abs(side_sum) == window)
    # A point belongs to the windows starting at each of the (window) positions up to and including it.
    member = np.zeros(values.size, dtype=bool)
    for offset in range(window):
        member[offset : offset + qualifies.size] |= qualifies
    return points.sides * (close & member)


def seven_point_shift(points: PeriodPoints) -> np.ndarray:
    """+1/-1 for points in 7 or more consecutive points above/below the mean; a point on it breaks the run."""
    sides = points.sides
    # Points on the mean have side 0, so multiplying by the long-run mask leaves them unflagged.
    return sides * in_long_runs(sides, rules.MDC_SHIFT_POINTS)


def _window_sums(numbers: np.ndarray, window: int) -> np.ndarray:
    """Sum of every run of ``window`` consecutive numbers (len(numbers) - window + 1 sums).

    Windows are a few points long, so adding ``window`` shifted slices beats a cumulative sum.
    """
    count = numbers.size - window + 1
    totals = numbers[:count].astype(np.int16)
    for offset in range(1, window):
        totals += numbers[offset : offset + count]
    return totals


MDC_RULES: tuple[Rule, ...] = (
    Rule("above_upper", "below_lower", outside_limits),
    Rule("trend_up", "trend_down", seven_point_trend),
    Rule("two_in_three_high", "two_in_three_low", two_in_three),
    Rule("shift_high", "shift_low", seven_point_shift),
)
"""Rules in priority order: the first that flags a point names it."""

RULE_NAMES: tuple[str | None, ...] = (None, *(name for rule in MDC_RULES for name in (rule.high, rule.low)))
"""Rule name per rule code: 0 is no rule, 2i+1 the high side of rule i, 2i+2 its low side."""

_CODE_SIDES: tuple[int, ...] = (0, *(side for _ in MDC_RULES for side in (1, 2)))
"""Side of each rule code: 0 for no rule, 1 for a high-side rule, 2 for a low-side rule."""

_POINT_TYPES = {
    "increase": ("common_cause", "special_cause_improvement", "special_cause_concern"),
    "decrease": ("common_cause", "special_cause_concern", "special_cause_improvement"),
    "neutral": ("common_cause", "special_cause_neutral_high", "special_cause_neutral_low"),
}
_ICONS = {
    "increase": ("common_cause", "improvement_high", "concern_low"),
    "decrease": ("common_cause", "concern_high", "improvement_low"),
    "neutral": ("common_cause", "neutral_high", "neutral_low"),
}


def rule_codes(values: np.ndarray, limits: Limits) -> np.ndarray:
    """Code of the first rule in ``MDC_RULES`` that flags each point of one period (see ``RULE_NAMES``)."""
    points = PeriodPoints(values, limits)
    codes = np.zeros(values.size, dtype=np.int8)
    # Lowest priority first, so each higher-priority rule overwrites the points it also flags.
    for index in reversed(range(len(MDC_RULES))):
        side = MDC_RULES[index].detect(points)
        codes[side > 0] = 2 * index + 1
        codes[side < 0] = 2 * index + 2
    return codes


def check_direction(improvement_direction: str) -> str:
    """Return the direction unchanged; raise ValueError unless it is increase, decrease or neutral."""
    if improvement_direction not in IMPROVEMENT_DIRECTIONS:
        raise ValueError(
            f"unknown improvement direction {improvement_direction!r}: "
            f"use one of {', '.join(IMPROVEMENT_DIRECTIONS)}"
        )
    return improvement_direction


def point_labels(codes: np.ndarray, improvement_direction: str) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """Making Data Count point type and rule name (or None) of each code, from one pass over its runs.

    High-side rules are improvement when higher is better.
    """
    run_codes, lengths = code_runs(codes)
    types = _POINT_TYPES[improvement_direction]
    point_types = repeat_each([types[_CODE_SIDES[code]] for code in run_codes], lengths)
    return point_types, repeat_each([RULE_NAMES[code] for code in run_codes], lengths)


def variation_icon(last_code: int, improvement_direction: str) -> str:
    """Variation icon of a chart, from the rule code of its last point."""
    return _ICONS[improvement_direction][_CODE_SIDES[last_code]]


def assurance(target: float | None, limits: Limits, improvement_direction: str) -> str | None:
    """Whether the process will meet ``target``: pass, fail or hit_and_miss, judged on the latest limits.

    None without a target, for a neutral direction, or when the limits could not be computed.
    """
    if target is None or improvement_direction == "neutral" or math.isnan(limits.upper):
        return None
    higher_is_better = improvement_direction == "increase"
    if target > limits.upper:
        return "fail" if higher_is_better else "pass"
    if target < limits.lower:
        return "pass" if higher_is_better else "fail"
    return "hit_and_miss"
