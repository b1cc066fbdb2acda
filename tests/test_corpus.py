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
    assert len(DOCUMENTS) >= 20
    assert len(whole) >= 6


def _expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text())


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_the_parser_reads_the_document_as_expected(path: Path):
    actual = protocol_as_json(parse_protocol(path.read_text(), source=path.name))
    wrong = [str(check) for check in compare(_expected(path), actual) if not check.ok]
    assert wrong == []


# Documents typeset as PDF and Word in the test, then read back through the same
# extraction ingest uses: the expectations must hold for those files too.
AS_FILES = [
    "04_halleby_sn_2022",
    "06_ekeby_kf_2003",
    "08_ekeby_ks_2006_utdrag",
    "16_bjorkhamn_ifo_2017_sekretess",
    "20_lindhamn_sdn_2013_utdrag",
    "22_alunda_krisledning_2020",
]


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("name", AS_FILES)
def test_the_document_reads_the_same_as_pdf_and_word(name: str, kind: str):
    from decisions.extract import extract
    from tests.documents import make_docx, make_pdf

    path = CORPUS / f"{name}.txt"
    text = path.read_text()
    if kind == "pdf":
        data = make_pdf(text, footer="Justerandes sign   Sida {page} ({pages})")
    else:
        data = make_docx(text.replace("\f", "\n"))
    extracted = extract(data, name=f"{name}.{kind}")
    assert extracted.format == kind
    actual = protocol_as_json(parse_protocol(extracted.text, source=path.name))
    wrong = [str(check) for check in compare(_expected(path), actual) if not check.ok]
    assert wrong == []
