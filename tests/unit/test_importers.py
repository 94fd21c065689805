"""Reading pasted text, CSV and Excel files into dated values, and refusing the rest clearly."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from impact_tracker.measures.importers import (
    MAX_ROWS,
    CellError,
    parse_csv,
    parse_number,
    parse_period,
    parse_text,
    parse_xlsx,
    to_text,
)

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "import-samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text())


def _points(result, proportion: bool) -> list[list]:
    if proportion:
        return [[r.period.isoformat(), r.numerator, r.denominator] for r in result.rows]
    return [[r.period.isoformat(), r.value] for r in result.rows]


def _is_proportion(expected: dict) -> bool:
    return bool(expected.get("points")) and len(expected["points"][0]) == 3


def _read_sample(name: str, proportion: bool):
    data = (SAMPLES / name).read_bytes()
    return parse_xlsx(data, proportion=proportion) if name.endswith(".xlsx") else parse_csv(data, proportion=proportion)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_file_reads_exactly_as_expected(name):
    expected = EXPECTED[name]
    proportion = _is_proportion(expected)
    result = _read_sample(name, proportion)
    if expected["accept"]:
        assert result.errors == []
        assert _points(result, proportion) == [list(p) for p in expected["points"]]
    else:
        assert [{"row": e.row, "column": e.column} for e in result.errors] == expected["errors"]


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".csv")))
def test_each_csv_sample_pasted_as_text_reads_the_same_as_the_file(name):
    proportion = _is_proportion(EXPECTED[name])
    pasted = parse_text((SAMPLES / name).read_bytes().decode("utf-8-sig"), proportion=proportion)
    from_file = _read_sample(name, proportion)
    assert pasted.rows == from_file.rows and pasted.errors == from_file.errors


def test_the_bad_value_is_explained_in_plain_words():
    result = _read_sample("one_bad_value.csv", False)
    assert result.errors[0].message == "“n/a” is not a number."
    assert result.errors[0].column_label == "value"


@pytest.mark.parametrize("text, expected", [
    ("06/01/2025", date(2025, 1, 6)),
    ("6/1/25", date(2025, 1, 6)),
    ("06.01.2025", date(2025, 1, 6)),
    ("06-01-2025", date(2025, 1, 6)),
    ("2025-01-06", date(2025, 1, 6)),
    ("2025-01-06 00:00:00", date(2025, 1, 6)),
    ("6 January 2025", date(2025, 1, 6)),
    ("6th Jan 2025", date(2025, 1, 6)),
    ("Monday 6 January 2025", date(2025, 1, 6)),
    ("06-Jan-25", date(2025, 1, 6)),
    ("Apr-24", date(2024, 4, 1)),
    ("April 2024", date(2024, 4, 1)),
    ("Sept 2024", date(2024, 9, 1)),
    ("2024-04", date(2024, 4, 1)),
    (datetime(2025, 1, 6, 0, 0), date(2025, 1, 6)),
    (date(2025, 1, 6), date(2025, 1, 6)),
])
def test_dates_are_read_day_first_in_the_shapes_people_type(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text, message", [
    ("", "The date is missing."),
    ("01/13/2025", "is not a real date. Dates are read day first"),
    ("31/02/2025", "is not a real date"),
    ("45663", "is a number, not a date"),
    ("next week", "is not a date we recognise"),
    ("06/01/1066", "The year in “06/01/1066” does not look right."),
])
def test_dates_that_cannot_be_read_are_refused_with_a_reason(text, message):
    with pytest.raises(CellError, match=message):
        parse_period(text)


@pytest.mark.parametrize("text, expected", [
    ("12", 12.0), ("12.5", 12.5), ("-3", -3.0), ("19.0%", 19.0), ("1,234", 1234.0), ("1,234.5", 1234.5),
    ("12,5", 12.5), ("1 234", 1234.0), (" 7 ", 7.0), (3, 3.0), (2.5, 2.5), ("1e3", 1000.0),
])
def test_numbers_are_read_with_percent_signs_thousands_separators_and_decimal_commas(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text, message", [
    ("n/a", "“n/a” is not a number."), ("", "This is empty"), ("nan", "is not a number"),
    ("inf", "is not a number"), ("=SUM(A1:A3)", "is a spreadsheet formula"), (True, "is not a number"),
    (float("inf"), "is not a number"),
])
def test_things_that_are_not_numbers_are_refused(text, message):
    with pytest.raises(CellError, match=message):
        parse_number(text)


def test_tab_separated_text_pasted_from_excel_with_a_header():
    result = parse_text("Week\tFalls\n06/01/2025\t3\n13/01/2025\t5\n", proportion=False)
    assert [(r.row, r.period, r.value) for r in result.rows] == [(1, date(2025, 1, 6), 3.0),
                                                                 (2, date(2025, 1, 13), 5.0)]


def test_text_without_a_header_starts_at_the_first_row():
    result = parse_text("06/01/2025,3\n13/01/2025,5", proportion=False)
    assert [r.row for r in result.rows] == [1, 2]


def test_semicolons_with_decimal_commas():
    result = parse_text("Datum;Wert\n06/01/2025;12,5\n", proportion=False)
    assert result.rows[0].value == 12.5


def test_quoted_thousands_in_a_comma_separated_file():
    result = parse_text('Week,Bed days\n06/01/2025,"1,234"\n', proportion=False)
    assert result.rows[0].value == 1234.0


def test_title_rows_above_the_header_are_skipped():
    text = "Falls on Ward 7\nExported 1 March 2025\n\nWeek,Falls\n06/01/2025,3\n13/01/2025,4\n"
    result = parse_text(text, proportion=False)
    assert result.errors == [] and [r.row for r in result.rows] == [1, 2]


def test_a_bad_date_in_the_first_row_without_a_header_is_an_error_not_a_header():
    result = parse_text("32/01/2025,3\n06/02/2025,4", proportion=False)
    assert [(e.row, e.column) for e in result.errors] == [(1, "period")]


def test_three_columns_for_a_proportion():
    result = parse_text("Month\tYes\tAll\nApr-24\t42\t59\n", proportion=True)
    assert (result.rows[0].numerator, result.rows[0].denominator) == (42.0, 59.0)


def test_a_proportion_row_missing_its_denominator_is_refused():
    result = parse_text("Apr-24,42\n", proportion=True)
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (1, "denominator", "This is empty. Enter a number.")]


def test_extra_columns_are_refused_rather_than_guessed():
    result = parse_text("06/01/2025,3,4\n", proportion=False)
    assert result.errors[0].message == "This row has more columns than this measure uses (date, value)."


def test_one_column_only_is_explained():
    result = parse_text("06/01/2025 3\n", proportion=False)
    assert "Only one column was found" in result.errors[0].message


def test_every_bad_row_is_listed_not_just_the_first():
    result = parse_text("Week,Falls\n06/01/2025,x\nsoon,4\n20/01/2025,\n", proportion=False)
    assert [(e.row, e.column) for e in result.errors] == [(1, "value"), (2, "period"), (3, "value")]
    assert not result.ok


def test_empty_input_and_a_header_alone_are_refused():
    assert parse_text("", proportion=False).errors[0].message.startswith("There is no data to read")
    assert parse_text("Week,Falls\n", proportion=False).errors[0].row is None


def test_blank_rows_in_the_middle_are_skipped_but_keep_the_row_numbers_people_see():
    result = parse_text("Week,Falls\n06/01/2025,3\n,\n20/01/2025,x\n", proportion=False)
    assert [r.row for r in result.rows] == [1]
    assert [(e.row, e.column) for e in result.errors] == [(3, "value")]


def test_more_rows_than_allowed_are_refused_as_a_whole():
    text = "\n".join("06/01/2025,1" for _ in range(MAX_ROWS + 1))
    result = parse_text(text, proportion=False)
    assert result.rows == [] and "up to 10,000" in result.errors[0].message


def test_a_file_that_is_not_csv_or_not_a_workbook_is_refused():
    assert "not a CSV file" in parse_csv(b"PK\x03\x04\x00\x00junk", proportion=False).errors[0].message
    assert "could not be read as an Excel workbook" in parse_xlsx(b"not a zip", proportion=False).errors[0].message


def test_windows_1252_csv_is_read():
    result = parse_csv("Week,Falls £\r\n06/01/2025,3\r\n".encode("cp1252"), proportion=False)
    assert result.rows[0].value == 3.0


def _workbook(rows, number_format=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if number_format:
        for cell in sheet["B"][1:]:
            cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_percentage_cells_are_read_as_the_percentage_shown():
    data = _workbook([["Week", "Compliance"], [datetime(2025, 1, 6), 0.875]], number_format="0.0%")
    assert parse_xlsx(data, proportion=False).rows[0].value == 87.5


def test_excel_text_dates_and_title_rows_are_handled():
    data = _workbook([["Sepsis audit"], [], ["Week", "Minutes"], ["06/01/2025", 45], ["13/01/2025", "n/a"]])
    result = parse_xlsx(data, proportion=False)
    assert [r.value for r in result.rows] == [45.0]
    assert [(e.row, e.column) for e in result.errors] == [(2, "value")]


def test_rows_written_back_as_text_read_to_the_same_values():
    rows = parse_text("Apr-24,42,59\nMay-24,0.1,3\n", proportion=True).rows
    assert parse_text(to_text(rows, proportion=True), proportion=True).rows == rows


def test_excels_unicode_text_export_is_read_as_tab_separated_utf16():
    from impact_tracker.measures.importers import parse_csv

    data = "Week\tFalls\r\n05/01/2026\t3\r\n12/01/2026\t4\r\n".encode("utf-16")
    result = parse_csv(data, proportion=False)
    assert not result.errors
    assert [(row.period.isoformat(), row.value) for row in result.rows] == [("2026-01-05", 3.0), ("2026-01-12", 4.0)]
