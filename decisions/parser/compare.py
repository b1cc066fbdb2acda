"""Compare parser output with a hand-written expectation, field by field.

An expectation holds only the keys its author is sure of; lists must match in
length and element by element; text is compared with white space collapsed.
Used by the corpus tests and by bench/accuracy.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    path: str
    expected: Any
    actual: Any
    ok: bool

    @property
    def field(self) -> str:
        """The field checked, without list positions: "paragraphs.dnr"."""
        names = (part.split("[", 1)[0] for part in self.path.split("."))
        return ".".join(name for name in names if name)

    def __str__(self) -> str:
        return f"{self.path}: väntade {self.expected!r}, fick {self.actual!r}"


def _norm(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def compare(expected: Any, actual: Any, path: str = "") -> list[Check]:
    """Check every value the expectation states; list lengths count as checks."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [Check(path, expected, actual, False)]
        return [
            check
            for key, value in expected.items()
            for check in compare(
                value, actual.get(key), f"{path}.{key}" if path else key
            )
        ]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            got = len(actual) if isinstance(actual, list) else actual
            return [Check(f"{path}[len]", len(expected), got, False)]
        checks = [Check(f"{path}[len]", len(expected), len(actual), True)]
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            checks += compare(want, got, f"{path}[{index}]")
        return checks
    # Python holds True == 1 and False == 0; JSON's true and false are no numbers.
    same_kind = isinstance(expected, bool) == isinstance(actual, bool)
    return [
        Check(path, expected, actual, same_kind and _norm(expected) == _norm(actual))
    ]
