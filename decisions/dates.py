"""Deadlines the law counts from the dates printed in minutes."""

from __future__ import annotations

from datetime import date, timedelta

import holidays

# Kommunallagen 13 kap. 5 §: an appeal must arrive within three weeks of the
# day the adjusted minutes were announced on the municipality's notice board.
APPEAL_PERIOD = timedelta(weeks=3)


def appeal_deadline(posted: date) -> date:
    """Return the last day to appeal a decision whose minutes were posted on `posted`.

    Lagen (1930:173) om beräkning av lagstadgad tid moves a deadline that falls
    on a Saturday, a Sunday, a public holiday, Midsummer Eve, Christmas Eve or
    New Year's Eve to the next weekday; python-holidays' "de_facto" category for
    Sweden is exactly those three eves.
    """
    day = posted + APPEAL_PERIOD
    closed = holidays.country_holidays(
        "SE", years=[day.year, day.year + 1], categories=("public", "de_facto")
    )
    while day.weekday() >= 5 or day in closed:
        day += timedelta(days=1)
    return day


def date_warnings(
    meeting: date | None, posted: date | None, *, today: date
) -> list[str]:
    """What is wrong with a protocol's dates, as a clerk is warned before
    publishing: a meeting that has not happened yet, minutes posted before
    the meeting they record (so the appeal period would start too early),
    and an appeal deadline that passed before the meeting was even held
    (a mistyped year, usually)."""
    found = []
    if meeting and meeting > today:
        found.append(f"sammanträdesdagen {meeting:%Y-%m-%d} har inte varit än")
    if meeting and posted and posted < meeting:
        found.append(
            f"anslaget {posted:%Y-%m-%d} är före sammanträdet {meeting:%Y-%m-%d}"
        )
        deadline = appeal_deadline(posted)
        if deadline < meeting:
            found.append(
                f"överklagandetiden skulle gå ut {deadline:%Y-%m-%d}, före "
                "sammanträdet; kontrollera anslagsdatumet"
            )
    return found
