"""A clerk's way from a protocol file to published minutes: upload, check and
correct the draft, clear its personal data, publish.

A draft (models.Upload) holds the parsed protocol as data, outside every table
the public site reads, so nothing of it can show anywhere before publishing;
publishing writes the whole protocol in one transaction, the way ingest does
(services.protocol_write), or nothing. Every step the clerk takes is in the
admin's log (LogEntry), which clerks cannot edit.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from .. import dates, sandbox
from ..guard import (
    Finding,
    Names,
    PersonalDataError,
    guard,
    lines,
    map_strings,
)
from ..models import Meeting, Member, Namnd, Upload
from ..parser import (
    ParsedMember,
    ParsedParagraf,
    ParsedProtocol,
    ParseError,
    protocol_from_data,
    protocol_to_data,
)
from ..parser.control import without_control
from ..personal_data import mask_identity_numbers
from .dump import schedule_archive_rebuild
from .ingest import (
    IngestError,
    lock_meeting,
    meeting_slug,
    protocol_texts,
    protocol_write,
    safe_file_name,
)

# What a masked name reads as, everywhere it was.
MASKED_NAME = "XXXX XXXX"


class UploadError(ValueError):
    """A file or a draft that cannot go on; the message names the file, and
    the line or field, and says what to do."""


def upload_protocol(
    *, user: Any, namnd: Namnd, meeting_date: Any, name: str, data: bytes
) -> Upload:
    """Read, parse and check a protocol file, and keep it as a draft.

    Refused, with nothing written: a file that cannot be read, the minutes of
    another board or meeting, and a file or meeting already uploaded or
    published. The file is stored (default storage) with the draft.
    """
    try:
        extracted, protocol = sandbox.read(data, name=name)
    except ParseError as error:
        raise UploadError(f"{name}: {error}") from error
    protocol.format = extracted.format
    for note in extracted.notes:
        protocol.warn(None, note)
    _check_matches(protocol, namnd=namnd, meeting_date=meeting_date, name=name)
    protocol.kommun, protocol.namnd = namnd.municipality.name, namnd.name
    protocol.meeting_date = meeting_date
    sha256 = hashlib.sha256(data).hexdigest()
    _check_not_there(namnd, meeting_date, sha256, name=name)
    upload = Upload(
        namnd=namnd,
        meeting_date=meeting_date,
        source_name=name,
        source_sha256=sha256,
        source_format=extracted.format,
        source_text=extracted.text,
        parsed=protocol_to_data(protocol),
        uploaded_by=user,
    )
    upload.file.save(
        f"{sha256[:16]}-{safe_file_name(name)}", ContentFile(data), save=False
    )
    try:
        with transaction.atomic():
            upload.save()
            _log(user, upload, ADDITION, f"Laddade upp {name}")
    except IntegrityError as error:
        # Another upload of the same file or meeting committed first.
        upload.file.delete(save=False)
        raise UploadError(
            f"{name}: protokollet för {namnd} {meeting_date:%Y-%m-%d} laddas redan "
            "upp, eller har laddats upp nyss; se listan över uppladdade protokoll"
        ) from error
    return upload


def _check_matches(
    protocol: ParsedProtocol, *, namnd: Namnd, meeting_date: Any, name: str
) -> None:
    """The text must be the chosen board's, of the chosen day, where it says."""
    if protocol.namnd and slugify(protocol.namnd) != namnd.slug:
        raise UploadError(
            f"{name}: protokollet är från {protocol.namnd}, inte {namnd.name}; "
            "välj rätt nämnd eller rätt fil"
        )
    kommun = protocol.kommun
    if kommun and slugify(kommun) != namnd.municipality.slug:
        raise UploadError(
            f"{name}: protokollet är från {kommun}, inte {namnd.municipality.name}"
        )
    found = protocol.meeting_date
    if found and found != meeting_date:
        raise UploadError(
            f"{name}: protokollet gäller sammanträdet {found:%Y-%m-%d}, inte "
            f"{meeting_date:%Y-%m-%d}; välj rätt datum eller rätt fil"
        )


