"""The hand-written corpus: every value its expectations state, read right.

Each tests/fixtures/corpus/NN_name.txt has NN_name.expected.json, written by
hand from the document. `bench/accuracy.py` prints the same checks per field.
"""

import json
from pathlib import Path

import pytest

from decisions.parser import parse_protocol, protocol_as_json
from decisions.parser.compare import compare

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
DOCUMENTS = sorted(CORPUS.glob("*.txt"))


def test_the_corpus_is_large_and_varied():
    whole = [p for p in DOCUMENTS if len(_expected(p).get("paragraphs", [])) >= 10]
    assert len(DOCUMENTS) >= 5
    assert len(whole) >= 2


def _expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text())


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_the_parser_reads_the_document_as_expected(path: Path):
    actual = protocol_as_json(parse_protocol(path.read_text(), source=path.name))
    wrong = [str(check) for check in compare(_expected(path), actual) if not check.ok]
    assert wrong == []
