"""Reading pasted text, CSV and XLSX into dated values, with row-by-row errors a ward clerk can act on.

Pure: no Flask, no database. The rules that need the measure's saved data (numerator above denominator,
duplicates, which rows replace a value) live in services/data.py, so every way in shares them.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from ..core.uploads import decode_text

MAX_ROWS = 10_000

COLUMN_LABELS = {"period": "date", "value": "value", "numerator": "numerator", "denominator": "denominator"}

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,? )?"
_LONG = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([a-z]+)\.?,?[ \-](\d{2}|\d{4})")
_MONTH_LABEL = re.compile(r"([a-z]+)\.?[ \-/']+(\d{2}|\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:[, \u00a0\u202f]\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_SPACES = "\ufeff\u00a0\u202f"

DATE_HELP = "Use a date like 06/01/2025, 2025-01-06 or 6 January 2025, or a month like Apr-24."


@dataclass(frozen=True)
class ParsedRow:
    """One data row read from the input: `row` counts data rows after the header, from 1."""

    row: int
    period: date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class RowError:
    """Why one row (or, with row None, the whole input) cannot be used."""

    row: int | None
    column: str | None
    message: str

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS.get(self.column or "", "")


@dataclass
class ParseResult:
    """The rows that could be read and the errors for those that could not."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class CellError(ValueError):
    """A cell that is not what its column needs; the message is the reason in plain words."""


def parse_period(cell) -> date:
    """A date from a cell: date or datetime objects, ISO, UK day-first, long dates or month labels.

    Month labels ("Apr-24", "April 2024", "2024-04") mean the first of the month. Raises CellError.
    """
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    text = _clean(cell).lower()
    if not text:
        raise CellError("The date is missing.")
    if _PLAIN_NUMBER.fullmatch(text):
        raise CellError(f"“{_clean(cell)}” is a number, not a date. {DATE_HELP}")
    found = _match_date(text)
    if found is None:
        raise CellError(f"“{_clean(cell)}” is not a date we recognise. {DATE_HELP}")
    return _real_date(*found, original=_clean(cell))


def _match_date(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) from the first date pattern the text matches, else None."""
    if m := _ISO.fullmatch(text):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _DAY_FIRST.fullmatch(text):
        return _full_year(m[3]), int(m[2]), int(m[1])
    if (m := _LONG.fullmatch(text)) and m[2] in _MONTHS:
        return _full_year(m[3]), _MONTHS[m[2]], int(m[1])
    if (m := _MONTH_LABEL.fullmatch(text)) and m[1] in _MONTHS:
        return _full_year(m[2]), _MONTHS[m[1]], 1
    if m := _ISO_MONTH.fullmatch(text):
        return int(m[1]), int(m[2]), 1
    return None


def _full_year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _real_date(year: int, month: int, day: int, *, original: str) -> date:
    if not 1900 <= year <= 2100:
        raise CellError(f"The year in “{original}” does not look right.")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(
            f"“{original}” is not a real date. Dates are read day first: 06/01/2025 is 6 January 2025."
        ) from None


def parse_number(cell) -> float:
    """A number from a cell: allows a % sign, thousands separators and a decimal comma. Raises CellError."""
    if isinstance(cell, bool | date):
        raise CellError(f"“{cell}” is not a number.")
    if isinstance(cell, int | float):
        return _finite(float(cell), str(cell))
    text = _clean(cell)
    if not text:
        raise CellError("This is empty. Enter a number.")
    bare = text.removesuffix("%").strip()
    if _PLAIN_NUMBER.fullmatch(bare):
        return _finite(float(bare), text)
    if _THOUSANDS.fullmatch(bare):
        return _finite(float(re.sub(r"[, \u00a0\u202f]", "", bare)), text)
    if _DECIMAL_COMMA.fullmatch(bare):
        return _finite(float(bare.replace(",", ".")), text)
    if text.startswith(("=", "+", "@")):
        raise CellError(f"“{text}” is a spreadsheet formula, not a number. Paste the values instead.")
    raise CellError(f"“{text}” is not a number.")


def _finite(number: float, original: str) -> float:
    if not math.isfinite(number):
        raise CellError(f"“{original}” is not a number.")
    return number


def _clean(cell) -> str:
    text = "" if cell is None else str(cell)
    for character in _SPACES:
        text = text.replace(character, " ")
    return text.strip()


def parse_text(text: str, *, proportion: bool) -> ParseResult:
    """Rows from pasted text: tab, comma or semicolon separated, an optional header and title rows."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    delimiter = _delimiter(lines)
    return parse_cells(csv.reader(lines, delimiter=delimiter), proportion=proportion)


def _delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines[:50])
    for candidate in ("\t", ";"):
        if candidate in sample:
            return candidate
    return ","


