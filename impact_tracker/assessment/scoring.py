"""Scoring a self-assessment: a level per component, strengths and gaps, and change since last time.

Pure Python, so the rules can be read and tested on their own. A component's level is the *lower median* of
the levels given to its statements: the component counts as at least as mature as half of its statements,
never more, so one very strong statement cannot lift a weak component, and a level is always a real step of
the scale (never 2.5). Statements without a level are left out; a component with none has no level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def component_level(levels: Iterable[int | None]) -> int | None:
    """The lower median of the given statement levels (ordinals), ignoring None; None when none are given."""
    given = sorted(level for level in levels if level is not None)
    if not given:
        return None
    return given[(len(given) - 1) // 2]


def component_levels(responses: Mapping[str, Iterable[int | None]]) -> dict[str, int | None]:
    """Each component's level, from its statements' levels (component slug -> ordinals)."""
    return {component: component_level(levels) for component, levels in responses.items()}


def changes(current: Mapping[str, int | None], previous: Mapping[str, int | None] | None) -> dict[str, int | None]:
    """Levels moved per component since the previous assessment: +1 up a step, -1 down; None when either is unknown."""
    previous = previous or {}
    return {
        component: level - previous[component]
        if level is not None and previous.get(component) is not None else None
        for component, level in current.items()
    }


@dataclass(frozen=True)
class StrengthsAndGaps:
    """The components to build on (strengths) and to work on first (gaps)."""

    strengths: tuple[str, ...]
    gaps: tuple[str, ...]


def strengths_and_gaps(levels: Mapping[str, int | None]) -> StrengthsAndGaps:
    """Strengths are the components at the highest level reached, gaps those at the lowest.

    Components without a level are ignored. When every scored component is at the same level there is
    nothing to single out, so both are empty.
    """
    scored = {component: level for component, level in levels.items() if level is not None}
    if not scored or len(set(scored.values())) == 1:
        return StrengthsAndGaps((), ())
    top, bottom = max(scored.values()), min(scored.values())
    return StrengthsAndGaps(
        strengths=tuple(c for c, level in scored.items() if level == top),
        gaps=tuple(c for c, level in scored.items() if level == bottom),
    )


def completion(levels: Iterable[int | None]) -> tuple[int, int]:
    """(statements with a level, all statements)."""
    values = list(levels)
    return sum(1 for level in values if level is not None), len(values)
