"""The chart pictures: real PNG and well-formed SVG, labelled as a reader would expect, and never pyplot."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from impact_tracker.analysis import run_chart, spc
from impact_tracker.charts import (
    ASSURANCE_LABELS,
    VARIATION_LABELS,
    Annotation,
    ChartCache,
    PointNote,
    assurance_icon,
    cache_key,
    inline_svg,
    render_run_chart,
    render_spc_chart,
    variation_icon,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
VALUES = [12, 15, 11, 14, 18, 9, 13, 16, 14, 12, 17, 15, 19, 21, 20, 22, 23, 21, 24, 22]


def weekly(n: int) -> list[date]:
    return [date(2026, 1, 5) + timedelta(weeks=i) for i in range(n)]


def svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [" ".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def svg_links(svg: bytes) -> set[str]:
    root = ET.fromstring(svg)
    return {element.get("{http://www.w3.org/1999/xlink}href") for element in root.iter(f"{SVG}a")}


def test_both_charts_render_as_png_images():
    dates = weekly(len(VALUES))
    for image in (render_run_chart(dates, run_chart(VALUES), fmt="png"),
                  render_spc_chart(dates, spc(VALUES), fmt="png")):
        assert image.startswith(PNG_SIGNATURE)
        assert len(image) > 5_000


def test_an_xmr_chart_svg_is_well_formed_and_shows_target_pdsa_cycles_and_rebase_reason():
    dates = weekly(len(VALUES))
    cycles = [Annotation(dates[3], "PDSA 1", "/cycles/1"), Annotation(dates[12], "PDSA 2 adopted", "/cycles/2")]
    svg = render_spc_chart(dates, spc(VALUES, target=20, rebase_at=[12]), annotations=cycles,
                           rebase_reasons=["New falls bundle adopted"], unit="%")
    texts = svg_texts(svg)
    assert "Target 20%" in texts
    assert {"PDSA 1", "PDSA 2 adopted"} <= set(texts)
    assert "Rebased: New falls bundle adopted" in texts
    assert svg_links(svg) == {"/cycles/1", "/cycles/2"}


def test_limits_from_fewer_than_twelve_points_are_labelled_trial_limits():
    dates = weekly(len(VALUES))
    short = render_spc_chart(dates[:10], spc(VALUES[:10]))
    full = render_spc_chart(dates, spc(VALUES))
    assert "Trial limits" in svg_texts(short)
    assert "Process limits (trial)" in svg_texts(short)
    assert "Trial limits" not in svg_texts(full)
    assert "Process limits" in svg_texts(full)


def test_a_run_chart_shows_the_median_the_shift_and_the_target():
    texts = svg_texts(render_run_chart(weekly(len(VALUES)), run_chart(VALUES), target=18))
    assert "Median" in texts
    assert "Shift: 6 or more points on one side of the median" in texts
    assert "Target 18" in texts


def test_cycles_outside_the_charted_dates_are_left_off_the_picture():
    dates = weekly(6)
    svg = render_run_chart(dates, run_chart(VALUES[:6]),
                           annotations=[Annotation(date(2025, 1, 1), "PDSA 9"), Annotation(dates[2], "PDSA 1")])
    assert "PDSA 1" in svg_texts(svg)
    assert "PDSA 9" not in svg_texts(svg)


def test_point_notes_are_drawn_shortened_and_escaped():
    dates = weekly(6)
    notes = [PointNote(dates[1], VALUES[1], "<b>Ward closed</b>"),
             PointNote(dates[3], VALUES[3], "A very long note about a norovirus outbreak across the whole site")]
    svg = render_run_chart(dates, run_chart(VALUES[:6]), notes=notes)
    texts = svg_texts(svg)
    assert "<b>Ward closed</b>" in texts
    assert any(text.startswith("A very long note") and text.endswith("…") for text in texts)


def test_the_same_inputs_give_the_same_bytes():
    dates = weekly(len(VALUES))
    first = render_spc_chart(dates, spc(VALUES, target=20), annotations=[Annotation(dates[2], "PDSA 1")])
    again = render_spc_chart(dates, spc(VALUES, target=20), annotations=[Annotation(dates[2], "PDSA 1")])
    assert first == again


@pytest.mark.parametrize("n_dates", [3, 5])
def test_dates_and_values_must_pair_up(n_dates):
    with pytest.raises(ValueError, match="one date per value"):
        render_run_chart(weekly(n_dates), run_chart(VALUES[:4]))


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="svg, png"):
        render_spc_chart(weekly(4), spc(VALUES[:4]), fmt="gif")


def test_inline_svg_drops_the_xml_prolog_and_new_tab_links():
    svg = render_run_chart(weekly(4), run_chart(VALUES[:4]), annotations=[Annotation(weekly(4)[1], "PDSA 1", "/c/1")])
    markup = inline_svg(svg)
    assert markup.startswith("<svg")
    assert 'target="_blank"' not in markup
    ET.fromstring(markup)


def test_rendering_never_imports_pyplot():
    script = (
        "import sys; from datetime import date, timedelta\n"
        "from impact_tracker.analysis import spc\n"
        "from impact_tracker.charts import render_spc_chart\n"
        "dates = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(5)]\n"
        "render_spc_chart(dates, spc([1, 3, 2, 4, 3]), fmt='png')\n"
        "render_spc_chart(dates, spc([1, 3, 2, 4, 3]))\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


@pytest.mark.parametrize("name", sorted(VARIATION_LABELS))
def test_each_variation_icon_is_an_svg_titled_in_words(name):
    icon = ET.fromstring(variation_icon(name))
    assert icon.find(f"{SVG}title").text == VARIATION_LABELS[name]
    assert icon.get("role") == "img"


@pytest.mark.parametrize("name", sorted(ASSURANCE_LABELS))
def test_each_assurance_icon_is_an_svg_titled_in_words(name):
    icon = ET.fromstring(assurance_icon(name))
    assert icon.find(f"{SVG}title").text == ASSURANCE_LABELS[name]


def test_no_assurance_means_no_icon_and_unknown_icons_are_refused():
    assert assurance_icon(None) == ""
    with pytest.raises(ValueError):
        assurance_icon("consistent_pass")
    with pytest.raises(ValueError):
        variation_icon("special_cause")


def test_the_cache_renders_once_and_keeps_files_for_the_next_process(tmp_path):
    calls = []

    def render() -> bytes:
        calls.append(1)
        return b"<svg/>"

    key = cache_key("xmr", "svg", (1.0, 2.0))
    assert ChartCache(tmp_path).get_or_render(key, render) == b"<svg/>"
    cache = ChartCache(tmp_path)
    assert cache.get_or_render(key, render) == b"<svg/>"
    cache.clear()
    assert cache.get_or_render(key, render) == b"<svg/>"
    assert len(calls) == 1


def test_the_memory_cache_forgets_the_least_recently_used_chart():
    cache = ChartCache(max_items=2)
    for key in ("a", "b", "a", "c"):
        cache.get_or_render(key, lambda: b"x")
    rendered = []
    for key in ("a", "c", "b"):
        cache.get_or_render(key, lambda key=key: rendered.append(key) or b"x")
    assert rendered == ["b"]


def test_the_cache_key_changes_with_any_input():
    base = ("xmr", "svg", (1.0, 2.0), (Annotation(date(2026, 1, 5), "PDSA 1"),))
    assert cache_key(*base) == cache_key(*base)
    assert cache_key(*base) != cache_key("xmr", "svg", (1.0, 2.5), base[3])
    assert cache_key(*base) != cache_key("xmr", "png", *base[2:])
    assert cache_key(*base) != cache_key("xmr", "svg", base[2], (Annotation(date(2026, 1, 5), "PDSA 2"),))
