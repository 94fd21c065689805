"""Plain-English descriptions for alt text and board reports."""

import pytest

from impact_tracker.analysis import describe, i_chart, percentage_analysis, run_chart, spc

BASELINE = [94, 90] * 6  # mean 92, average moving range 4, limits 81.36 to 102.64; ends below the mean
IMPROVED = BASELINE + [95, 96, 95, 96, 95, 96, 95, 96]


def test_spc_with_a_shift_and_a_target_inside_the_limits():
    result = spc(IMPROVED, baseline=12, target=95, improvement_direction="increase")
    assert describe(result) == (
        "Special cause improvement: the last 8 points are above the mean of 92. "
        "The target of 95 is within the limits, so it will be hit and missed."
    )


def test_spc_concern_below_the_lower_limit_with_a_target_that_will_not_be_met():
    result = spc([*BASELINE, 70], baseline=12, target=110, improvement_direction="increase")
    assert describe(result) == (
        "Special cause concern: the latest point is below the lower limit. "
        "The target of 110 is above the upper limit, so it will not be met without a change to the process."
    )


def test_spc_common_cause_mentions_earlier_special_causes_and_a_target_that_will_be_met():
    result = spc([*BASELINE, 120, 92], baseline=12, target=60, improvement_direction="increase")
    assert describe(result) == (
        "Common cause variation: the latest point shows no special cause, although 1 earlier point did. "
        "The target of 60 is below the lower limit, so it will consistently be met."
    )


def test_spc_trend_counts_the_trailing_points():
    rising = [90, 91, 92, 93, 94, 95, 96, 97]
    result = spc([*BASELINE, *rising], baseline=12, improvement_direction="decrease")
    assert describe(result) == "Special cause concern: the last 8 points have each risen."


def test_spc_neutral_two_in_three_with_trial_limits():
    # Mean 2, limits 2 +/- 5.32, near-limit lines 2 +/- 3.55: both 6s are close to the upper limit.
    result = spc([1, 3, 1, 3, 1, 3, 2.5, 6, 6], baseline=6, improvement_direction="neutral", target=3)
    assert describe(result) == (
        "Special cause variation (trial limits): two of the last three points are close to the upper limit."
    )


def test_spc_target_without_limits_cannot_be_judged():
    result = spc([5, 5, 5], target=4)
    assert describe(result).endswith(
        "The target of 4 cannot be judged because the limits could not be calculated."
    )


def test_percentages_are_labelled():
    result = percentage_analysis(spc, [46, 45] * 6 + [47] * 8, [50] * 20, baseline=12, target=95)
    assert describe(result) == (
        "Special cause improvement: the last 8 points are above the mean of 91% (analysed as percentages). "
        "The target of 95% is within the limits, so it will be hit and missed."
    )


def test_i_chart_reports_points_outside_and_the_runs_verdict():
    result = i_chart([*BASELINE, 120, 92], baseline=12)
    assert describe(result) == (
        "1 point is outside the control limits, the latest being point 13. "
        "Random variation: no unusually long run and enough crossings of the mean."
    )


def test_i_chart_without_limits_says_so():
    assert describe(i_chart([3, 3, 3])) == (
        "Control limits could not be calculated for the latest period, as its values barely vary. "
        "No variation: every point is on the mean."
    )


def test_run_chart_reports_a_long_run_and_the_ihi_flags():
    result = run_chart([2, 8] * 6 + [9] * 9 + [1, 8])
    assert describe(result) == (
        "Non-random variation: a run of 9 points on one side of the median is longer than the 7 expected by "
        "chance. The IHI rules flag a shift in the latest period."
    )


def test_run_chart_with_random_variation_names_the_median():
    assert describe(run_chart([1, 9] * 10)) == (
        "Random variation: no unusually long run and enough crossings of the median of 5."
    )


def test_run_chart_with_too_few_crossings():
    result = run_chart([1] * 5 + [9] * 5 + [1] * 5 + [9] * 5)
    assert describe(result).startswith(
        "Non-random variation: the data cross the median 3 times, fewer than the 6"
    )


def test_anything_else_cannot_be_described():
    with pytest.raises(TypeError, match="cannot describe a list"):
        describe([1, 2, 3])
