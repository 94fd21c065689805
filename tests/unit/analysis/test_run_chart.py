"""Run chart: medians, Anhøj runs analysis at its thresholds, IHI shift/trend flags on hand-made series."""

import pytest

from impact_tracker.analysis import run_chart
from impact_tracker.analysis.run_chart import crossings_min, longest_run_max

# The first four points fix the median at 10 when used as the baseline; the last of them is below it.
BASELINE = [20, 0, 20, 0]


def flagged(flags):
    """Positions whose flag is True."""
    return [position for position, flag in enumerate(flags) if flag]


@pytest.mark.parametrize(
    ("n_useful", "most", "fewest"),
    [(1, 3, 0), (2, 4, 0), (4, 5, 0), (10, 6, 2), (14, 7, 4), (20, 7, 6), (37, 8, 13), (39, 8, 14)],
)
def test_longest_run_and_crossing_limits_follow_anhoj(n_useful, most, fewest):
    assert (longest_run_max(n_useful), crossings_min(n_useful)) == (most, fewest)


def test_centre_is_the_median_of_each_period():
    result = run_chart([1, 2, 3, 10, 20, 30, 40], rebase_at=[3])
    assert result.centre == (2, 2, 2, 25, 25, 25, 25)
    assert result.period == (0, 0, 0, 1, 1, 1, 1)


def test_baseline_points_alone_set_the_median_but_every_point_is_compared():
    result = run_chart([*BASELINE, 11, 12, 13], baseline=4)
    assert set(result.centre) == {10}
    assert result.periods[0].n_obs == 7
    assert result.periods[0].n_useful == 7


def test_points_on_the_median_are_dropped_from_the_runs_analysis():
    summary = run_chart([1, 2, 3, 3, 3, 4, 5]).periods[0]
    assert (summary.n_obs, summary.n_useful, summary.longest_run, summary.crossings) == (7, 4, 2, 1)


def test_a_period_with_every_point_on_the_median_has_no_counts_and_no_signal():
    summary = run_chart([5, 5, 5, 5]).periods[0]
    assert summary.n_useful == 0
    assert (summary.longest_run, summary.longest_run_max, summary.crossings, summary.crossings_min) == (
        None,
    ) * 4
    assert summary.signal is False


def test_a_run_longer_than_the_expected_maximum_signals():
    values = [1, 9] * 6 + [9] * 9 + [1] * 3
    summary = run_chart(values).periods[0]
    assert summary.longest_run > summary.longest_run_max
    assert summary.signal is True


def test_too_few_crossings_signal():
    values = [1] * 5 + [9] * 5 + [1] * 5 + [9] * 5
    summary = run_chart(values).periods[0]
    assert (summary.longest_run, summary.longest_run_max) == (5, 7)
    assert summary.crossings == 3 < summary.crossings_min
    assert summary.signal is True


def test_a_series_that_crosses_often_with_short_runs_shows_no_signal():
    result = run_chart([1, 9] * 10)
    assert result.signal is False


def test_six_points_on_one_side_of_the_median_are_a_shift():
    result = run_chart([*BASELINE, 11, 12, 11, 12, 11, 12, 5], baseline=4)
    assert flagged(result.shift) == [4, 5, 6, 7, 8, 9]


def test_five_points_on_one_side_of_the_median_are_not_a_shift():
    result = run_chart([*BASELINE, 11, 12, 11, 12, 11, 5], baseline=4)
    assert flagged(result.shift) == []


def test_a_point_on_the_median_neither_breaks_nor_extends_a_shift():
    broken_by_median = run_chart([*BASELINE, 11, 12, 11, 10, 12, 11, 12, 5], baseline=4)
    too_short = run_chart([*BASELINE, 11, 12, 10, 11, 12, 11, 5], baseline=4)
    assert flagged(broken_by_median.shift) == [4, 5, 6, 8, 9, 10]
    assert flagged(too_short.shift) == []


def test_five_rising_points_are_a_trend():
    assert flagged(run_chart([5, 1, 2, 3, 4, 5, 0]).trend) == [1, 2, 3, 4, 5]


def test_four_rising_points_are_not_a_trend():
    assert flagged(run_chart([5, 1, 2, 3, 4, 0]).trend) == []


def test_five_falling_points_are_a_trend():
    assert flagged(run_chart([0, 9, 8, 7, 6, 5, 9]).trend) == [1, 2, 3, 4, 5]


def test_a_tie_inside_a_trend_counts_once_and_does_not_extend_it():
    assert flagged(run_chart([1, 2, 2, 3, 4]).trend) == []


def test_a_tie_inside_a_trend_does_not_break_it():
    assert flagged(run_chart([1, 2, 2, 3, 4, 5, 0]).trend) == [0, 1, 2, 3, 4, 5]


def test_ihi_rules_do_not_look_across_a_rebase():
    values = [1, 2, 3, 4, 5, 6, 7, 8]
    assert flagged(run_chart(values).trend) == list(range(8))
    assert flagged(run_chart(values, rebase_at=[3]).trend) == [3, 4, 5, 6, 7]


def test_a_rebase_at_the_last_point_makes_a_one_point_period():
    result = run_chart([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], rebase_at=[9])
    last = result.periods[-1]
    assert (last.first, last.last, last.n_obs, last.n_useful, last.signal) == (9, 9, 1, 0, False)
    assert result.centre[-1] == 3


def test_two_points_are_analysed_without_error():
    summary = run_chart([1, 2]).periods[0]
    assert (summary.n_useful, summary.longest_run, summary.crossings, summary.crossings_min) == (2, 1, 1, 0)


def test_a_single_point_is_analysed_without_error():
    result = run_chart([7.5])
    assert result.centre == (7.5,)
    assert result.periods[0].n_useful == 0


def test_a_short_period_gives_a_warning_not_an_error():
    assert run_chart([1, 2, 3]).warnings == (
        "few points: period 1 has fewer than 10 points (3), so the runs rules may miss a signal",
    )
    assert run_chart(list(range(10))).warnings == ()


def test_results_hold_plain_python_values():
    result = run_chart([1, 2, 3, 4])
    assert {type(value) for value in result.centre + result.values} == {float}
    assert {type(flag) for flag in result.shift + result.trend} == {bool}
    assert type(result.periods[0].n_useful) is int