def parse_csv(data: bytes, *, proportion: bool) -> ParseResult:
    """Rows from an uploaded CSV file (UTF-8 with or without a byte-order mark, UTF-16 text, or Windows-1252)."""
    text = decode_text(data)
    if "\x00" in text:
        return _whole_file("This file is not a CSV file. Save it from your spreadsheet as CSV, or upload the .xlsx.")
    return parse_text(text, proportion=proportion)


def parse_xlsx(data: bytes, *, proportion: bool) -> ParseResult:
    """Rows from the first worksheet of an .xlsx file; Excel date cells are dates, percentage cells are per cent."""
    from openpyxl import load_workbook  # imported here: only uploads need it, and it is slow to import

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return _whole_file("This file could not be read as an Excel workbook (.xlsx). Check the file, or save "
                           "it as CSV and upload that.")
    try:
        rows = [[_xlsx_cell(cell) for cell in row] for row in book.worksheets[0].iter_rows()]
    finally:
        book.close()
    return parse_cells(rows, proportion=proportion)


def _xlsx_cell(cell):
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return round(value * 100, 10)
    return value


def _whole_file(message: str) -> ParseResult:
    return ParseResult(errors=[RowError(None, None, message)])


def parse_cells(rows: Iterable[list], *, proportion: bool) -> ParseResult:
    """Rows from a grid of cells: skips title rows and the header, then reads each data row."""
    grid = [list(row) for row in rows]
    start = _first_data_row(grid)
    body = _trim_trailing_blanks(grid[start:])
    if not body:
        return _whole_file("There is no data to read. Each row needs a date and "
                           + ("a numerator and a denominator." if proportion else "a value."))
    if len(body) > MAX_ROWS:
        return _whole_file(f"There are {len(body):,} rows; up to {MAX_ROWS:,} can be added at once.")
    result = ParseResult()
    for number, cells in enumerate(body, start=1):
        if any(_filled(cell) for cell in cells):
            _read_row(result, number, cells, proportion)
    return result


def _first_data_row(grid: list[list]) -> int:
    """Index of the first data row: title rows (fewer than two cells filled) and a header row are skipped.

    With no row of two or more cells at all, the data starts at the first filled row, so that each row is
    reported (as having only one column) rather than the whole input being taken for titles.
    """
    for index, cells in enumerate(grid):
        filled = [cell for cell in cells if _filled(cell)]
        if len(filled) >= 2 or (filled and _is_period(cells[0])):
            return index if _is_period(cells[0]) or _is_number(_at(cells, 1)) else index + 1
    return next((index for index, cells in enumerate(grid) if any(_filled(c) for c in cells)), len(grid))


def _trim_trailing_blanks(rows: list[list]) -> list[list]:
    while rows and not any(_filled(cell) for cell in rows[-1]):
        rows = rows[:-1]
    return rows


def _read_row(result: ParseResult, number: int, cells: list, proportion: bool) -> None:
    columns = ("period", "numerator", "denominator") if proportion else ("period", "value")
    errors = _shape_errors(number, cells, columns)
    read: dict[str, object] = {}
    for index, column in enumerate(columns):
        try:
            read[column] = parse_period(_at(cells, 0)) if index == 0 else parse_number(_at(cells, index))
        except CellError as err:
            errors.append(RowError(number, column, str(err)))
    if errors:
        result.errors.extend(errors)
    else:
        result.rows.append(ParsedRow(row=number, **read))


def _shape_errors(number: int, cells: list, columns: tuple[str, ...]) -> list[RowError]:
    filled = [index for index, cell in enumerate(cells) if _filled(cell)]
    if len(filled) == 1 and len(cells) == 1:
        wanted = " and ".join(COLUMN_LABELS[c] for c in columns)
        return [RowError(number, columns[1], f"Only one column was found. Each row needs the {wanted} in "
                                             "separate columns (copy them from a spreadsheet, or separate them "
                                             "with commas).")]
    if filled and filled[-1] >= len(columns):
        wanted = ", ".join(COLUMN_LABELS[c] for c in columns)
        return [RowError(number, None, f"This row has more columns than this measure uses ({wanted}).")]
    return []


def _at(cells: list, index: int):
    return cells[index] if index < len(cells) else None


def _filled(cell) -> bool:
    return cell is not None and _clean(cell) != ""


def _is_period(cell) -> bool:
    try:
        parse_period(cell)
    except CellError:
        return False
    return True


def _is_number(cell) -> bool:
    try:
        parse_number(cell)
    except CellError:
        return False
    return True


def to_text(rows: list[ParsedRow], *, proportion: bool) -> str:
    """Rows written back as plain tab-separated text (ISO dates) that parse_text reads to the same rows."""
    lines = []
    for row in rows:
        numbers = (row.numerator, row.denominator) if proportion else (row.value,)
        lines.append("\t".join([row.period.isoformat(), *(repr(n) for n in numbers)]))
    return "\n".join(lines)