def _check_not_there(
    namnd: Namnd, meeting_date: Any, sha256: str, *, name: str
) -> None:
    same_file = Upload.objects.exclude(status=Upload.Status.DISCARDED).filter(
        source_sha256=sha256
    )
    if same_file.exists() or Meeting.objects.filter(source_sha256=sha256).exists():
        raise UploadError(f"{name}: samma fil är redan uppladdad eller publicerad")
    slug = meeting_slug(meeting_date, sha256)
    if Meeting.objects.filter(namnd=namnd, slug=slug).exists():
        raise UploadError(
            f"{name}: sammanträdet {namnd} {meeting_date:%Y-%m-%d} är redan "
            "publicerat; rätta det publicerade protokollet i stället"
        )
    if Upload.objects.filter(
        namnd=namnd, meeting_date=meeting_date, status=Upload.Status.DRAFT
    ).exists():
        raise UploadError(
            f"{name}: det finns redan ett utkast för {namnd} "
            f"{meeting_date:%Y-%m-%d}; publicera eller kassera det först"
        )


# -- personal data ---------------------------------------------------------------


@dataclass(frozen=True)
class Hit(Finding):
    """A finding of the guard in a draft, placed on its line of the text
    (where the preview marks it)."""

    line: int = 0


def personal_data(upload: Upload) -> list[Hit]:
    """What stops the draft from publishing until the clerk masks it, or
    confirms it is no personal data: identity numbers anywhere in the text
    or the parse (a corrected title too), and for a board with individual
    cases, names in its paragraphs (not the members who act in office).
    The guard (decisions.guard) decides; this places its findings on lines."""
    protocol = protocol_from_data(upload.parsed)
    source = upload.source_name
    texts = {**lines(upload.source_text, source=source), **protocol_texts(protocol)}
    found = _findings(texts, confirmed=upload.confirmed)
    if upload.namnd.handles_individual_cases:
        start = min((p.line for p in protocol.paragrafer), default=1)
        paragrafer = {
            key: value
            for key, value in texts.items()
            if _line(key, protocol) >= start and _about_the_case(key)
        }
        names = _names(upload, protocol)
        found |= _findings(paragrafer, confirmed=upload.confirmed, names=names)
    hits: dict[str, Hit] = {}
    for key, findings in sorted(found.items(), key=lambda kv: _line(kv[0], protocol)):
        for finding in findings:
            line = _line(key, protocol)
            hits.setdefault(finding.text, Hit(**vars(finding), line=line))
    return sorted(hits.values(), key=lambda hit: hit.line)


# The parts of a parsed paragraph where a name would be about the case, not
# a member acting in office (statements and votes list members).
_CASE_PARTS = (
    "title",
    "decision",
    "text",
    "procedure",
    "sections",
    "recipients",
    "attachments",
)


def _about_the_case(key: str) -> bool:
    """A line of the text, or a paragraph's part about its case."""
    paragraf = _PARAGRAF_KEY.fullmatch(key)
    if paragraf:
        return paragraf["part"] in _CASE_PARTS
    return not key.startswith("head.")


def _findings(
    texts: dict[str, tuple[str, Any]],
    *,
    confirmed: list[str],
    names: Names | None = None,
) -> dict[str, list[Finding]]:
    try:
        guard(texts, confirmed=confirmed, names=names)
    except PersonalDataError as error:
        return error.findings
    return {}


# The keys of services.protocol_texts() and guard.lines().
_PARAGRAF_KEY = re.compile(r"p(?P<index>\d+)\.(?P<part>\w+)")
_LINE_KEY = re.compile(r".*:(?P<line>\d+)")


