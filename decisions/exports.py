"""CSV of any list or search: the page's own address with ?format=csv.

Made for a spreadsheet in Sweden: UTF-8 with a byte order mark (Excel reads the
file as UTF-8 only with it) and semicolons between fields (Excel in a Swedish
locale, where the comma is the decimal sign, splits on semicolons). Every
cell is quoted, and one that a spreadsheet would run as a formula is written
as text (cell()). Streamed
row by row from a server-side cursor, so a search matching a million
paragraphs is never held in memory. Only published paragraphs are listed
(ParagrafQuerySet.published(), whatever list the page shows).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import translation

from .models import Paragraf, ParagrafQuerySet

FORMAT_PARAM = "format"
# Rows per round trip of the cursor.
CHUNK = 2000
HEADER = [
    "adress",
    "kommun",
    "nämnd",
    "datum",
    "paragraf",
    "rubrik",
    "dnr",
    "beslut",
    "reservation",
    "reserverande partier",
]


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"):
# a title "=HYPERLINK(...)" would otherwise run when the file is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """value as a spreadsheet shows it as text: one that would start a formula
    gets a leading apostrophe, which Excel and LibreOffice read as "text"."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get(FORMAT_PARAM) == "csv"


class _Line:
    """What csv.writer writes to: it hands back each formatted line."""

    def write(self, line: str) -> str:
        return line


def csv_response(
    request: HttpRequest, paragrafer: ParagrafQuerySet, filename: str
) -> StreamingHttpResponse:
    """Stream the published paragraphs of a list as CSV, in the list's order
    (newest first for one that has none, as a search's matches)."""
    if not paragrafer.query.order_by:
        paragrafer = paragrafer.newest()
    rows = (
        paragrafer.published()
        .select_related(None)
        .select_related("meeting__namnd__municipality", "arende")
        .prefetch_related(None)
        .only(
            "number",
            "title",
            "decision",
            "has_reservation",
            "reserving_parties",
            "meeting__date",
            "meeting__slug",
            "meeting__namnd_name",
            "meeting__municipality_name",
            "meeting__namnd__slug",
            "meeting__namnd__municipality__slug",
            "arende__dnr",
        )
    )
    response = StreamingHttpResponse(
        _lines(rows, settings.SITE_URL), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def table_response(
    header: list[str], rows: Iterable[list[Any]], filename: str
) -> StreamingHttpResponse:
    """Stream an index page's table (parties, people, cases, referrals) as
    CSV, written as csv_response() writes paragraphs."""
    writer = csv.writer(_Line(), delimiter=";", quoting=csv.QUOTE_ALL)

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(
                [cell("" if value is None else str(value)) for value in row]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _lines(rows: ParagrafQuerySet, site_url: str) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=";", quoting=csv.QUOTE_ALL)
    yield "\ufeff" + writer.writerow(HEADER)
    with translation.override(settings.LANGUAGE_CODE):
        for p in rows.iterator(chunk_size=CHUNK):
            yield writer.writerow([cell(value) for value in _row(p, site_url)])


def _row(p: Paragraf, site_url: str) -> list[str]:
    meeting = p.meeting
    return [
        site_url + p.get_absolute_url(),
        # The names on the meeting's date, as the minutes say.
        meeting.municipality_name,
        meeting.namnd_name,
        meeting.date.isoformat() if meeting.date else "",
        p.number,
        p.title,
        p.arende.dnr if p.arende else "",
        p.decision,
        "ja" if p.has_reservation else "nej",
        ", ".join(p.reserving_parties),
    ]
