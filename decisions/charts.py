"""Small charts drawn on the server as SVG, readable without JavaScript.

Each chart is an <svg role="img"> with a <title> and a <desc> naming every
value, so a screen reader hears the numbers a sighted reader sees; the pages
print the same numbers as a table beside it. Pure functions, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# The widest a chart is drawn, and the room a year's bar gets when there are
# few: a chart is never drawn larger than its own units (max-width), so its
# labels stay the size of the text around it.
WIDTH = 600
YEAR_WIDTH = 60
HEIGHT = 160
BOTTOM = 20  # room for the year labels
TOP = 14  # room for the value above the tallest bar


def bars(
    counts: dict[int, int],
    *,
    title: str,
    unit: str,
    scale: Scale | None = None,
) -> SafeString:
    """A bar per year from the first to the last year in counts (missing years
    drawn as 0), each labelled with its value; "" when there is nothing.

    With `scale`, charts meant to be compared (a party beside another) share
    their years, their tallest value and their width: a bar of 10 is as high
    in every one of them."""
    if not counts:
        return SafeString("")
    first, last = (scale.first, scale.last) if scale else (min(counts), max(counts))
    years = list(range(first, last + 1))
    tallest = (scale.tallest if scale else max(counts.values())) or 1
    width = (
        scale.width
        if scale and scale.width
        else min(WIDTH, max(len(years) * YEAR_WIDTH, 4 * YEAR_WIDTH))
    )
    step = width / len(years)
    bar = max(step * 0.7, 1)
    plot = HEIGHT - BOTTOM - TOP
    # Label every year when they fit, else every fifth; two digits ("’24")
    # where four would run into the next.
    every = 1 if step >= 22 else 5
    short = step < 36
    parts = []
    for index, year in enumerate(years):
        n = counts.get(year, 0)
        height = plot * n / tallest
        x = index * step + (step - bar) / 2
        y = TOP + plot - height
        middle = f"{x + bar / 2:.1f}"
        part = (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}"/>'
        )
        if n:
            part += (
                f'<text x="{middle}" y="{y - 3:.1f}" class="chart__value">{n}</text>'
            )
        if year % every == 0 or len(years) == 1:
            part += (
                f'<text x="{middle}" y="{HEIGHT - 5}" class="chart__year">'
                f"{_year_label(year, short)}</text>"
            )
        # Numbers only: nothing here needs escaping.
        parts.append(mark_safe(f"<g>{part}</g>"))
    described = ", ".join(f"{year}: {counts.get(year, 0)}" for year in years)
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="{}" '
        'preserveAspectRatio="xMidYMid meet" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>'
        "{}</svg>",
        width,
        HEIGHT,
        width,
        title,
        gettext("%(unit)s per år: %(values)s.") % {"unit": unit, "values": described},
        format_html_join("", "{}", ((p,) for p in parts)),
        id=_chart_id(title),
    )


@dataclass(frozen=True)
class Scale:
    """What charts drawn to be compared share: the years, the tallest value,
    and a width small enough that their labels stay readable side by side."""

    first: int
    last: int
    tallest: int
    width: int | None = None

    @classmethod
    def of(cls, charts: Iterable[dict[int, int]], width: int | None = None) -> Scale:
        counts = [c for c in charts if c]
        years = [year for c in counts for year in c]
        values = [n for c in counts for n in c.values()]
        return cls(
            first=min(years, default=0),
            last=max(years, default=0),
            tallest=max(values, default=1),
            width=width,
        )


def _year_label(year: int, short: bool) -> str:
    return f"’{year % 100:02d}" if short else str(year)


def _chart_id(title: str) -> str:
    return "chart-" + "".join(c if c.isalnum() else "-" for c in title.lower())[:40]