def _line(key: str, protocol: ParsedProtocol) -> int:
    """The line a guard() key stands for: a line of the text ("name:12"), a
    paragraph's part ("p3.title": its paragraph's line), or the head (1)."""
    paragraf = _PARAGRAF_KEY.fullmatch(key)
    if paragraf:
        return protocol.paragrafer[int(paragraf["index"])].line
    line = _LINE_KEY.fullmatch(key)
    return int(line["line"]) if line else 1


def _names(upload: Upload, protocol: ParsedProtocol) -> Names:
    namnd = upload.namnd
    known = {a.name for a in protocol.attendance}
    known |= set(
        Member.objects.filter(municipality=namnd.municipality).values_list(
            "name", flat=True
        )
    )
    return Names(
        known=known, places={*namnd.municipality.name.split(), *namnd.name.split()}
    )


def mask(upload: Upload, hits: list[Hit], *, user: Any) -> None:
    """Replace the hits in every text of the draft: identity numbers digit by
    digit ("XXXXXX-XXXX"), names by MASKED_NAME. The unmasked text is kept
    nowhere, so it cannot reach the archive or its search index: the stored
    file becomes the masked text (a .txt), and the original file is deleted
    once this commits, so storage and its backups hold no number either.

    source_sha256 stays the original file's: it is what a second upload of
    that same file is recognised by (_check_not_there), and the meeting's
    address for undated minutes (meeting_slug) is derived from it.
    """
    numbers = any(hit.kind != "namn" for hit in hits)
    names = [hit.text for hit in hits if hit.kind == "namn"]
    pattern = (
        re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in names))
        if names
        else None
    )

    def masked(text: str) -> str:
        if numbers:
            text = mask_identity_numbers(text)
        return pattern.sub(MASKED_NAME, text) if pattern else text

    with transaction.atomic():
        upload = _draft(upload.pk)
        upload.source_text = masked(upload.source_text)
        upload.parsed = map_strings(upload.parsed, masked)
        original = upload.file.name
        stem = upload.source_name.rpartition(".")[0] or upload.source_name
        upload.file.save(
            f"{upload.source_sha256[:16]}-{safe_file_name(stem)}-maskerad.txt",
            ContentFile(upload.source_text.encode()),
            save=False,
        )
        upload.save(update_fields=["source_text", "parsed", "file"])
        shown = ", ".join(hit.shown for hit in hits)
        _log(user, upload, CHANGE, f"Maskerade {shown}")
        storage = upload.file.storage
        if original and original != upload.file.name:
            transaction.on_commit(lambda: storage.delete(original))


def confirm(upload: Upload, hits: list[Hit], *, user: Any) -> None:
    """Record the clerk's word that the hits are no personal data."""
    with transaction.atomic():
        upload = _draft(upload.pk)
        upload.confirmed = sorted({*upload.confirmed, *(hit.text for hit in hits)})
        upload.save(update_fields=["confirmed"])
        shown = ", ".join(hit.shown for hit in hits)
        _log(user, upload, CHANGE, f"Bekräftade att {shown} inte är personuppgifter")


# -- corrections, publishing -----------------------------------------------------


@dataclass
class Correction:
    """What a clerk may correct in one paragraph of a draft."""

    title: str
    dnr: str
    decision: str
    # One list of members per reservation, in order.
    reservations: list[list[ParsedMember]]


def correct(upload: Upload, corrections: dict[str, Correction], *, user: Any) -> None:
    """Apply corrections (by paragraph number) to the draft, and log what changed."""
    with transaction.atomic():
        upload = _draft(upload.pk)
        protocol = protocol_from_data(upload.parsed)
        changed = []
        for paragraf in protocol.paragrafer:
            fix = corrections.get(paragraf.number)
            if fix is None:
                continue
            before = (paragraf.title, paragraf.dnr, paragraf.decision)
            fix = _without_control(fix)
            _check_correction(upload, paragraf, fix)
            paragraf.title = fix.title
            paragraf.decision = fix.decision
            if fix.dnr != (paragraf.dnr or ""):
                rest = [d for d in paragraf.dnrs if d != paragraf.dnr]
                paragraf.dnrs = [fix.dnr, *rest] if fix.dnr else rest
            members_before = [r.members for r in paragraf.reservations]
            for reservation, members in zip(
                paragraf.reservations, fix.reservations, strict=True
            ):
                reservation.members = members
            now = (paragraf.title, paragraf.dnr, paragraf.decision)
            if before != now or members_before != fix.reservations:
                changed.append(f"§ {paragraf.number}")
        if not changed:
            return
        upload.parsed = protocol_to_data(protocol)
        upload.save(update_fields=["parsed"])
        _log(user, upload, CHANGE, f"Rättade {', '.join(changed)}")


