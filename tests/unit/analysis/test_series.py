"""Input checks, periods, proportions and the shared Values series."""

from decimal import Decimal

import numpy as np
import pytest

from impact_tracker.analysis import (
    Values,
    i_chart,
    percentage_analysis,
    proportion_values,
    run_chart,
    spc,
)
from impact_tracker.analysis.series import split_periods

ANALYSES = [run_chart, i_chart, spc]


@pytest.mark.parametrize("analysis", ANALYSES)
@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1, 2, float("nan"), 4], "value at position 2 is not a finite number"),
        ([1, float("inf")], "value at position 1 is not a finite number"),
        ([1, None, 3], "value at position 1 is not a number: None"),
        ([1, 2, "3"], "value at position 2 is not a number: '3'"),
        ([True, False], "value at position 0 is not a number: True"),
        ([1, 2j], "value at position 1 is not a number"),
        ([], "no values given: at least one point is needed"),
        ([[1, 2], [3, 4]], "values must be a flat sequence of numbers"),
    ],
)
def test_values_that_are_not_finite_numbers_are_refused_naming_the_position(analysis, values, message):
    with pytest.raises(ValueError, match=message):
        analysis(values)


@pytest.mark.parametrize(
    "values", [[1, 2.5, 3], (1, 2.5, 3), np.array([1, 2.5, 3]), [Decimal(1), Decimal("2.5"), 3]]
)
def test_lists_tuples_arrays_and_decimals_are_accepted(values):
    assert run_chart(values).values == (1.0, 2.5, 3.0)


def test_a_generator_is_accepted():
    assert spc(value for value in [1, 2, 3]).mean == (2, 2, 2)


@pytest.mark.parametrize("analysis", ANALYSES)
def test_a_baseline_longer_than_its_period_is_refused(analysis):
    with pytest.raises(
        ValueError, match=r"baseline of 5 points is longer than period 2 \(positions 6 to 9, 4 points\)"
    ):
        analysis(list(range(10)), baseline=5, rebase_at=[6])


@pytest.mark.parametrize("baseline", [0, -1, 2.5, True])
def test_a_baseline_that_is_not_a_positive_whole_number_is_refused(baseline):
    with pytest.raises(ValueError, match="baseline must be"):
        run_chart([1, 2, 3], baseline=baseline)


@pytest.mark.parametrize("analysis", ANALYSES)
@pytest.mark.parametrize("position", [5, 99, -1])
def test_a_rebase_outside_the_series_is_refused(analysis, position):
    with pytest.raises(ValueError, match=f"rebase position {position} is outside the series"):
        analysis([1, 2, 3, 4, 5], rebase_at=[position])


def test_a_rebase_at_zero_is_refused_as_meaningless():
    with pytest.raises(ValueError, match="rebase position 0 is meaningless"):
        spc([1, 2, 3], rebase_at=[0])


@pytest.mark.parametrize("position", [1.0, "2", None])
def test_a_rebase_position_that_is_not_a_whole_number_is_refused(position):
    with pytest.raises(ValueError, match="rebase position must be a whole number"):
        i_chart([1, 2, 3], rebase_at=[position])


def test_rebase_positions_are_sorted_and_repeats_count_once():
    periods = split_periods(10, rebase_at=[7, 3, 7])
    assert [(period.first, period.last) for period in periods] == [(0, 2), (3, 6), (7, 9)]


def test_a_baseline_applies_to_each_period():
    periods = split_periods(10, baseline=2, rebase_at=[5])
    assert [(period.baseline.start, period.baseline.stop) for period in periods] == [(0, 2), (5, 7)]


def test_proportions_become_percentages():
    assert proportion_values([1, 0, 3], [4, 5, 3]) == (25.0, 0.0, 100.0)


@pytest.mark.parametrize(
    ("numerators", "denominators", "message"),
    [
        ([1, 2], [4, 0], "denominator at position 1 must be greater than zero"),
        ([1, 2], [4, -2], "denominator at position 1 must be greater than zero"),
        ([5, 2], [4, 4], "numerator at position 0 is greater than its denominator"),
        ([-1, 2], [4, 4], "numerator at position 0 must not be negative"),
        ([1, 2, 3], [4, 4], "3 numerators but 2 denominators"),
        ([1, float("nan")], [4, 4], "numerator at position 1 is not a finite number"),
        ([1, 2], [4, None], "denominator at position 1 is not a number"),
    ],
)
def test_impossible_proportions_are_refused(numerators, denominators, message):
    with pytest.raises(ValueError, match=message):
        proportion_values(numerators, denominators)


@pytest.mark.parametrize("analysis", ANALYSES)
def test_percentage_analysis_charts_percentages_and_says_so(analysis):
    result = percentage_analysis(analysis, [1, 2, 3, 4], [4, 4, 4, 4])
    assert result.values == (25.0, 50.0, 75.0, 100.0)
    assert result.as_percentage is True
    assert analysis([25, 50, 75, 100]).as_percentage is False


def test_percentage_analysis_passes_options_to_the_chart():
    result = percentage_analysis(
        spc, [9, 9, 8, 9], [10, 10, 10, 10], target=95, improvement_direction="increase"
    )
    assert result.target == 95


def test_values_are_checked_once_and_shared_by_every_result():
    values = Values([1, 2, 3])
    results = [run_chart(values), i_chart(values), spc(values)]
    assert all(result.values is values for result in results)
    assert values == (1.0, 2.0, 3.0)
    assert Values(values) is values


def test_values_cannot_be_changed_through_their_array():
    values = Values([1, 2, 3])
    with pytest.raises(ValueError, match="read-only"):
        values.array[0] = 5


def test_values_refuse_bad_numbers_like_the_analyses():
    with pytest.raises(ValueError, match="value at position 1 is not a finite number"):
        Values([1, float("nan")])
