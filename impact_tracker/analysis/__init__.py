"""Pure analysis of measure series: run charts, I charts and Making Data Count XmR charts (no Flask, no DB).

Public API: ``run_chart``, ``i_chart`` and ``spc`` return the frozen results ``RunChart``, ``IChart`` and
``SPC`` (runs analysis per period in ``RunsSummary``); ``describe`` summarises any of them in plain English.
``Values`` checks a series once so several charts can share it; ``proportion_values`` and
``percentage_analysis`` handle measures recorded as numerator and denominator (see ``series``).
Thresholds live in ``rules``; the Making Data Count rules, in priority order, in ``mdc_rules``.
"""

from .describe import describe
from .run_chart import RunChart, RunsSummary, run_chart
from .series import Values, percentage_analysis, proportion_values
from .spc import SPC, IChart, i_chart, spc

__all__ = [
    "SPC",
    "IChart",
    "RunChart",
    "RunsSummary",
    "Values",
    "describe",
    "i_chart",
    "percentage_analysis",
    "proportion_values",
    "run_chart",
    "spc",
]