def _without_control(fix: Correction) -> Correction:
    """A correction as typed, without control characters (the form removes
    them too; decisions.parser.control)."""
    return Correction(
        title=without_control(fix.title),
        dnr=without_control(fix.dnr),
        decision=without_control(fix.decision),
        reservations=[
            [
                ParsedMember(
                    without_control(m.name), m.party and without_control(m.party)
                )
                for m in members
            ]
            for members in fix.reservations
        ],
    )


def correction_texts(
    paragraf: ParsedParagraf, fix: Correction
) -> dict[str, tuple[str, Any]]:
    """What a correction would newly write, as guard() texts by form field."""
    where = f"§ {paragraf.number}"
    return {
        "title": (f"{where}, rubrik", fix.title),
        "dnr": (f"{where}, dnr", fix.dnr),
        "decision": (f"{where}, beslutstext", fix.decision),
        "reservations": (
            f"{where}, reservanter",
            [m.name for members in fix.reservations for m in members],
        ),
    }


def paragraf_texts(paragraf: ParsedParagraf) -> list[Any]:
    """A draft paragraph's texts as they are, before a correction."""
    return [
        paragraf.title,
        paragraf.dnrs,
        paragraf.decision,
        paragraf.text,
        [m.name for r in paragraf.reservations for m in r.members],
    ]


def _check_correction(
    upload: Upload, paragraf: ParsedParagraf, fix: Correction
) -> None:
    """A correction may not type an identity number in: refused, naming the
    field (names typed in show as the preview's hits, to mask or confirm)."""
    try:
        guard(
            correction_texts(paragraf, fix),
            confirmed=upload.confirmed,
            stored=paragraf_texts(paragraf),
        )
    except PersonalDataError as error:
        raise UploadError(f"{upload.source_name}: {error}") from error


def publish(upload: Upload, *, user: Any) -> Meeting:
    """Write the draft into the archive, all of it in one transaction.

    The draft is locked first: a second publish of it, by the same clerk in
    another tab or by a colleague, waits and then finds it published.
    """
    with transaction.atomic():
        upload = _draft(upload.pk)
        blocking = personal_data(upload)
        if blocking:
            shown = ", ".join(f"{hit.shown} (rad {hit.line})" for hit in blocking)
            raise UploadError(
                f"{upload.source_name}: kan innehålla personuppgifter: {shown}; "
                "maskera eller bekräfta dem innan du publicerar"
            )
        protocol = protocol_from_data(upload.parsed)
        slug = meeting_slug(protocol.meeting_date, upload.source_sha256)
        # An ingest of the same meeting writes it or waits: no other writer
        # can slip in between this check and the write.
        lock_meeting(upload.namnd, slug)
        if Meeting.objects.filter(namnd=upload.namnd, slug=slug).exists():
            raise UploadError(
                f"{upload.source_name}: sammanträdet är redan publicerat; "
                "kassera utkastet"
            )
        try:
            result = protocol_write(
                protocol=protocol,
                text=upload.source_text,
                sha256=upload.source_sha256,
                confirmed=upload.confirmed,
                # The file as uploaded (or as masked: mask() replaced it).
                source_file=upload.file.name,
            )
        except IngestError as error:
            raise UploadError(f"{upload.source_name}: {error}") from error
        assert result.meeting is not None  # written: no dry run
        upload.status = Upload.Status.PUBLISHED
        upload.published_at = timezone.now()
        upload.meeting = result.meeting
        upload.save(update_fields=["status", "published_at", "meeting"])
        _log(
            user,
            upload,
            CHANGE,
            "Publicerade 1 paragraf"
            if len(protocol.paragrafer) == 1
            else f"Publicerade {len(protocol.paragrafer)} paragrafer",
        )
        schedule_archive_rebuild()
    return result.meeting


