"""The parties' full names, for readers who do not know "SD" or "KD".

Only the parties of the Riksdag (and the Folkpartiet name that Liberalerna
bore until 2015) are named here: a local party's code ("SjP") is shown as
printed, since the minutes rarely spell it out and a guess would mislead.
"""

from __future__ import annotations

NAMES = {
    "S": "Socialdemokraterna",
    "M": "Moderaterna",
    "SD": "Sverigedemokraterna",
    "C": "Centerpartiet",
    "V": "Vänsterpartiet",
    "KD": "Kristdemokraterna",
    "L": "Liberalerna",
    "FP": "Folkpartiet liberalerna",
    "MP": "Miljöpartiet de gröna",
}


def full_name(code: str) -> str:
    """The party's full name, or its code where none is known."""
    return NAMES.get(code.upper(), code)
