"""Input validation and period handling shared by every chart: values, periods, proportions, runs.

Positions are 0-based. A *period* is a stretch of points that shares one centre line (and one set of limits);
``rebase_at`` lists the positions where a new period starts. Position 0 cannot be a rebase (the first period
always starts there, so a rebase at 0 would mean nothing) and raises ``ValueError``; a rebase at the last
position is allowed and makes a one-point period. Repeated rebase positions count once.

Proportions are analysed as percentages: ``proportion_values(numerators, denominators)`` turns counts into
percentages, and ``percentage_analysis(chart, numerators, denominators, **options)`` runs any chart function
on them and marks the result ``as_percentage=True`` so ``describe`` and the charts can say so.
"""

from __future__ import annotations

import array as stdlib_array
import dataclasses
import math
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from . import rules

Result = TypeVar("Result")
Item = TypeVar("Item")


@dataclass(frozen=True)
class Period:
    """One period of a series: positions ``first`` to ``last`` inclusive, limits set by the first points."""

    index: int
    first: int
    last: int
    baseline_size: int

    @property
    def size(self) -> int:
        """Number of points in the period."""
        return self.last - self.first + 1

    @property
    def points(self) -> slice:
        """Slice of the whole series covering this period."""
        return slice(self.first, self.last + 1)

    @property
    def baseline(self) -> slice:
        """Slice of the whole series covering the points that set the centre line and limits."""
        return slice(self.first, self.first + self.baseline_size)

    @property
    def has_trial_limits(self) -> bool:
        """True when fewer than 12 points set the limits, so they are trial limits."""
        return self.baseline_size < rules.MIN_POINTS_FOR_LIMITS


class Values(tuple):
    """A validated, immutable series of finite floats (a tuple) with a read-only numpy copy for the analyses.

    ``Values(numbers)`` checks the numbers once; passing it to several analyses skips re-checking them and
    lets every result share the same tuple, which is most of the cost of charting a long series three ways.
    Raises ValueError like ``as_values``.
    """

    array: np.ndarray

    def __new__(cls, numbers: Iterable[float]) -> Values:
        if isinstance(numbers, Values):
            return numbers
        array = as_values(numbers)
        array.flags.writeable = False
        values = super().__new__(cls, array.tolist())
        values.array = array
        return values


def values_tuple(values: Iterable[float], array: np.ndarray) -> tuple[float, ...]:
    """The plain-float tuple a result stores: the ``Values`` itself if given one, else made from ``array``."""
    return values if isinstance(values, Values) else tuple(array.tolist())


def as_values(values: Iterable[float], *, name: str = "value") -> np.ndarray:
    """Return ``values`` as a 1-D float array after checking every one is a finite number.

    Accepts any sequence of real numbers (ints, floats, Decimals, numpy numbers) or a ``Values``.
    Raises ValueError for an empty series, a nested sequence, or any item that is not a finite number; the
    message names the first bad position.
    """
    if isinstance(values, Values):
        return values.array
    items = values if isinstance(values, Sequence | np.ndarray) else list(values)
    fast = _plain_numbers(items)
    if fast is not None:
        return fast
    array = np.asarray(items)
    if array.ndim != 1:
        raise ValueError(f"{name}s must be a flat sequence of numbers")
    if array.size == 0:
        raise ValueError(f"no {name}s given: at least one point is needed")
    if array.dtype.kind not in "iuf":
        # Text, booleans, None and Decimals land here: check the original items one by one to name a culprit.
        originals = items.tolist() if isinstance(items, np.ndarray) else items
        array = np.array([_as_number(item, position, name) for position, item in enumerate(originals)])
    array = array.astype(float, copy=False)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{name} at position {bad[0]} is not a finite number: {array[bad[0]]!r}")
    return array


