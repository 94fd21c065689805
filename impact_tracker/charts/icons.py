"""Variation and assurance icons as small inline SVGs (our own design, in Making Data Count colours)."""

from __future__ import annotations

from html import escape

from . import style

VARIATION_LABELS = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause improvement: the latest values are higher",
    "improvement_low": "Special cause improvement: the latest values are lower",
    "concern_high": "Special cause concern: the latest values are higher",
    "concern_low": "Special cause concern: the latest values are lower",
    "neutral_high": "Special cause variation: the latest values are higher",
    "neutral_low": "Special cause variation: the latest values are lower",
}

ASSURANCE_LABELS = {
    "pass": "The target will consistently be met",
    "fail": "The target will consistently be missed unless the process changes",
    "hit_and_miss": "The target will sometimes be met and sometimes missed",
}

_VARIATION_COLOURS = {"common": style.COMMON_CAUSE, "improvement": style.IMPROVEMENT, "concern": style.CONCERN,
                      "neutral": style.NEUTRAL}

# Small zig-zags inside the ring: flat for common cause, climbing or falling for special cause.
_TRACES = {
    "flat": "10,26 16,21 22,27 28,21 34,26 38,23",
    "high": "10,32 16,28 21,30 27,22 32,24 38,14",
    "low": "10,16 16,20 21,18 27,26 32,24 38,34",
}

_ASSURANCE_MARKS = {
    "pass": (style.IMPROVEMENT, '<polyline points="14,25 21,32 34,17" stroke-width="4"/>'),
    "fail": (style.CONCERN, '<path d="M16 16 L32 32 M32 16 L16 32" stroke-width="4"/>'),
    "hit_and_miss": (style.COMMON_CAUSE, (
        '<path d="M10 24 H38" stroke-dasharray="3 3" stroke-width="2"/>'
        '<polyline points="12,30 18,18 24,30 30,18 36,30" stroke-width="3"/>'
    )),
}


def variation_icon(name: str) -> str:
    """The SVG for a ``variation_icon`` value from ``analysis.spc``, titled in plain English.

    Raises ValueError for an unknown name.
    """
    if name not in VARIATION_LABELS:
        raise ValueError(f"unknown variation icon {name!r}")
    kind, _, side = name.partition("_")
    colour = _VARIATION_COLOURS[kind]
    trace = _TRACES["flat" if kind == "common" else side]
    letter = {"high": "H", "low": "L"}.get(side, "")
    mark = f'<polyline points="{trace}" stroke="{colour}" stroke-width="3"/>'
    if letter:
        mark += (f'<text x="24" y="{13 if side == "high" else 43}" text-anchor="middle" font-size="9" '
                 f'font-family="DejaVu Sans, Arial, sans-serif" font-weight="bold" fill="{colour}" '
                 f'stroke="none">{letter}</text>')
    return _ring(VARIATION_LABELS[name], colour, mark)


def assurance_icon(name: str | None) -> str:
    """The SVG for an ``assurance`` value ("" when there is none, as without a target).

    Raises ValueError for an unknown name.
    """
    if name is None:
        return ""
    if name not in _ASSURANCE_MARKS:
        raise ValueError(f"unknown assurance {name!r}")
    colour, mark = _ASSURANCE_MARKS[name]
    return _ring(ASSURANCE_LABELS[name], colour, mark.replace("/>", f' stroke="{colour}"/>'))


def _ring(title: str, colour: str, mark: str) -> str:
    """A 48-pixel circle in ``colour`` holding ``mark``, with a title for screen readers."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart-icon" viewBox="0 0 48 48" width="48" '
        f'height="48" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<circle cx="24" cy="24" r="21" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
        f'<g fill="none" stroke-linecap="round" stroke-linejoin="round">{mark}</g></svg>'
    )
