"""Chart rendering with matplotlib's Figure (never pyplot): pure, no Flask.

``render_run_chart`` and ``render_spc_chart`` turn an analysis result and its dates into SVG or PNG bytes;
``icons`` draws the variation and assurance icons; ``ChartCache`` keeps rendered charts by a hash of their
inputs so that a repeat view costs nothing.
"""

from .cache import ChartCache, cache_key
from .drawing import render_chart
from .figure import Annotation, PointNote, inline_svg
from .icons import ASSURANCE_LABELS, VARIATION_LABELS, assurance_icon, variation_icon
from .run_chart import render_run_chart
from .spc_chart import render_spc_chart
from .style import RENDERER_VERSION

__all__ = [
    "ASSURANCE_LABELS",
    "RENDERER_VERSION",
    "VARIATION_LABELS",
    "Annotation",
    "ChartCache",
    "PointNote",
    "assurance_icon",
    "cache_key",
    "inline_svg",
    "render_chart",
    "render_run_chart",
    "render_spc_chart",
    "variation_icon",
]
