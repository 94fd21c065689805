"""I chart: mean, 3-sigma limits from the average moving range, screening, and edge cases."""

import pytest

from impact_tracker.analysis import i_chart

# Used as a 4-point baseline these give a mean of 0 and an average moving range of exactly 1.
BASELINE = [0.5, -0.5, 0.5, -0.5]


def test_limits_are_three_sigma_from_the_average_moving_range():
    result = i_chart([1, 3, 1, 3, 1, 3])
    assert set(result.centre) == {2}
    assert result.upper[0] == pytest.approx(2 + 3 * 2 / 1.128, rel=1e-12)
    assert result.lower[0] == pytest.approx(2 - 3 * 2 / 1.128, rel=1e-12)


def test_screening_drops_a_moving_range_of_three_point_two_six_seven_times_the_average_or_more():
    values = [10, 11] * 10 + [40] + [10, 11] * 10
    screened, unscreened = i_chart(values), i_chart(values, screen_moving_ranges=False)
    mean = sum(values) / len(values)
    assert screened.upper[0] == pytest.approx(mean + 3 * 1 / 1.128, rel=1e-12)
    assert unscreened.upper[0] > screened.upper[0]
    assert [position for position, flag in enumerate(screened.outside) if flag] == [20]


def test_a_point_on_a_limit_is_not_outside_but_beyond_it_is():
    sigma = 1 / 1.128
    on_limit = 3 * sigma
    result = i_chart(
        [*BASELINE, on_limit, on_limit + 0.01, -on_limit], baseline=4, screen_moving_ranges=False
    )
    assert result.upper[0] == on_limit
    assert result.outside == (False, False, False, False, False, True, False)


def test_a_constant_series_has_no_limits_once_moving_ranges_are_screened():
    result = i_chart([4, 4, 4, 4, 4])
    assert result.centre == (4,) * 5
    assert result.upper == (None,) * 5
    assert result.lower == (None,) * 5
    assert result.outside == (False,) * 5
    assert result.periods[0].n_useful == 0


def test_a_constant_series_without_screening_has_limits_on_the_mean():
    result = i_chart([4, 4, 4], screen_moving_ranges=False)
    assert result.upper == (4,) * 3
    assert result.outside == (False,) * 3


def test_a_single_point_has_a_centre_but_no_limits():
    result = i_chart([2.5])
    assert (result.centre, result.upper, result.lower, result.outside) == ((2.5,), (None,), (None,), (False,))


def test_two_points_give_limits():
    result = i_chart([1, 2])
    assert result.upper[0] == pytest.approx(1.5 + 3 / 1.128, rel=1e-12)


def test_the_baseline_alone_sets_the_limits():
    result = i_chart([*BASELINE, 5, 6, 7], baseline=4)
    assert set(result.centre) == {0}
    assert result.outside[4:] == (True, True, True)


def test_each_period_gets_its_own_limits():
    result = i_chart([1, 2, 1, 2, 10, 12, 10, 12], rebase_at=[4])
    assert result.centre == (1.5,) * 4 + (11,) * 4
    assert result.upper[0] < result.upper[-1]
    assert result.period == (0,) * 4 + (1,) * 4


def test_the_runs_analysis_is_against_the_mean():
    result = i_chart([1, 1, 1, 1, 1, 1, 1, 1, 1, 10])
    summary = result.periods[0]
    assert (summary.n_useful, summary.longest_run, summary.crossings) == (10, 9, 1)
    assert summary.signal is True


def test_fewer_than_twelve_points_give_trial_limits_with_a_warning():
    short, long = i_chart(list(range(11))), i_chart(list(range(12)))
    assert short.trial_limits == (True,) * 11
    assert short.warnings == ("trial limits: period 1 has fewer than 12 points setting its limits (11)",)
    assert long.trial_limits == (False,) * 12
    assert long.warnings == ()
