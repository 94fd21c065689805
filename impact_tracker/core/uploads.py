"""Reading an uploaded text file whatever spreadsheet saved it."""

from __future__ import annotations

import codecs


def decode_text(data: bytes) -> str:
    """The text of an uploaded CSV or tab-separated file.

    Excel's "Unicode text" is UTF-16 with a byte-order mark; "CSV UTF-8" has a UTF-8 mark; older "CSV" files
    are Windows-1252, which any byte sequence decodes as, so it is the last resort.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # a mark but not UTF-16 after all: fall through to the byte-wise readings
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
