"""Plain-English summaries of analysis results, for alt text and board reports."""

from __future__ import annotations

from functools import singledispatch

from .run_chart import RunChart, RunsSummary
from .spc import SPC, IChart

_HEADINGS = {
    "common_cause": "Common cause variation",
    "special_cause_improvement": "Special cause improvement",
    "special_cause_concern": "Special cause concern",
    "special_cause_neutral_high": "Special cause variation",
    "special_cause_neutral_low": "Special cause variation",
}


@singledispatch
def describe(result: object) -> str:
    """One or two sentences saying what a RunChart, IChart or SPC result shows about the latest data.

    Raises TypeError for anything else. A new chart type registers its own ``@describe.register`` function.
    """
    raise TypeError(f"cannot describe a {type(result).__name__}")


@describe.register
def _(result: SPC) -> str:
    heading = _HEADINGS[result.point_type[-1]] + (" (trial limits)" if result.trial_limits[-1] else "")
    first = f"{heading}: {_latest_rule(result)}{_percentage_note(result)}."
    target = _target_sentence(result)
    return f"{first} {target}" if target else first


@describe.register
def _(result: IChart) -> str:
    if result.upper[-1] is None:
        first = "Control limits could not be calculated for the latest period, as its values barely vary"
    else:
        first = _outside_phrase(result) + (" (trial limits)" if result.trial_limits[-1] else "")
    return f"{first}{_percentage_note(result)}. {_runs_sentence(result.periods[-1], 'mean')}"


@describe.register
def _(result: RunChart) -> str:
    latest = result.periods[-1]
    first = _runs_sentence(latest, "median", _number(result.centre[-1], result.as_percentage))
    first = first[:-1] + _percentage_note(result) + "."
    ihi = _ihi_phrases(result, latest)
    return f"{first} The IHI rules flag {' and '.join(ihi)} in the latest period." if ihi else first


def _latest_rule(result: SPC) -> str:
    """What made the latest point special, or that nothing did."""
    rule, mean = result.rule[-1], _number(result.mean[-1], result.as_percentage)
    if rule is None:
        earlier = sum(point_type != "common_cause" for point_type in result.point_type)
        note = f", although {_plural(earlier, 'earlier point')} did" if earlier else ""
        return f"the latest point shows no special cause{note}"
    phrases = {
        "above_upper": "the latest point is above the upper limit",
        "below_lower": "the latest point is below the lower limit",
        "trend_up": f"the last {_trailing_trend(result)} points have each risen",
        "trend_down": f"the last {_trailing_trend(result)} points have each fallen",
        "two_in_three_high": "two of the last three points are close to the upper limit",
        "two_in_three_low": "two of the last three points are close to the lower limit",
        "shift_high": f"the last {_trailing_side(result)} points are above the mean of {mean}",
        "shift_low": f"the last {_trailing_side(result)} points are below the mean of {mean}",
    }
    return phrases[rule]


def _target_sentence(result: SPC) -> str:
    """What the limits say about hitting the target, or '' without one."""
    if result.target is None or result.improvement_direction == "neutral":
        return ""
    target = f"The target of {_number(result.target, result.as_percentage)}"
    higher_is_better = result.improvement_direction == "increase"
    if result.assurance == "hit_and_miss":
        return f"{target} is within the limits, so it will be hit and missed."
    if result.assurance == "pass":
        side = "below the lower" if higher_is_better else "above the upper"
        return f"{target} is {side} limit, so it will consistently be met."
    if result.assurance == "fail":
        side = "above the upper" if higher_is_better else "below the lower"
        return f"{target} is {side} limit, so it will not be met without a change to the process."
    return f"{target} cannot be judged because the limits could not be calculated."


def _outside_phrase(result: IChart) -> str:
    """How many points fall outside the control limits."""
    outside = [position for position, flag in enumerate(result.outside) if flag]
    if not outside:
        return "All points are within the control limits"
    verb = "is" if len(outside) == 1 else "are"
    latest = outside[-1] + 1
    return (
        f"{_plural(len(outside), 'point')} {verb} outside the control limits, the latest being point {latest}"
    )


def _runs_sentence(summary: RunsSummary, line: str, value: str = "") -> str:
    """The Anhøj runs verdict for one period."""
    of_value = f" of {value}" if value else ""
    if summary.longest_run is None:
        return f"No variation: every point is on the {line}{of_value}."
    if summary.longest_run > summary.longest_run_max:
        return (
            f"Non-random variation: a run of {summary.longest_run} points on one side of the {line} is "
            "longer "
            f"than the {summary.longest_run_max} expected by chance."
        )
    if summary.crossings < summary.crossings_min:
        return (
            f"Non-random variation: the data cross the {line} {summary.crossings} times, fewer than the "
            f"{summary.crossings_min} expected by chance."
        )
    return f"Random variation: no unusually long run and enough crossings of the {line}{of_value}."


def _ihi_phrases(result: RunChart, latest: RunsSummary) -> list[str]:
    """Names of the IHI rules flagging points in the latest period."""
    window = slice(latest.first, latest.last + 1)
    names = [("a shift", result.shift[window]), ("a trend", result.trend[window])]
    return [name for name, flags in names if any(flags)]


def _trailing_side(result: SPC) -> int:
    """How many points at the end of the latest period sit on the same side of the mean as the last."""
    above = result.values[-1] > result.mean[-1]
    count = 0
    latest = zip(reversed(result.values), reversed(result.mean), reversed(result.period), strict=True)
    for value, mean, period in latest:
        if period != result.period[-1] or value == mean or (value > mean) != above:
            break
        count += 1
    return count


def _trailing_trend(result: SPC) -> int:
    """How many points at the end of the latest period keep moving in the direction of the last step."""
    values = result.values[result.period.index(result.period[-1]) :]
    rising = values[-1] > values[-2]
    count = 1
    # A tie breaks a Making Data Count trend, so only strict steps in the same direction are counted.
    for earlier, later in zip(reversed(values[:-1]), reversed(values[1:]), strict=True):
        if later == earlier or (later > earlier) != rising:
            break
        count += 1
    return count


def _percentage_note(result: RunChart | IChart | SPC) -> str:
    """A reminder that proportions were analysed as percentages."""
    return " (analysed as percentages)" if result.as_percentage else ""


def _plural(n: int, noun: str) -> str:
    """'1 point' / '3 points'."""
    return f"1 {noun}" if n == 1 else f"{n} {noun}s"


def _number(value: float, percent: bool = False) -> str:
    """A number as people write it: no trailing .0, thousands separators, % for percentages."""
    if float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:.3g}" if abs(value) < 1 else f"{round(value, 3):,}"
    return text + ("%" if percent else "")
