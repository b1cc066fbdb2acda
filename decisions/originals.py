"""The protocol as published, for download: the original file, or a public
version where the original holds what may not be published.

A meeting's file is offered as the municipality published it (PDF, DOCX or
text; Meeting.source_file, else the text as read) unless a paragraph of it
is confidential or withdrawn: then the original may hold the secret text
(minutes print a secret item's body in the version kept at the office), so
the download is written from the archive's own rows instead, every
published paragraph in full and the others by number, title and the law
they are withheld under. The pages say which of the two a reader gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.text import slugify

from .models import Meeting, Paragraf

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text": "text/plain; charset=utf-8",
}


@dataclass
class Download:
    """What the meeting's download is, for its link."""

    public_version: bool
    format: str


def download_of(meeting: Meeting, withheld: bool | None = None) -> Download:
    """Whether the meeting's download is the original or a public version,
    and in what format. `withheld`: whether a paragraph of the meeting is
    confidential or withdrawn, where the caller knows (the § page asks it
    with its paragraph); else one query asks."""
    if withheld is None:
        withheld = meeting.paragrafer.filter(confidential=True).exists()
    if withheld:
        return Download(public_version=True, format="text")
    return Download(
        public_version=False,
        format=meeting.source_format if meeting.source_file else "text",
    )


def download_response(meeting: Meeting) -> HttpResponseBase:
    """The download itself, as download_of() describes it."""
    download = download_of(meeting)
    stem = meeting.source_name.rpartition(".")[0] or meeting.source_name or "protokoll"
    if download.public_version:
        response = HttpResponse(
            public_version(meeting), content_type=CONTENT_TYPES["text"]
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{_ascii(stem)}-offentlig-version.txt"'
        )
        return response
    if meeting.source_file and default_storage.exists(meeting.source_file.name):
        return FileResponse(
            default_storage.open(meeting.source_file.name, "rb"),
            as_attachment=True,
            filename=meeting.source_name,
            content_type=CONTENT_TYPES.get(
                meeting.source_format, "application/octet-stream"
            ),
        )
    response = HttpResponse(meeting.source_text, content_type=CONTENT_TYPES["text"])
    response["Content-Disposition"] = f'attachment; filename="{_ascii(stem)}.txt"'
    return response


def public_version(meeting: Meeting) -> str:
    """The meeting's minutes written from the archive: its heading, each
    published paragraph in full, each withheld one by number and title."""
    lines = [
        f"{meeting.municipality_name}",
        f"{meeting.namnd_name}",
        f"Sammanträde {meeting.date_label}",
        "",
        "Offentlig version från Öppna beslut. Protokollet har paragrafer som "
        "omfattas av sekretess eller har återkallats; deras innehåll finns "
        "inte här.",
        "",
    ]
    rows = Paragraf.objects.filter(meeting=meeting).order_by("position")
    for p in rows.select_related("arende").defer("search_terms"):
        if p.withdrawn_at:
            # As lists show it (includes/paragraf_label.html): no title.
            lines += [f"§ {p.number} Återkallad", ""]
            continue
        lines.append(f"§ {p.number} {p.title}")
        if p.confidential:
            ground = f" enligt {p.secrecy_ground}" if p.secrecy_ground else ""
            lines += [f"Sekretess{ground}. Innehållet publiceras inte.", ""]
            continue
        if p.arende_id:
            lines.append(f"Dnr {p.arende.dnr}")
        lines += ["", p.text or p.decision, ""]
    return "\n".join(lines).rstrip() + "\n"


def _ascii(name: str) -> str:
    """A file name safe in a header: letters, digits and dashes."""
    return slugify(name) or "protokoll"
