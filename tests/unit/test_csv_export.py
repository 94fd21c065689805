"""CSV cells that a spreadsheet would run as formulas are neutralised; numbers are left alone."""

from __future__ import annotations

import pytest

from impact_tracker.core.csv_export import csv_text, filename_slug, safe_cell


@pytest.mark.parametrize("cell, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+44 20 7946", "'+44 20 7946"),
    ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"), ("\tTab", "'\tTab"),
    ("-1.5", "-1.5"), ("+3", "+3"), ("1e-3", "1e-3"), (-2.5, -2.5), (None, ""), ("Ward 7", "Ward 7"),
])
def test_formula_like_text_is_quoted_and_numbers_are_not(cell, expected):
    assert safe_cell(cell) == expected


def test_csv_text_has_a_bom_crlf_lines_and_safe_cells():
    text = csv_text(["name", "value"], [["=1+1", 3], ["ok", -1]])
    assert text == "\ufeffname,value\r\n'=1+1,3\r\nok,-1\r\n"


def test_file_names_are_slugs():
    assert filename_slug("Falls per 1,000 bed days") == "falls-per-1-000-bed-days"
    assert filename_slug("!!!") == "download"
