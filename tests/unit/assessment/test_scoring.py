"""Scoring: the lower median per component, strengths and gaps, and change since last time."""

from __future__ import annotations

import pytest

from impact_tracker.assessment.scoring import changes, completion, component_level, strengths_and_gaps


@pytest.mark.parametrize("levels, expected", [
    ([], None),
    ([None, None], None),
    ([3], 3),
    ([1, 5], 1),
    ([1, 2, 4, 5], 2),
    ([2, 2, 5], 2),
    ([5, 1, 3], 3),
    ([4, None, 4, 1], 4),
])
def test_a_component_is_the_lower_median_of_its_rated_statements(levels, expected):
    assert component_level(levels) == expected


def test_one_strong_statement_cannot_lift_a_weak_component():
    assert component_level([1, 1, 1, 5]) == 1


def test_changes_are_steps_up_or_down_and_none_when_either_side_is_unknown():
    current = {"a": 3, "b": 2, "c": None, "d": 4}
    assert changes(current, {"a": 1, "b": 2, "c": 2}) == {"a": 2, "b": 0, "c": None, "d": None}
    assert changes(current, None) == {"a": None, "b": None, "c": None, "d": None}


def test_strengths_are_the_highest_components_and_gaps_the_lowest():
    split = strengths_and_gaps({"a": 4, "b": 2, "c": 4, "d": 3, "e": None})
    assert split.strengths == ("a", "c") and split.gaps == ("b",)


@pytest.mark.parametrize("levels", [{}, {"a": None}, {"a": 3, "b": 3}])
def test_nothing_is_singled_out_when_all_components_are_level(levels):
    split = strengths_and_gaps(levels)
    assert split.strengths == () and split.gaps == ()


def test_completion_counts_rated_statements():
    assert completion([1, None, 3]) == (2, 3)
