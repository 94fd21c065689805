"""Uploads people really make by mistake: empty, huge, a picture, broken CSV or XLSX, odd encodings.

Each is either read (a preview to confirm, nothing saved yet) or refused with a message that says what to do,
and never saves anything or fails with a server error.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest
from openpyxl import Workbook

from impact_tracker.capability.models import TrainingTier

from . import world
from .html_forms import heading, main_text, shows_error
from .pages import watched

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _measure_rows(proportion: bool) -> list[list[str]]:
    header = ["Week", "Falls (numerator)", "Bed days"] if proportion else ["Week", "Falls"]
    values = [["05/01/2026", "3", "40"], ["12/01/2026", "4", "41"]] if proportion else \
        [["05/01/2026", "3"], ["12/01/2026", "4"]]
    return [header, *values]


def _csv(rows: list[list[str]]) -> str:
    return "\r\n".join(",".join(row) for row in rows) + "\r\n"


def _measure_upload(proportion: bool) -> dict[str, tuple[str, bytes, str]]:
    """Upload cases for a measure: (file name, bytes, what should happen: 'preview' or 'refused')."""
    text = _csv(_measure_rows(proportion))
    workbook = _xlsx(_measure_rows(proportion))
    return {
        "empty": ("data.csv", b"", "refused"),
        "huge": ("data.csv", text.encode() * (6 * 1024 * 1024 // len(text)), "too large"),
        "png-named-csv": ("data.csv", PNG, "refused"),
        "png-named-xlsx": ("data.xlsx", PNG, "refused"),
        "wrong-type": ("data.pdf", b"%PDF-1.7\n", "refused"),
        "unbalanced-quotes": ("data.csv", b'Week,Falls\n"05/01/2026,3\n12/01/2026,"4\n', "refused"),
        "nul-bytes": ("data.csv", text.encode().replace(b",", b"\x00,"), "refused"),
        "truncated-xlsx": ("data.xlsx", workbook[: len(workbook) // 2], "refused"),
        "zip-not-xlsx": ("data.xlsx", _zip_of_nothing(), "refused"),
        "utf-16": ("data.csv", text.encode("utf-16"), "preview"),  # Excel's "Unicode text"
        "windows-1252": ("data.csv", text.replace("Week", "Week £ é").encode("cp1252"), "preview"),
        "byte-order-mark": ("data.csv", text.encode("utf-8-sig"), "preview"),
        "xlsx": ("data.xlsx", workbook, "preview"),
    }


def _zip_of_nothing() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def _records_upload(tier: str) -> dict[str, tuple[str, bytes, str]]:
    text = f"Person,Tier,Course,Completed\r\nSTAFF-0001,{tier},Café QI basics,2026-01-05\r\n"
    return {
        "empty": ("records.csv", b"", "refused"),
        "huge": ("records.csv", text.encode() * (6 * 1024 * 1024 // len(text)), "too large"),
        "png-named-csv": ("records.csv", PNG, "refused"),
        "xlsx-not-allowed": ("records.xlsx", _xlsx([["STAFF-0001", tier, "QI", "2026-01-05"]]), "refused"),
        "unbalanced-quotes": ("records.csv", f'STAFF-0001,"{tier},QI,2026-01-05\r\n'.encode(), "refused"),
        "nul-bytes": ("records.csv", text.replace(",", "\x00,").encode(), "refused"),
        "carriage-returns-only": ("records.csv", text.replace("\r\n", "\r").encode(), "preview"),
        "utf-16": ("records.csv", text.encode("utf-16"), "preview"),
        "windows-1252": ("records.csv", text.encode("cp1252"), "preview"),
        "byte-order-mark": ("records.csv", text.encode("utf-8-sig"), "preview"),
    }


MEASURE_CASES = sorted(_measure_upload(False))
RECORD_CASES = sorted(_records_upload("Awareness"))


@pytest.mark.parametrize("case", MEASURE_CASES)
def test_a_measure_data_upload_is_previewed_or_refused_clearly(case, fuzz_app, lead_client):
    with fuzz_app.app_context():
        measure = world.measure()
        url, proportion = f"/measures/{measure.id}/points/upload", measure.is_proportion
    filename, content, expected = _measure_upload(proportion)[case]
    answer = watched(fuzz_app, lambda: _upload(lead_client, url, filename, content))
    _check(fuzz_app, answer, expected, preview_heading="Check the data before saving")


@pytest.mark.parametrize("case", RECORD_CASES)
def test_a_training_records_upload_is_previewed_or_refused_clearly(case, fuzz_app, lead_client):
    with fuzz_app.app_context():
        tiers = world.organisation_rows(TrainingTier)
        # The form fuzzing renames the first tier to junk; the others keep their plain names.
        tier = next(tier.name for tier in tiers if re.fullmatch(r"[A-Za-z ]+", tier.name))
    filename, content, expected = _records_upload(tier)[case]
    answer = watched(fuzz_app, lambda: _upload(lead_client, "/capability/records/upload", filename, content))
    _check(fuzz_app, answer, expected, preview_heading="Check the records before saving")


def _upload(client, url: str, filename: str, content: bytes):
    """Post the file as a browser does, encoded here in memory (Werkzeug would spool a large body to a temporary
    file that nothing closes when the app refuses it unread)."""
    boundary = "fuzz-boundary-7d1c"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _check(app, answer, expected: str, *, preview_heading: str) -> None:
    response = answer.response
    html = response.get_data(as_text=True)
    assert response.status_code < 500, main_text(html)[:2000]
    assert answer.committed == [], f"an upload saved before it was confirmed: {answer.committed}"
    assert answer.changed_counts(app) == []
    if expected == "too large":
        assert response.status_code == 413
        assert heading(html) == "The file is too large"
        assert "Nothing has been saved" in main_text(html)
    elif expected == "preview":
        assert response.status_code == 200 and heading(html) == preview_heading, main_text(html)[:2000]
        assert "Café" in main_text(html) or "records" not in preview_heading
    else:
        assert response.status_code == 200 and shows_error(html), main_text(html)[:2000]
