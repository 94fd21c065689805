"""Spotting text that looks like patient-identifiable information."""

import pytest

from impact_tracker.core.pii import WHY_NOT_STORED, find_pii

NHS = "It contains a 10-digit number that could be an NHS number."
DOB = "It contains what looks like a date of birth."
POSTCODE = "It contains what looks like a postcode."


@pytest.mark.parametrize(
    "text",
    ["Patient 9434765919 fell", "NHS no 943 476 5919", "ref 943-476-5919.", "(4010232137)"],
)
def test_nhs_number_like_digits_are_flagged(text):
    assert find_pii(text) == [NHS]


@pytest.mark.parametrize(
    "text",
    ["DOB 12/03/1950", "d.o.b: 1/3/50", "Date of birth 12-03-1950", "born on 3 March 1950", "dob 3rd March, 1950"],
)
def test_dates_of_birth_are_flagged(text):
    assert find_pii(text) == [DOB]


@pytest.mark.parametrize("text", ["lives at LS1 4AP", "ls14ap", "SW1A 1AA area", "visit to M1 1AE", "EC1A 1BB"])
def test_postcodes_are_flagged(text):
    assert find_pii(text) == [POSTCODE]


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "New falls bundle introduced on ward 7 from 12/03/2025",
        "Staffing 23 of 25 shifts; 1234 beds; 12345678901 looks like a phone number",
        "PDSA 3 started, 45% compliance, target 95%",
        "Audit of 120 notes in week 14",
    ],
)
def test_ordinary_improvement_notes_are_not_flagged(text):
    assert find_pii(text) == []


def test_several_kinds_give_one_warning_each_in_a_fixed_order():
    text = "Mr X, DOB 01/02/1940, LS1 4AP, NHS 943 476 5919 and 9434765919"
    assert find_pii(text) == [NHS, DOB, POSTCODE]


def test_the_explanation_says_why_it_must_not_be_stored():
    assert "never details about a person" in WHY_NOT_STORED
