"""Personal identity numbers: found in every spelling, masked, and not
confused with the other numbers minutes are full of."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from decisions.personal_data import (
    find_identity_numbers,
    luhn_check_digit,
    mask_identity_numbers,
)


def spellings(date: datetime.date, serial: int, *, coordination: bool = False):
    """Every usual spelling of the number for date and serial (three digits)."""
    day = date.day + (60 if coordination else 0)
    short = f"{date:%y%m}{day:02d}"
    nine = f"{short}{serial:03d}"
    check = luhn_check_digit(nine)
    tail = f"{serial:03d}{check}"
    full = f"{date.year // 100}{short}"
    return [
        f"{short}-{tail}",
        f"{short}{tail}",
        f"{full}-{tail}",
        f"{full}{tail}",
        f"{short} {tail}",
        f"{full} - {tail}",
    ]


def test_the_tax_agencys_example_is_found_in_running_text():
    text = "Klaganden, Anna Andersson (811218-9876), yrkar att beslutet upphävs."
    (hit,) = find_identity_numbers(text)
    assert hit.text == "811218-9876"
    assert hit.kind == "personnummer"
    assert text[hit.start : hit.end] == hit.text


def test_a_wrong_check_digit_or_date_is_no_hit():
    assert find_identity_numbers("811218-9875") == []
    assert find_identity_numbers("811318-9876") == []  # month 13
    assert find_identity_numbers("810230-1234") == []  # 30 February


def test_the_numbers_minutes_are_full_of_are_no_hits():
    text = (
        "Dnr KS 2016/2152, 1.1/2152/2016. Organisationsnummer 212000-1355. "
        "Kostnaden 4 500 000 kronor, 2024-11-25, § 113, konto 12345678901234."
    )
    assert find_identity_numbers(text) == []


dates = st.dates(
    min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2025, 12, 31)
)


@given(dates, st.integers(0, 999), st.booleans())
def test_every_spelling_of_a_valid_number_is_found(date, serial, coordination):
    for spelling in spellings(date, serial, coordination=coordination):
        hits = find_identity_numbers(f"Sökande: {spelling}, Storgatan 1.")
        assert [h.text for h in hits] == [spelling]
        assert hits[0].kind == ("samordningsnummer" if coordination else "personnummer")


@given(dates, st.integers(0, 999), st.integers(1, 9))
def test_any_other_check_digit_is_rejected(date, serial, offset):
    spelling = spellings(date, serial)[0]
    wrong = spelling[:-1] + str((int(spelling[-1]) + offset) % 10)
    assert find_identity_numbers(wrong) == []


@given(dates, st.integers(0, 999))
def test_masking_leaves_nothing_to_find_and_keeps_the_rest(date, serial):
    for spelling in spellings(date, serial):
        text = f"Beslut om {spelling} i ärende KS 2024/112."
        masked = mask_identity_numbers(text)
        assert find_identity_numbers(masked) == []
        assert len(masked) == len(text)
        assert masked.startswith("Beslut om ") and masked.endswith("KS 2024/112.")
        assert "X" * 4 in masked
