"""Which referral (remiss) a paragraph answers or sends, from its title alone.

An executive board sends a proposal on referral to several boards; each answers
in its own minutes, under its own case number, so nothing but the subject ties
the answers together. The titles name it in a few fixed shapes:

    Strategi för Stockholm som smart och uppkopplad stad svar på remiss
    Program för öppna data – Svar på remiss från kommunstyrelsen
    Remiss: Program för öppna data i Sjöbacka kommun
    Yttrande över remiss om nationell läkemedelsstrategi
    Yttrande över Region Västerbys digitaliseringsstrategi – Svar på remiss från ...

Pure functions, no database: the writer stores the key, the pages group by it.
"""

from __future__ import annotations

import difflib
import re

from django.utils.text import slugify

# At the end: "– Svar på remiss från kommunstyrelsen", "svar på remissen",
# "– remissvar".
_ANSWER = re.compile(
    r"[\s,.:;–—-]*\b(?:svar på remiss(?:en)?(?:\s+från\b.*)?"
    r"|remissvar|remissyttrande)$",
    re.IGNORECASE,
)
# "Remiss: X", "Remiss – X", "Remiss av X", "Remiss om X", "Remissvar: X" at the start.
_SENT = re.compile(
    r"^(?:remiss(?:var)?|svar på remiss)"
    r"(?:\s*[:–—-]\s*|\s+(?:av|om|gällande|angående)\s+)",
    re.IGNORECASE,
)
# "Yttrande över (remiss om|remiss av)? X", "Yttrande angående X".
_STATEMENT = re.compile(
    r"^yttrande\s+(?:över|om|angående|gällande)\s+(?:remiss(?:en)?\s+(?:av|om)\s+)?",
    re.IGNORECASE,
)
_NOT_WORD = re.compile(r"[^\w]+")


def referral_subject(title: str) -> str | None:
    """Return what a referral title is about, as printed; None for other titles."""
    title = " ".join(title.split())
    subject = _ANSWER.sub("", title)
    answered = subject != title
    subject, sent = _SENT.subn("", subject)
    if not (answered or sent):
        return None
    subject = _STATEMENT.sub("", subject).strip(" ,.:;–—-")
    return subject or None


def referral_key(title: str, municipality: str = "") -> str | None:
    """Return a key equal for every title about the same referral; None if none.

    Case, punctuation and dashes do not count, nor the municipality's own name
    at the end ("... digital insyn i Sjöbacka kommun" = "... digital insyn").
    """
    subject = referral_subject(title)
    if subject is None:
        return None
    words = _NOT_WORD.sub(" ", subject.casefold()).split()
    place = _NOT_WORD.sub(" ", municipality.casefold()).split()
    if place and words[-len(place) - 1 :] == ["i", *place]:
        words = words[: -len(place) - 1]
    return " ".join(words) or None


# Two reservation texts this alike (difflib's ratio, on words without case or
# punctuation) are one position taken in several boards: the seeds' two
# Liberal reservations differ in their first sentence (who reserves) and
# score 0.96. Among the 18 reservations of samples/, the pairs of one Liberal
# reservation repeated across the referral's answers score 0.93-0.97, the
# next-closest pair 0.80 and the rest at most 0.58.
SAME_POSITION = 0.9


def same_positions(texts: list[str]) -> list[list[int]]:
    """Group the indexes of texts that say the same, each group in input order."""
    normal = [" ".join(_NOT_WORD.sub(" ", text.casefold()).split()) for text in texts]
    groups: list[list[int]] = []
    for index, text in enumerate(normal):
        for group in groups:
            first = normal[group[0]]
            matcher = difflib.SequenceMatcher(None, first, text, autojunk=False)
            if (
                matcher.quick_ratio() >= SAME_POSITION
                and matcher.ratio() >= SAME_POSITION
            ):
                group.append(index)
                break
        else:
            groups.append([index])
    return groups


def referral_slug(title: str, municipality: str = "") -> str:
    """The referral's part of a page address ("" for no referral): its key as
    a slug, so that every board's answer gets the same one."""
    key = referral_key(title, municipality)
    return slugify(key)[:200].strip("-") if key else ""