def _plain_numbers(items: Sequence[float] | np.ndarray) -> np.ndarray | None:
    """A list or tuple of finite real numbers as a float array, or None to take the careful path instead.

    Converting a 10,000-item list is the largest single cost of an analysis, and ``np.asarray`` first scans
    every item to guess a dtype. ``array.array("d")`` converts in one C loop and accepts only real numbers
    (text, None, complex and nested sequences raise), so it gives the same floats as the careful path. Only
    the rare inputs it cannot settle (a refusal, a non-finite value, or nothing but 0s and 1s, which may be
    booleans the careful path refuses) return None so ``as_values`` can name the culprit as before.
    """
    if type(items) not in (list, tuple) or not items:
        return None
    try:
        array = np.frombuffer(stdlib_array.array("d", items), dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None
    if not np.isfinite(array).all() or (array[0] in (0, 1) and ((array == 0) | (array == 1)).all()):
        return None
    return array


def _as_number(item: object, position: int, name: str) -> float:
    """Convert one item to float, refusing text and booleans that float() would otherwise accept."""
    if item is None or isinstance(item, str | bytes | bool):
        raise ValueError(f"{name} at position {position} is not a number: {item!r}")
    try:
        return float(item)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} at position {position} is not a number: {item!r}") from error


def split_periods(
    n_points: int, *, baseline: int | None = None, rebase_at: Iterable[int] = ()
) -> tuple[Period, ...]:
    """Split ``n_points`` positions into periods starting at 0 and at each position in ``rebase_at``.

    ``baseline`` is how many leading points of each period set its centre line and limits (all when None).
    Raises ValueError when a rebase position is not a whole number or lies outside 1..n_points-1, when
    ``baseline`` is not a whole number of at least 1, or when it is longer than a period.
    """
    starts = (0, *_rebase_positions(n_points, rebase_at))
    ends = (*starts[1:], n_points)
    return tuple(
        _period(index, first, end, baseline)
        for index, (first, end) in enumerate(zip(starts, ends, strict=True))
    )


def _rebase_positions(n_points: int, rebase_at: Iterable[int]) -> list[int]:
    """Validated, sorted, de-duplicated rebase positions."""
    positions = {_whole_number(position, "rebase position") for position in rebase_at}
    for position in sorted(positions):
        if position == 0:
            raise ValueError("rebase position 0 is meaningless: the first period always starts at position 0")
        if not 0 < position < n_points:
            raise ValueError(
                f"rebase position {position} is outside the series "
                f"(positions 1 to {n_points - 1} can start a period)"
            )
    return sorted(positions)


def _period(index: int, first: int, end: int, baseline: int | None) -> Period:
    """Build one period, checking the baseline fits inside it."""
    size = end - first
    if baseline is None:
        return Period(index, first, end - 1, size)
    baseline = _whole_number(baseline, "baseline")
    if baseline < 1:
        raise ValueError(f"baseline must be at least 1 point, got {baseline}")
    if baseline > size:
        raise ValueError(
            f"baseline of {baseline} points is longer than period {index + 1} "
            f"(positions {first} to {end - 1}, {size} points)"
        )
    return Period(index, first, end - 1, baseline)


