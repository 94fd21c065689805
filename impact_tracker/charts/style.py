"""Colours, sizes and matplotlib settings shared by every chart (Making Data Count colours for SPC)."""

from __future__ import annotations

RENDERER_VERSION = "1"
"""Part of every cache key: bump it whenever a change to the drawing code changes the pictures."""

COMMON_CAUSE = "#a6a6a6"
IMPROVEMENT = "#00b0f0"
CONCERN = "#e46c0a"
NEUTRAL = "#490092"
TARGET = "#de1b1b"
INK = "#212b32"
SECONDARY_INK = "#4c6272"
LINE = "#768692"
LIMIT = "#425563"
ANNOTATION = "#005eb8"
REBASE = "#330072"

POINT_COLOURS = {
    "common_cause": COMMON_CAUSE,
    "special_cause_improvement": IMPROVEMENT,
    "special_cause_concern": CONCERN,
    "special_cause_neutral_high": NEUTRAL,
    "special_cause_neutral_low": NEUTRAL,
}

RUN_POINT = "#4c6272"
SHIFT_POINT = NEUTRAL
TREND_POINT = IMPROVEMENT

FIGURE_SIZE = (9.0, 4.6)
"""Inches; the SVG scales to the page width, so this sets proportions and the PNG's size."""
PNG_DPI = 150
MARKER_SIZE = 6
NOTE_LENGTH = 32
"""Longer point notes are shortened on the chart (the data table shows them in full)."""

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.edgecolor": LINE,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": SECONDARY_INK,
    "ytick.color": SECONDARY_INK,
    "svg.fonttype": "none",
    "svg.hashsalt": "impact-tracker",
    "path.simplify": True,
}
"""Fixed fonts and SVG settings so that the same inputs always give the same bytes."""
