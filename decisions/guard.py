"""The personal-data guard: the one function, guard(), that every public
text passes on its way in, whichever door it comes through.

The doors, and how each reaches guard():
- a clerk's upload and its preview (decisions.services.publishing): personal_data()
  asks guard() what the draft holds, and the hits block publishing until the
  clerk masks or confirms them; a correction typed in the preview is checked
  by guard() at its field (admin_forms.CorrectionForm) and again by
  publishing.correct();
- publishing, ingest, re-ingest and reparse (decisions.services): they write
  in bulk (bulk_create and bulk_update skip save() and clean()), so
  protocol_write() and protocol_reparse() call guard() on every text of the
  parsed protocol and on the source text, before their transaction;
- the admin's change forms, inlines included, and any ORM save: the public
  models' GuardsPersonalData mixin (decisions.models) calls guard() from
  clean_fields(), which Django's ModelForm runs, so a refusal is an error at
  its field; and from save(), so a shell's save is refused too.

Why one function called at each door rather than a database trigger or a
signal: the check is personal_data.py's date and Luhn rules and its name
rules, which a trigger would have to repeat in PL/pgSQL and keep in step; a
trigger cannot tell a clerk in Swedish which field to fix, nor see the
clerk's confirmation; a signal hides the check from whoever reads the write,
and bulk writes send none. The doors are few and named here, and each has a
test (tests/test_guard.py), the admin's one generated over every text field
of every public model.

Only what is new counts: a number or name already in the stored row (or the
stored meeting) got there under an earlier confirmation, or has been masked
(migration 0019), so saving the row again, re-ingesting or reparsing does
not stop on it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import ValidationError

from .personal_data import (
    find_identity_numbers,
    find_names,
    mask_identity_numbers,
    without_last_four,
)

# What a path does with an identity number: refuse it (the default), mask
# it, or keep it because a clerk has confirmed it is no personal data.
Policy = Literal["refuse", "mask", "keep"]
# A clerk's word, in a form, that whatever the guard found there is no
# personal data (the findings are logged).
ALL = "*"


@dataclass(frozen=True)
class Names:
    """Ask about names too (a board with individual cases): who may be named
    (the members, acting in office) and words of places (the municipality's
    and the board's names)."""

    known: Collection[str] = frozenset()
    places: Collection[str] = frozenset()


@dataclass(frozen=True)
class Finding:
    """A text that may be personal data, and where it was found."""

    kind: str  # "personnummer", "samordningsnummer" or "namn"
    text: str
    # A field's name, or a file and line: "Rubrik", "protokoll.txt rad 12".
    place: str

    @property
    def shown(self) -> str:
        """How messages and logs name it: a number without its last four
        digits, a name as it is (the clerk must see what to mask)."""
        return self.text if self.kind == "namn" else without_last_four(self.text)


class PersonalDataError(ValidationError):
    """Texts refused for personal data, by the key they were given under: a
    ValidationError keyed by field, so a model's clean_fields() can raise it
    as it is and a ModelForm shows each message at its field."""

    def __init__(self, findings: dict[str, list[Finding]]) -> None:
        self.findings = findings
        super().__init__({key: [message(found)] for key, found in findings.items()})

    def __str__(self) -> str:
        return "; ".join(message(found) for found in self.findings.values())


def message(found: list[Finding]) -> str:
    """The refusal in Swedish: where, what (a number without its last four
    digits), and what to do."""
    place = found[0].place
    shown = ", ".join(f"{f.kind} {f.shown}" for f in found)
    return (
        f"{place}: {shown} kan vara personuppgifter och publiceras inte; "
        "maskera (XXXXXX-XXXX, XXXX XXXX) eller bekräfta att det inte är "
        "personuppgifter"
    )


def guard(
    texts: Mapping[str, tuple[str, Any]],
    *,
    policy: Policy = "refuse",
    confirmed: Collection[str] = (),
    stored: Iterable[Any] = (),
    names: Names | None = None,
) -> dict[str, Any]:
    """Check texts on their way into the archive; return them, masked where
    the policy masks.

    `texts` maps a key (a field's name) to its place as a clerk reads it
    ("Rubrik", "protokoll.txt rad 12") and its value: a string, or lists and
    dicts of them (JSON, arrays). Identity numbers are refused unless the
    policy masks or keeps them; names (with `names`) are refused. Not
    refused: what is `confirmed`, and what the `stored` values already hold.
    Refusal raises PersonalDataError, naming every place.
    """
    already = {text for _, text in _found_in(stored, names)}
    allowed = {*confirmed, *already}
    out: dict[str, Any] = {}
    refused: dict[str, list[Finding]] = {}
    for key, (place, value) in texts.items():
        found = [
            Finding(kind, text, place)
            for kind, text in _found_in([value], names)
            if text not in allowed
        ]
        numbers = [f for f in found if f.kind != "namn"]
        if numbers and policy == "mask":
            value = map_strings(value, mask_identity_numbers)
            found = [f for f in found if f.kind == "namn"]
        elif policy == "keep":
            found = [f for f in found if f.kind == "namn"]
        if found:
            refused[key] = _once(found)
        out[key] = value
    if refused:
        raise PersonalDataError(refused)
    return out


def _found_in(values: Iterable[Any], names: Names | None) -> list[tuple[str, str]]:
    out = []
    for value in values:
        for text in strings(value):
            out += [(hit.kind, hit.text) for hit in find_identity_numbers(text)]
            if names is not None:
                found = find_names(text, set(names.known), set(names.places))
                out += [("namn", hit.text) for hit in found]
    return out


def _once(found: list[Finding]) -> list[Finding]:
    return list({f.text: f for f in found}.values())


def strings(value: Any) -> Iterator[str]:
    """Every string in value: itself, or those inside its lists, dicts and
    dataclasses."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif hasattr(value, "__dataclass_fields__"):
        # The parser's dataclasses, read in place (copying them to dicts
        # first cost as much as the check itself).
        yield from strings(vars(value))


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """value with change() applied to every string in it, keys left alone."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, (list, tuple)):
        return [map_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: map_strings(item, change) for key, item in value.items()}
    return value


def mask_numbers(value: Any) -> Any:
    """value with every identity number masked digit by digit, however deep
    (a version's record, a section list)."""
    return map_strings(value, mask_identity_numbers)


def lines(text: str, *, source: str) -> dict[str, tuple[str, str]]:
    """A text as guard() texts, one per line, so a refusal names its line."""
    return {
        f"{source}:{number}": (f"{source} rad {number}", line)
        for number, line in enumerate(text.split("\n"), start=1)
    }
