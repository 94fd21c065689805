"""Making Data Count XmR chart: each rule at its threshold, rule priority, point types, icons, assurance."""

import pytest

from impact_tracker.analysis import spc

# Used as a 4-point baseline these give a mean of 0 and an average moving range of exactly 1, so the process
# limits are +/-2.66 and the near-limit lines +/-1.7733...; the last baseline point is below the mean.
BASELINE = [0.5, -0.5, 0.5, -0.5]


def chart(tail, **options):
    """An SPC chart of the baseline followed by ``tail``, limits fixed by the baseline, no screening."""
    return spc([*BASELINE, *tail], baseline=4, screen_outliers=False, **options)


def rules_of(result):
    """Rule per point, after the baseline."""
    return list(result.rule[len(BASELINE) :])


def test_limits_are_the_mean_plus_or_minus_two_point_six_six_average_moving_ranges():
    result = chart([0])
    assert (result.mean[0], result.upper[0], result.lower[0]) == (0, 2.66, -2.66)


def test_screening_drops_outlying_moving_ranges_before_setting_limits():
    values = [10, 11] * 10 + [40] + [10, 11] * 10
    mean = sum(values) / len(values)
    assert spc(values).upper[0] == pytest.approx(mean + 2.66, rel=1e-12)
    assert spc(values, screen_outliers=False).upper[0] > mean + 2.66


def test_a_point_on_a_limit_is_not_outside_but_beyond_it_is():
    assert rules_of(chart([2.66, 0, 2.67, 0, -2.67])) == [None, None, "above_upper", None, "below_lower"]


def test_seven_points_above_the_mean_are_a_shift():
    assert rules_of(chart([0.2] * 7 + [-0.2])) == ["shift_high"] * 7 + [None]


def test_six_points_above_the_mean_are_not_a_shift():
    assert rules_of(chart([0.2] * 6 + [-0.2])) == [None] * 7


def test_seven_points_below_the_mean_are_a_low_shift():
    assert rules_of(chart([0.2] + [-0.2] * 7)) == [None] + ["shift_low"] * 7


def test_a_point_on_the_mean_breaks_a_shift():
    assert rules_of(chart([0.2] * 3 + [0] + [0.2] * 4)) == [None] * 8


def test_seven_strictly_rising_points_are_a_trend():
    tail = [-0.4, -0.3, -0.2, -0.1, 0.0, 0.1, 0.2]
    assert rules_of(chart([1, *tail])) == [None, *["trend_up"] * 7]


def test_six_rising_points_are_not_a_trend():
    tail = [-0.3, -0.2, -0.1, 0.0, 0.1, 0.2]
    assert rules_of(chart([1, *tail])) == [None] * 7


def test_a_tie_breaks_a_trend():
    tail = [-0.4, -0.3, -0.2, -0.2, -0.1, 0.0, 0.1, 0.2]
    assert rules_of(chart([1, *tail])) == [None] * 9


def test_a_turning_point_shared_by_two_trends_takes_the_direction_of_the_trend_to_its_right():
    rising = [-0.6, -0.4, -0.2, 0.0, 0.2, 0.4, 0.6]
    falling = [0.5, 0.3, 0.1, -0.1, -0.3, -0.5]
    result = rules_of(chart([1, *rising, *falling]))
    assert result == [None, *["trend_up"] * 6, *["trend_down"] * 7]


def test_two_of_three_points_beyond_the_near_limit_on_one_side_flag_those_two():
    assert rules_of(chart([0, 2, 0.1, 2, 0])) == [None, "two_in_three_high", None, "two_in_three_high", None]


def test_two_in_three_needs_all_three_points_on_the_same_side_of_the_mean():
    assert rules_of(chart([0, 2, -0.1, 2, 0])) == [None] * 5


def test_one_point_beyond_the_near_limit_is_not_two_in_three():
    assert rules_of(chart([0, 2, 0.1, 0.1, -1])) == [None] * 5


def test_two_in_three_low_side():
    assert rules_of(chart([0.1, -0.1, -2, -2, 0.1])) == [
        None,
        None,
        "two_in_three_low",
        "two_in_three_low",
        None,
    ]


def test_a_point_on_the_mean_spoils_a_two_in_three_window():
    assert rules_of(chart([0.1, 0, -2, -2, 0])) == [None] * 5