def _whole_number(value: object, what: str) -> int:
    """Return ``value`` as an int, refusing floats, text and booleans."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError as error:
        raise ValueError(f"{what} must be a whole number, got {value!r}") from error


def proportion_values(numerators: Iterable[float], denominators: Iterable[float]) -> tuple[float, ...]:
    """Return each numerator as a percentage of its denominator (100 * numerator / denominator).

    Raises ValueError (naming the position) when the two lengths differ, a count is not a finite number,
    a denominator is not greater than zero, or a numerator is negative or greater than its denominator.
    """
    top = as_values(numerators, name="numerator")
    bottom = as_values(denominators, name="denominator")
    if top.size != bottom.size:
        raise ValueError(f"{top.size} numerators but {bottom.size} denominators: they must pair up")
    _first_failure(bottom <= 0, "denominator at position {p} must be greater than zero", bottom)
    _first_failure(top < 0, "numerator at position {p} must not be negative", top)
    _first_failure(top > bottom, "numerator at position {p} is greater than its denominator", top)
    return tuple((100.0 * top / bottom).tolist())


def percentage_analysis(
    chart: Callable[..., Result], numerators: Iterable[float], denominators: Iterable[float], **options: Any
) -> Result:
    """Run ``chart`` (run_chart, i_chart or spc) on numerators as percentages of their denominators.

    ``options`` go to the chart unchanged (a target is a percentage too).
    The result has ``as_percentage=True``.
    Raises what ``proportion_values`` and the chart raise.
    """
    result = chart(proportion_values(numerators, denominators), **options)
    return dataclasses.replace(result, as_percentage=True)  # type: ignore[type-var]


def _first_failure(failed: np.ndarray, message: str, values: np.ndarray) -> None:
    """Raise ValueError for the first True in ``failed``, with its position and value."""
    bad = np.flatnonzero(failed)
    if bad.size:
        position = int(bad[0])
        raise ValueError(f"{message.format(p=position)} (got {values[position]:g})")


def in_long_runs(labels: np.ndarray, min_length: int) -> np.ndarray:
    """True for each element in a run of at least ``min_length`` equal consecutive labels.

    Judges each run once and spreads the verdict, cheaper than comparing every element's run length.
    """
    _, lengths = _runs(labels)
    return np.repeat(lengths >= min_length, lengths)


def _runs(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start position and length of every run of equal consecutive labels."""
    if labels.size == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    changes = np.empty(labels.size, dtype=bool)
    changes[0] = True
    np.not_equal(labels[1:], labels[:-1], out=changes[1:])
    starts = np.flatnonzero(changes)
    return starts, np.diff(starts, append=labels.size)


def code_runs(codes: np.ndarray) -> tuple[list[Any], list[int]]:
    """The value and length of every run of equal consecutive ``codes``, as plain Python lists.

    Several tuples can then be spread from one pass over the codes (see ``repeat_each``).
    """
    starts, lengths = _runs(codes)
    return codes[starts].tolist(), lengths.tolist()


_SHORT_RUNS = 64
"""Runs shorter than this on average make element-by-element conversion faster than run-by-run (measured)."""


def runs_to_tuple(codes: np.ndarray, labels: Sequence[Any] | None = None) -> tuple[Any, ...]:
    """``codes`` as a tuple of plain Python values (``labels[code]`` when labels are given).

    Built run by run: flags and rule codes come in long runs, and repeating one object per run is much cheaper
    than converting every element. Unlabelled codes broken into many short runs (a noisy series' flags) are
    converted element by element instead, as numpy's ``tolist`` then beats a Python step per run.
    """
    values, lengths = code_runs(codes)
    if labels is None and len(values) * _SHORT_RUNS > codes.size:
        return tuple(codes.tolist())
    if labels is not None:
        values = [labels[value] for value in values]
    return repeat_each(values, lengths)


def repeat_each(values: Sequence[Item], counts: Sequence[int]) -> tuple[Item, ...]:
    """Each value repeated its count of times, in order, as one tuple."""
    if len(values) == 1:
        # One period, or a chart with no flagged point: a single C-level repetition.
        return (values[0],) * counts[0]
    spread: list[Item] = []
    for value, count in zip(values, counts, strict=True):
        spread += [value] * count
    return tuple(spread)


def per_point(period_values: Sequence[float], periods: Sequence[Period]) -> np.ndarray:
    """Spread one number per period over that period's points, as an array."""
    return np.repeat(np.asarray(period_values, dtype=float), [period.size for period in periods])


def per_point_tuple(period_values: Sequence[Item], periods: Sequence[Period]) -> tuple[Item, ...]:
    """Spread one value per period over that period's points, as a tuple.

    Repeating one object is far cheaper than converting a per-point array, which matters at 10,000 points.
    """
    return repeat_each(period_values, [period.size for period in periods])


def optional_float(value: float) -> float | None:
    """A plain float, or None when it is not finite (the references' NA)."""
    return float(value) if math.isfinite(value) else None


def trial_limit_warnings(periods: Sequence[Period]) -> tuple[str, ...]:
    """One warning per period whose limits come from fewer than 12 points."""
    return tuple(
        f"trial limits: period {period.index + 1} has fewer than {rules.MIN_POINTS_FOR_LIMITS} points "
        f"setting its limits ({period.baseline_size})"
        for period in periods
        if period.has_trial_limits
    )
