"""Properties that must hold for any series: symmetry, shift invariance and mirror images."""

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from impact_tracker.analysis import i_chart, run_chart, spc
from impact_tracker.analysis import rules as thresholds

# Whole numbers keep the arithmetic exact enough that no property depends on float rounding.
series = st.lists(st.integers(min_value=-1000, max_value=1000), min_size=2, max_size=60)
offsets = st.integers(min_value=-10_000, max_value=10_000)
directions = st.sampled_from(["increase", "decrease", "neutral"])
screening = st.booleans()
examples = settings(max_examples=75, deadline=None)

MIRRORED_RULES = {
    None: None,
    "above_upper": "below_lower",
    "below_lower": "above_upper",
    "trend_up": "trend_down",
    "trend_down": "trend_up",
    "two_in_three_high": "two_in_three_low",
    "two_in_three_low": "two_in_three_high",
    "shift_high": "shift_low",
    "shift_low": "shift_high",
}
MIRRORED_ICONS = {
    "common_cause": "common_cause",
    "improvement_high": "improvement_low",
    "improvement_low": "improvement_high",
    "concern_high": "concern_low",
    "concern_low": "concern_high",
    "neutral_high": "neutral_low",
    "neutral_low": "neutral_high",
}
FLIPPED = {"increase": "decrease", "decrease": "increase", "neutral": "neutral"}


def far_from_every_line(values, result):
    """No value sits within a hair of a limit or near-limit line, where rounding could move it across."""
    for value, mean, upper in zip(values, result.mean, result.upper, strict=True):
        if upper is None:
            continue
        half_width = upper - mean
        near = half_width * 2 / 3
        for line in (mean + half_width, mean - half_width, mean + near, mean - near):
            if abs(value - line) < 1e-6:
                return False
    return True


@examples
@given(values=series, screen=screening)
def test_spc_limits_are_symmetric_about_the_mean(values, screen):
    result = spc(values, screen_outliers=screen)
    for mean, upper, lower in zip(result.mean, result.upper, result.lower, strict=True):
        assert (upper is None) == (lower is None)
        if upper is not None:
            assert abs((upper - mean) - (mean - lower)) <= 1e-9 * max(1.0, abs(upper))


@examples
@given(values=series, screen=screening)
def test_i_chart_limits_are_symmetric_about_the_centre(values, screen):
    result = i_chart(values, screen_moving_ranges=screen)
    for centre, upper, lower in zip(result.centre, result.upper, result.lower, strict=True):
        if upper is not None:
            assert abs((upper - centre) - (centre - lower)) <= 1e-9 * max(1.0, abs(upper))


@examples
@given(values=series, offset=offsets, direction=directions)
def test_spc_signals_do_not_change_when_every_value_moves_by_the_same_amount(values, offset, direction):
    before = spc(values, improvement_direction=direction)
    assume(far_from_every_line(values, before))
    after = spc([value + offset for value in values], improvement_direction=direction)
    assert (after.rule, after.point_type, after.variation_icon) == (
        before.rule,
        before.point_type,
        before.variation_icon,
    )


@examples
@given(values=series, offset=offsets)
def test_run_chart_signals_do_not_change_when_every_value_moves_by_the_same_amount(values, offset):
    before = run_chart(values)
    after = run_chart([value + offset for value in values])
    assert (after.shift, after.trend, after.periods) == (before.shift, before.trend, before.periods)


@examples
@given(values=series, direction=directions, screen=screening, target=st.integers(-1500, 1500))
def test_negating_values_and_flipping_the_direction_mirrors_every_signal(values, direction, screen, target):
    original = spc(values, improvement_direction=direction, target=target, screen_outliers=screen)
    mirrored = spc(
        [-value for value in values],
        improvement_direction=FLIPPED[direction],
        target=-target,
        screen_outliers=screen,
    )
    assert mirrored.rule == tuple(MIRRORED_RULES[rule] for rule in original.rule)
    assert mirrored.variation_icon == MIRRORED_ICONS[original.variation_icon]
    assert mirrored.assurance == original.assurance
    if direction != "neutral":
        assert mirrored.point_type == original.point_type


@examples
@given(values=series)
def test_negating_values_leaves_run_chart_flags_and_runs_unchanged(values):
    original, mirrored = run_chart(values), run_chart([-value for value in values])
    assert (mirrored.shift, mirrored.trend, mirrored.periods) == (
        original.shift,
        original.trend,
        original.periods,
    )


@examples
@given(values=series)
def test_every_shift_flag_belongs_to_a_run_of_at_least_six_on_one_side(values):
    result = run_chart(values)
    sides = [(value > centre) - (value < centre) for value, centre in zip(values, result.centre, strict=True)]
    useful = [(side, flag) for side, flag in zip(sides, result.shift, strict=True) if side]
    run_start = 0
    for index in range(1, len(useful) + 1):
        if index == len(useful) or useful[index][0] != useful[run_start][0]:
            run = useful[run_start:index]
            assert {flag for _, flag in run} == {len(run) >= thresholds.SHIFT_LENGTH}
            run_start = index


@examples
@given(values=series)
def test_every_result_has_one_entry_per_point(values):
    n = len(values)
    run, chart, control = run_chart(values), i_chart(values), spc(values)
    assert {len(run.centre), len(run.shift), len(run.trend), len(run.period)} == {n}
    assert {len(chart.centre), len(chart.upper), len(chart.lower), len(chart.outside)} == {n}
    assert {len(control.mean), len(control.upper), len(control.rule), len(control.point_type)} == {n}
