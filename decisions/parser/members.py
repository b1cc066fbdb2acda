"""Names and parties as minutes write them: "Ledamoten Frida Johansson Metso (L)"."""

from __future__ import annotations

import re

from .model import ParsedMember

# Roles written before a name; the name is kept without them.
_ROLE = re.compile(
    r"""^(?:
        (?:förste\s+|andre\s+|2:e\s+|1:e\s+)?vice\s+ordförande[n]?
      | ordförande[n]?
      | tjänstgörande\s+ersättare[n]?
      | ersättare[n]?
      | ledamot(?:en)?
      | ledamöterna
      | kommunalråd(?:et)?
      | oppositionsråd(?:et)?
    )(?:\s+|$)""",
    re.IGNORECASE | re.VERBOSE,
)
# "m.fl.", "m fl", "m. fl." ("and others"): the named member speaks for a group.
# Tried only where a run of whitespace starts: a name whose parties were taken
# out ("(S) (S) (S)") is a long run, and each try inside it would rescan it.
_OTHERS = re.compile(r"(?<!\s)\s*\bm\.?\s?fl\b\.?", re.IGNORECASE)
# A party in parentheses: any 1-4 letter code, local parties included ("(SjP)").
_PARTY = re.compile(r"\(\s*([A-Za-zÅÄÖåäö]{1,4})(?:-gruppen)?\s*\)")
_OPEN_PARTY = re.compile(r"(\(\s*[A-ZÅÄÖ]{1,4})\s*$")
# Name particles written in lower case: "Karl von Essen", "Ann af Ekenstam".
_PARTICLES = {"von", "af", "de", "van", "der", "el", "al", "bin", "da", "di"}


def _is_name_word(word: str) -> bool:
    """A capitalised word of letters, hyphens and apostrophes, or a particle."""
    if word in _PARTICLES:
        return True
    bare = word.replace("-", "").replace("'", "").replace("’", "")
    return bool(bare) and bare.isalpha() and word[0].isupper()


# A party code where it stands alone: "Anna Berg, M, ordförande", "M Anna Berg".
PARTY_CODE = r"(?:[A-ZÅÄÖ]{1,4}|[A-ZÅÄÖ][a-zåäö][A-ZÅÄÖ]|[a-zåäö]{1,3})"
_SEPARATORS = re.compile(
    r"\s*,\s*|\s+och\s+|\s+samt\s+|\s*&\s*| {2,}|(?<=\))\s+(?=[A-ZÅÄÖ])"
)


def normalize_party(code: str) -> str:
    """Write a party code as parties write it themselves: "s" -> "S", "sjp" -> "SJP".

    Mixed case as printed ("SjP") is kept; older all-lower-case minutes are raised.
    """
    return code.upper() if code.islower() else code


def _without_roles(fragment: str) -> str:
    """Drop "m.fl." and the roles written before a name."""
    fragment = _OTHERS.sub("", fragment).strip(" .,:;")
    while True:
        stripped = _ROLE.sub("", fragment, count=1)
        if stripped == fragment:
            return fragment
        fragment = stripped


def parse_name(fragment: str) -> str | None:
    """Return the person's name in a fragment such as "tjänstgörande ersättaren X Y".

    None when what is left does not look like a person's name: minutes name
    people with first and last name, so a lone word is a role or a party
    speaking as a group ("Liberalerna reserverar sig").
    """
    name, rest = leading_name(fragment)
    return name if name and not rest and len(name.split()) <= 6 else None


def leading_name(fragment: str) -> tuple[str | None, str]:
    """Split "Anna Berg förvaltningschef" into the name and what follows it."""
    fragment = _without_roles(fragment)
    words = fragment.split()
    count = 0
    while count < len(words) and _is_name_word(words[count]):
        count += 1
    if count < 2 or count > 6 or not words[0][:1].isupper():
        return None, fragment
    return " ".join(words[:count]), " ".join(words[count:])


def parse_members(phrase: str) -> list[ParsedMember]:
    """Read the people named in a phrase like "A (S) och B m.fl. (M)".

    A member written without a party takes the party written after the next name
    ("Per Holm och Lena Ström (M)" are both M), as clerks write shared parties once.
    """
    found: list[tuple[str, str | None]] = []
    for part in _SEPARATORS.split(phrase):
        # "Anna Berg (SD och Per Ek (SD)": a parenthesis the clerk left open.
        part = _OPEN_PARTY.sub(r"\1)", part)
        party_match = _PARTY.search(part)
        party = normalize_party(party_match.group(1)) if party_match else None
        name_part = _PARTY.sub(" ", part) if party_match else part
        name = parse_name(name_part)
        if name:
            found.append((name, party))
    # The party written after each name, read from the end: looking ahead from
    # each name would cost the square of a long list of names.
    parties: list[str | None] = []
    party_after: str | None = None
    for _, party in reversed(found):
        party_after = party or party_after
        parties.append(party_after)
    members: dict[str, ParsedMember] = {}
    for (name, _), party in zip(found, reversed(parties), strict=True):
        members.setdefault(name, ParsedMember(name=name, party=party))
    return list(members.values())
