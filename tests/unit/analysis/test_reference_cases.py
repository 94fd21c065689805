"""Every reference series reproduces qicharts2 and NHSRplotthedots: numbers within 1e-9, labels exactly."""

import json
import os
from pathlib import Path

import pytest

from impact_tracker.analysis import i_chart, run_chart, spc

DEFAULT_CASES = Path(__file__).parent / "data" / "reference_cases.json"
CASES = json.loads(Path(os.environ.get("IMPACT_ANALYSIS_CASES", DEFAULT_CASES)).read_text())

RULE_LABELS = {
    "Common Cause": None,
    "Above UCL": "above_upper",
    "Below LCL": "below_lower",
    "7 Point Trend (Increasing)": "trend_up",
    "7 Point Trend (Decreasing)": "trend_down",
    "2 in 3 Above CL": "two_in_three_high",
    "2 in 3 Below CL": "two_in_three_low",
    "7 Points Above CL": "shift_high",
    "7 Points Below CL": "shift_low",
}
ASSURANCE_LABELS = {
    None: None,
    "consistent_pass": "pass",
    "consistent_fail": "fail",
    "inconsistent": "hit_and_miss",
}

cases = pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])


def qicharts2_options(case):
    """Our keywords for the case's qicharts2 freeze and part (a part's 1-based last point is our rebase)."""
    params = case["params"]["qicharts2"]
    return {"baseline": params["freeze"], "rebase_at": params["part"] or ()}


def ptd_options(case):
    """Our keywords for the case's NHSRplotthedots options (1-based rebase points become 0-based)."""
    params = case["params"]["ptd"]
    return {
        "improvement_direction": params["improvement_direction"],
        "target": params["target"],
        "baseline": params["fix_after_n_points"],
        "rebase_at": [point - 1 for point in params["rebase"]],
        "screen_outliers": params["screen_outliers"],
    }


def assert_numbers_match(actual, expected):
    """Same length, None exactly where the reference has NA, every number within 1e-9 relative."""
    assert len(actual) == len(expected)
    assert [value is None for value in actual] == [value is None for value in expected]
    numbers = [(mine, theirs) for mine, theirs in zip(actual, expected, strict=True) if theirs is not None]
    assert [mine for mine, _ in numbers] == pytest.approx([theirs for _, theirs in numbers], rel=1e-9)


def summary_as_reference(summary):
    """One of our RunsSummary values in the reference's field names and 1-based positions."""
    return {
        "first": summary.first + 1,
        "last": summary.last + 1,
        "n_obs": summary.n_obs,
        "n_useful": summary.n_useful,
        "longest_run": summary.longest_run,
        "longest_run_max": summary.longest_run_max,
        "n_crossings": summary.crossings,
        "n_crossings_min": summary.crossings_min,
        "runs_signal": summary.signal,
    }


def reference_summaries(summaries):
    """The reference summaries without their part number (our periods are positional)."""
    return [{key: value for key, value in summary.items() if key != "part"} for summary in summaries]


@cases
def test_run_chart_median_matches_qicharts2(case):
    result = run_chart(case["input"]["y"], **qicharts2_options(case))
    assert_numbers_match(result.centre, case["qicharts2"]["run"]["cl"])


@cases
def test_run_chart_runs_analysis_matches_qicharts2(case):
    result = run_chart(case["input"]["y"], **qicharts2_options(case))
    expected = reference_summaries(case["qicharts2"]["run"]["summary"])
    assert [summary_as_reference(summary) for summary in result.periods] == expected


@cases
def test_i_chart_centre_and_limits_match_qicharts2(case):
    result = i_chart(case["input"]["y"], **qicharts2_options(case))
    reference = case["qicharts2"]["i"]
    assert_numbers_match(result.centre, reference["cl"])
    assert_numbers_match(result.upper, reference["ucl"])
    assert_numbers_match(result.lower, reference["lcl"])


@cases
def test_i_chart_points_outside_limits_match_qicharts2_sigma_signal(case):
    result = i_chart(case["input"]["y"], **qicharts2_options(case))
    assert list(result.outside) == case["qicharts2"]["i"]["sigma_signal"]


@cases
def test_i_chart_runs_analysis_against_the_mean_matches_qicharts2(case):
    result = i_chart(case["input"]["y"], **qicharts2_options(case))
    expected = reference_summaries(case["qicharts2"]["i"]["summary"])
    assert [summary_as_reference(summary) for summary in result.periods] == expected


@cases
def test_i_chart_without_moving_range_screening_matches_unscreened_qicharts2(case):
    result = i_chart(case["input"]["y"], **qicharts2_options(case), screen_moving_ranges=False)
    reference = case["qicharts2"]["i_unscreened_mr"]
    assert_numbers_match(result.upper, reference["ucl"])
    assert_numbers_match(result.lower, reference["lcl"])
    assert list(result.outside) == reference["sigma_signal"]


@cases
def test_spc_mean_and_process_limits_match_nhsrplotthedots(case):
    result = spc(case["input"]["y"], **ptd_options(case))
    reference = case["ptd"]
    assert_numbers_match(result.mean, reference["mean"])
    assert_numbers_match(result.upper, reference["upl"])
    assert_numbers_match(result.lower, reference["lpl"])
    assert list(result.period) == reference["rebase_group"]


@cases
def test_spc_point_types_match_nhsrplotthedots(case):
    result = spc(case["input"]["y"], **ptd_options(case))
    assert list(result.point_type) == case["ptd"]["point_type"]


@cases
def test_spc_rules_match_nhsrplotthedots_special_cause_types(case):
    result = spc(case["input"]["y"], **ptd_options(case))
    assert list(result.rule) == [RULE_LABELS[label] for label in case["ptd"]["special_cause_type"]]


@cases
def test_spc_variation_icon_and_assurance_match_nhsrplotthedots(case):
    result = spc(case["input"]["y"], **ptd_options(case))
    assert result.variation_icon == case["ptd"]["variation_icon"]
    assert result.assurance == ASSURANCE_LABELS[case["ptd"]["assurance_type"]]