def test_outside_a_limit_wins_over_a_shift_and_a_trend_over_two_in_three():
    assert (
        rules_of(chart([0.2, 0.2, 0.2, 3, 0.2, 0.2, 0.2]))
        == ["shift_high"] * 3 + ["above_upper"] + ["shift_high"] * 3
    )
    rising_close = [-0.5, -0.3, -0.1, 0.1, 0.3, 1.8, 2.0]
    assert rules_of(chart([1, *rising_close])) == [None, *["trend_up"] * 7]


def test_rules_do_not_look_across_a_rebase():
    values = [0.5, -0.5, 0.5, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]
    assert spc(values, rebase_at=[6]).rule == (None,) * 10


@pytest.mark.parametrize(
    ("direction", "high", "low", "icon_high", "icon_low"),
    [
        ("increase", "special_cause_improvement", "special_cause_concern", "improvement_high", "concern_low"),
        ("decrease", "special_cause_concern", "special_cause_improvement", "concern_high", "improvement_low"),
        ("neutral", "special_cause_neutral_high", "special_cause_neutral_low", "neutral_high", "neutral_low"),
    ],
)
def test_point_types_and_icons_follow_the_improvement_direction(direction, high, low, icon_high, icon_low):
    upward = chart([0, 3], improvement_direction=direction)
    downward = chart([0, -3], improvement_direction=direction)
    assert (upward.point_type[-1], upward.variation_icon) == (high, icon_high)
    assert (downward.point_type[-1], downward.variation_icon) == (low, icon_low)
    assert upward.point_type[-2] == "common_cause"


def test_the_variation_icon_is_common_cause_when_the_last_point_is():
    assert chart([3, 0], improvement_direction="increase").variation_icon == "common_cause"


@pytest.mark.parametrize(
    ("direction", "target", "assurance"),
    [
        ("increase", 3, "fail"),
        ("increase", -3, "pass"),
        ("increase", 2.66, "hit_and_miss"),
        ("increase", 0, "hit_and_miss"),
        ("decrease", 3, "pass"),
        ("decrease", -3, "fail"),
        ("decrease", -2.66, "hit_and_miss"),
        ("neutral", 3, None),
        ("increase", None, None),
    ],
)
def test_assurance_compares_the_target_with_the_latest_limits(direction, target, assurance):
    assert chart([0], improvement_direction=direction, target=target).assurance == assurance


def test_assurance_uses_the_last_periods_limits():
    values = [0.5, -0.5, 0.5, -0.5, 10.5, 9.5, 10.5, 9.5]
    assert spc(values, target=5, rebase_at=[4]).assurance == "pass"
    assert spc(values, target=5).assurance == "hit_and_miss"


def test_an_unknown_improvement_direction_is_refused():
    with pytest.raises(ValueError, match="unknown improvement direction 'up'"):
        spc([1, 2, 3], improvement_direction="up")


@pytest.mark.parametrize("target", [float("nan"), float("inf"), "95", True])
def test_a_target_that_is_not_a_finite_number_is_refused(target):
    with pytest.raises(ValueError, match="target must be a finite number"):
        spc([1, 2, 3], target=target)


def test_a_constant_series_has_no_limits_once_screened_and_shows_common_cause():
    result = spc([4] * 15, target=5)
    assert result.upper == (None,) * 15
    assert set(result.point_type) == {"common_cause"}
    assert (result.variation_icon, result.assurance) == ("common_cause", None)


def test_a_constant_series_without_screening_has_limits_on_the_mean():
    result = spc([4] * 15, target=5, screen_outliers=False)
    assert result.upper == (4,) * 15
    assert result.lower == (4,) * 15
    assert set(result.rule) == {None}
    assert result.assurance == "fail"


def test_a_single_point_and_two_points_are_charted_without_error():
    single, pair = spc([3]), spc([3, 4])
    assert (single.mean, single.upper, single.rule, single.variation_icon) == (
        (3,),
        (None,),
        (None,),
        "common_cause",
    )
    assert pair.upper[0] == pytest.approx(3.5 + 2.66, rel=1e-12)


def test_a_rebase_at_the_last_point_makes_a_one_point_period():
    result = spc([0.5, -0.5] * 7 + [9], rebase_at=[14], target=1)
    assert result.period == (0,) * 14 + (1,)
    assert result.mean[-1] == 9
    assert result.upper[-1] is None
    assert result.assurance is None
    assert result.warnings == ("trial limits: period 2 has fewer than 12 points setting its limits (1)",)


def test_fewer_than_twelve_points_give_trial_limits():
    assert spc(list(range(11))).trial_limits == (True,) * 11
    assert spc(list(range(12))).trial_limits == (False,) * 12
    assert spc(list(range(12))).warnings == ()
