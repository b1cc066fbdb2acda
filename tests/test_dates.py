"""The appeal deadline printed on meeting pages (no database needed)."""

from datetime import date

import pytest

from decisions.dates import appeal_deadline


@pytest.mark.parametrize(
    ("posted", "deadline"),
    [
        # Three weeks to the day, a Tuesday.
        (date(2016, 9, 13), date(2016, 10, 4)),
        # Three weeks end on a Saturday: the next Monday.
        (date(2024, 3, 2), date(2024, 3, 25)),
        # ... on Midsummer Eve (Friday 19 June 2026): the next Monday.
        (date(2026, 5, 29), date(2026, 6, 22)),
        # ... on Christmas Eve 2025 (Wednesday): not Christmas Day or
        # Boxing Day, nor the weekend, but Monday 29 December.
        (date(2025, 12, 3), date(2025, 12, 29)),
        # ... on New Year's Eve 2026 (Thursday): past New Year's Day, a
        # Friday, and the weekend, to Monday 4 January 2027.
        (date(2026, 12, 10), date(2027, 1, 4)),
        # ... on Ascension Day 2025 (Thursday 29 May): Friday.
        (date(2025, 5, 8), date(2025, 5, 30)),
    ],
)
def test_it_is_three_weeks_after_posting_moved_past_closed_days(posted, deadline):
    assert appeal_deadline(posted) == deadline