def discard(upload: Upload, *, user: Any) -> None:
    """Drop a draft; its file goes, its log lines stay."""
    with transaction.atomic():
        upload = _draft(upload.pk)
        upload.status = Upload.Status.DISCARDED
        upload.save(update_fields=["status"])
        _log(user, upload, CHANGE, "Kasserade utkastet")
        transaction.on_commit(lambda: upload.file.delete(save=False))


def _draft(pk: int) -> Upload:
    """The draft, locked until the transaction ends; refused once it is none.

    Only the draft's row: locking its board's too (FOR UPDATE covers every
    joined table) would hold up every ingest of that board, whose foreign
    keys are checked against the board's row at commit, and deadlock one that
    the publish then waits for.
    """
    upload = (
        Upload.objects.select_for_update(of=("self",))
        .select_related("namnd")
        .get(pk=pk)
    )
    if upload.status != Upload.Status.DRAFT:
        raise UploadError(
            f"{upload.source_name}: protokollet är redan "
            f"{upload.get_status_display().lower()}"
        )
    return upload


def _log(user: Any, upload: Upload, flag: int, message: str) -> None:
    LogEntry.objects.log_actions(
        user.pk, [upload], flag, change_message=message, single_object=True
    )


# -- the preview -----------------------------------------------------------------


@dataclass
class PreviewBlock:
    """One paragraph of a draft beside its lines of text (or, without a
    paragraph, the protocol's head), with the warnings that concern them.
    Each line is its number and its pieces as (text, is_hit) for marking."""

    paragraf: ParsedParagraf | None
    form: Any
    warnings: list[str]
    lines: list[tuple[int, list[tuple[str, bool]]]]


_WARNING_LINE = re.compile(r"rad (\d+):")


def date_warnings(protocol: ParsedProtocol) -> list[str]:
    """What the preview warns of in the draft's dates before publishing (a
    meeting not held yet, minutes posted before it): today's, not the
    upload's."""
    return dates.date_warnings(
        protocol.meeting_date, protocol.posting_date, today=timezone.localdate()
    )


def preview(
    upload: Upload, protocol: ParsedProtocol, hits: list[Hit], forms: list[Any]
) -> list[PreviewBlock]:
    """The draft as the preview shows it: the head, then each paragraph."""
    lines = upload.source_text.split("\n")
    starts = [p.line for p in protocol.paragrafer]
    bounds = list(zip([1, *starts], [*starts, len(lines) + 1], strict=True))
    marked = re.compile("|".join(re.escape(h.text) for h in hits)) if hits else None
    blocks = [
        PreviewBlock(
            paragraf=paragraf,
            form=form,
            warnings=[],
            lines=[
                (number, _pieces(lines[number - 1], marked))
                for number in range(start, end)
            ],
        )
        for (start, end), paragraf, form in zip(
            bounds, [None, *protocol.paragrafer], [None, *forms], strict=True
        )
    ]
    for warning in protocol.warnings:
        found = _WARNING_LINE.match(warning)
        line = int(found[1]) if found else 0
        index = sum(1 for start, _ in bounds[1:] if start <= line)
        blocks[index].warnings.append(warning)
    return blocks


def _pieces(line: str, marked: re.Pattern | None) -> list[tuple[str, bool]]:
    if marked is None:
        return [(line, False)]
    pieces, last = [], 0
    for match in marked.finditer(line):
        pieces += [(line[last : match.start()], False), (match[0], True)]
        last = match.end()
    pieces.append((line[last:], False))
    return pieces
