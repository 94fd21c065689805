"""Spotting text that looks like patient-identifiable information, so forms can warn before saving it."""

from __future__ import annotations

import re

WHY_NOT_STORED = (
    "IMPACT Tracker holds counts and rates, never details about a person. Patient-identifiable information "
    "must stay in clinical systems, where access is controlled and audited; anyone in your organisation "
    "who can see this project could read it here."
)

_NHS_NUMBER = re.compile(r"(?<![\d-])(?:\d{10}|\d{3}[ -]\d{3}[ -]\d{4})(?![\d-])")
_DATE = r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)? [A-Za-z]{3,9},? \d{4}"
_DATE_OF_BIRTH = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*[:\-]?\s*(?:{_DATE})", re.IGNORECASE
)
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}\b", re.IGNORECASE)

_CHECKS = (
    (_NHS_NUMBER, "It contains a 10-digit number that could be an NHS number."),
    (_DATE_OF_BIRTH, "It contains what looks like a date of birth."),
    (_POSTCODE, "It contains what looks like a postcode."),
)


def find_pii(text: str | None) -> list[str]:
    """Plain-English warnings for anything in `text` that looks like patient-identifiable information.

    Looks for NHS-number-like 10-digit numbers (also spaced 3-3-4), dates of birth ("DOB 12/03/1950",
    "born 3 March 1950") and UK postcodes. Returns one warning per kind found, or an empty list. Never raises.
    """
    if not text:
        return []
    return [warning for pattern, warning in _CHECKS if pattern.search(text)]
