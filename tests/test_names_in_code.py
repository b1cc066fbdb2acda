"""One name per concept in code (docs/architecture.md, "Names: one per concept").

A nämnd is `namnd` (`Namnd`, `namnder`) and a § of the minutes `paragraf`
(`Paragraf`, `paragrafer`) in every identifier; "board" and "paragraph" stay
in English prose (comments, docstrings, messages) and in the published names
listed below. The check reads identifiers with tokenize, and the names inside
f-strings' fields with ast (Python 3.11 gives an f-string as one token).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRS = ["accounts", "bench", "decisions", "portal", "scripts", "tests"]

# "board"/"paragraph" starting a word or a CamelCase part ("keyboard",
# "clipboard" are other words).
WORD = re.compile(
    r"(?<![a-z])(?:board|paragraph)|Board|Paragraph|(?<![A-Z])(?:BOARD|PARAGRAPH)"
)

# Identifiers that keep the English word, by file ("*": any file), and why.
ALLOWED = {
    # Settings and environment variables that operators set: published.
    ("*", "INGEST_MAX_PARAGRAPHS"),
    ("*", "INGEST_MAX_PARAGRAPH_CHARS"),
    # python-docx's API: Word's paragraphs.
    ("*", "add_paragraph"),
    ("*", "paragraph_format"),
    # Serializer fields whose names are the API's JSON keys "board" and
    # "paragraph" (docs/api: the open data's published shape).
    ("decisions/api.py", "board"),
    ("decisions/api.py", "paragraph"),
    # The same key on the Popolo document's motions and vote events.
    ("decisions/api_popolo.py", "paragraph"),
    # Word's <w:p> and the layout's blank-line-separated text paragraphs.
    ("decisions/extract.py", "paragraph"),
    ("decisions/extract.py", "_paragraph"),
    ("decisions/extract.py", "_PARAGRAPH_GAP"),
    # The archive manifest, written with asdict(): its key "paragraphs".
    ("decisions/services/dump.py", "paragraphs"),
    # The Word fixture maker: python-docx paragraphs and blocks of text.
    ("tests/documents.py", "paragraph"),
    ("tests/documents.py", "_template_paragraph"),
    # The text paragraphs of a generated background section, not §.
    ("bench/archive.py", "paragraphs"),
}
# `owner.name` allowed in any file: another thing's attribute.
ALLOWED_ATTRIBUTES = {
    ("manifest", "paragraphs"),  # the archive manifest's key
    ("args", "paragraphs"),  # bench's published --paragraphs option
    ("WD_STYLE_TYPE", "PARAGRAPH"),  # python-docx
    # python-docx objects' Word paragraphs (a header, a table cell's part).
    *((owner, "paragraphs") for owner in ("header", "first_page_header", "document")),
    *((owner, "paragraphs") for owner in ("left", "right", "part")),
}


def is_test_name(path: str, name: str) -> bool:
    """Test names are sentences and keep their words."""
    return name.startswith("test_") or (
        path.startswith("tests/") and name.endswith("Tests")
    )


def python_files() -> list[Path]:
    files = [*ROOT.glob("*.py")]
    for directory in DIRS:
        files += (ROOT / directory).rglob("*.py")
    return sorted(p for p in files if "migrations" not in p.parts)


def identifiers(source: str) -> Iterator[tuple[int, str, str]]:
    """(line, owner before a dot or "", name) of every identifier in source."""
    tokens = [
        t
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type not in (tokenize.NL, tokenize.COMMENT)
    ]
    for i, token in enumerate(tokens):
        if token.type == tokenize.NAME:
            dotted = i >= 2 and tokens[i - 1].string == "."
            yield token.start[0], tokens[i - 2].string if dotted else "", token.string
        elif token.type == tokenize.STRING and re.match(r"[rRbBuU]*[fF]", token.string):
            tree = ast.parse(token.string, mode="eval")
            for node in ast.walk(tree):
                line = token.start[0] + getattr(node, "lineno", 1) - 1
                if isinstance(node, ast.Name):
                    yield line, "", node.id
                elif isinstance(node, ast.Attribute):
                    value = node.value
                    owner = value.id if isinstance(value, ast.Name) else ""
                    yield line, owner, node.attr


def english_names() -> Iterator[tuple[str, int, str, str]]:
    """(file, line, owner, name) of every identifier with board or paragraph."""
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, owner, name in identifiers(path.read_text()):
            if WORD.search(name) and not is_test_name(relative, name):
                yield relative, line, owner, name


def allowed(path: str, owner: str, name: str) -> bool:
    return (
        (path, name) in ALLOWED
        or ("*", name) in ALLOWED
        or (owner, name) in ALLOWED_ATTRIBUTES
    )


def test_identifiers_say_namnd_and_paragraf_not_board_and_paragraph():
    found = [
        f"{path}:{line}: {owner + '.' if owner else ''}{name}"
        for path, line, owner, name in english_names()
        if not allowed(path, owner, name)
    ]
    assert not found, (
        "Name the nämnd `namnd` and the § `paragraf` (docs/architecture.md, "
        "'Names: one per concept'), or add a published name to ALLOWED with "
        "its reason:\n" + "\n".join(found)
    )


def test_every_allowed_name_is_still_used():
    used = {(path, name) for path, _, _, name in english_names()}
    names = {name for _, name in used}
    stale = [
        (path, name)
        for path, name in sorted(ALLOWED)
        if (path == "*" and name not in names)
        or (path != "*" and (path, name) not in used)
    ]
    assert not stale, f"allowed names no longer used (drop them): {stale}"


def test_the_check_sees_names_inside_f_strings_and_skips_words():
    source = 'x = f"{board.name} {args.paragraphs}"\nkeyboard = paragraf = 1\n'
    found = {(o, n) for _, o, n in identifiers(source) if WORD.search(n)}
    assert found == {("", "board"), ("args", "paragraphs")}
