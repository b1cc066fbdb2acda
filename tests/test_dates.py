"""The appeal deadline printed on meeting pages, and the dates a clerk is
warned of before publishing (no database needed)."""

from datetime import date

import pytest

from decisions.dates import appeal_deadline, date_warnings

TODAY = date(2026, 12, 7)


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


def test_ordinary_dates_give_no_warning():
    assert date_warnings(date(2024, 5, 21), date(2024, 5, 28), today=TODAY) == []
    # Adjusted at the meeting (omedelbar justering) and posted the same day.
    assert date_warnings(date(2024, 5, 21), date(2024, 5, 21), today=TODAY) == []
    assert date_warnings(None, None, today=TODAY) == []
    assert date_warnings(TODAY, None, today=TODAY) == []


def test_a_meeting_not_held_yet_is_warned_of():
    assert date_warnings(date(2027, 1, 14), None, today=TODAY) == [
        "sammanträdesdagen 2027-01-14 har inte varit än"
    ]


def test_minutes_posted_before_the_meeting_are_warned_of():
    assert date_warnings(date(2024, 5, 21), date(2024, 5, 20), today=TODAY) == [
        "anslaget 2024-05-20 är före sammanträdet 2024-05-21"
    ]


def test_an_appeal_deadline_before_the_meeting_is_warned_of():
    found = date_warnings(date(2024, 5, 21), date(2019, 5, 28), today=TODAY)
    assert found == [
        "anslaget 2019-05-28 är före sammanträdet 2024-05-21",
        "överklagandetiden skulle gå ut 2019-06-18, före sammanträdet; "
        "kontrollera anslagsdatumet",
    ]
