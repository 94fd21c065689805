"""Chart panels for measure pages (placeholder until the chart renderer lands)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ChartPanel:
    """Everything the measure page shows about a chart: the SVG, its text alternative and data table."""

    svg: str = ""
    description: str = ""
    png_url: str = ""
    rows: list[dict] = field(default_factory=list)
    variation_icon: str | None = None
    assurance: str | None = None
    warnings: tuple[str, ...] = ()


def chart_panel(measure) -> ChartPanel:
    """The chart panel for a measure."""
    return ChartPanel(description=f"No chart yet for {measure.name}.")
