"""The parser's accuracy on a corpus of minutes, field by field.

    .venv/bin/python bench/accuracy.py [--show-mismatches] [--corpus DIR]

Two kinds of corpus:
- real minutes (tests/fixtures/real/, ../shared/real-minutes/): NN_name.txt
  with a hand-checked reading in expected/NN_name.json (decisions/parser/
  score.py says what is checked). Prints the score per field and per document
  and ends with {"documents", "checks", "right", "ratio", "decisions_right",
  "decisions", "refused", "extra_paragraphs", ...}. A document the parser does
  not finish within --seconds counts as refused.
- the project's own corpus (tests/fixtures/corpus/, the default): NN_name.txt
  with NN_name.expected.json naming the values its author was sure of; ends
  with {"documents", "documents_ok", "checks", "accuracy", "fields"}.
Every value is a check; the JSON object is the last line.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decisions.parser import (  # noqa: E402
    ParsedProtocol,
    ParseError,
    parse_protocol,
    protocol_as_json,
    protocol_from_data,
    protocol_to_data,
)
from decisions.parser.compare import Check, compare  # noqa: E402
from decisions.parser.score import is_decision, score  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"


def corpus_checks(corpus: Path = CORPUS) -> dict[str, list[Check]]:
    """Parse every document and check it against its expectation."""
    results = {}
    for expected_path in sorted(corpus.glob("*.expected.json")):
        source = expected_path.with_name(
            expected_path.name.replace(".expected.json", ".txt")
        )
        expected = json.loads(expected_path.read_text())
        try:
            actual = protocol_as_json(
                parse_protocol(source.read_text(), source=source.name)
            )
        except ParseError as error:
            actual = {"error": str(error)}
        results[source.name] = compare(expected, actual)
    return results


def _parse_data(text: str, name: str) -> dict:
    return protocol_to_data(parse_protocol(text, source=name))


def parse_within(
    text: str, name: str, seconds: float
) -> tuple[ParsedProtocol | None, str | None]:
    """Parse in a child process; (None, why) when refused or not done in time."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        pending = pool.apply_async(_parse_data, (text, name))
        try:
            return protocol_from_data(pending.get(timeout=seconds)), None
        except ParseError as error:
            return None, str(error)
        except multiprocessing.TimeoutError:
            return None, f"ej klar på {seconds:g} s"


def real_checks(
    corpus: Path, seconds: float = 30
) -> dict[str, tuple[list[Check], str | None]]:
    """Parse every document of a real corpus and score it against its reading."""
    results = {}
    for expected_path in sorted((corpus / "expected").glob("*.json")):
        expected = json.loads(expected_path.read_text())
        source = corpus / expected["file"]
        protocol, refused = parse_within(source.read_text(), source.name, seconds)
        results[source.name] = (score(expected, protocol), refused)
    return results


def _by_field(results: dict[str, list[Check]]) -> dict[str, list[bool]]:
    by_field: dict[str, list[bool]] = defaultdict(list)
    for checks in results.values():
        for check in checks:
            by_field[check.field].append(check.ok)
    return by_field


def _print_fields(by_field: dict[str, list[bool]]) -> None:
    print(f"{'field':45} {'checks':>7} {'right':>8}")
    for field, oks in sorted(by_field.items()):
        print(f"{field:45} {len(oks):7} {sum(oks) / len(oks):8.1%}")


def _print_mismatches(results: dict[str, list[Check]]) -> None:
    for name, checks in results.items():
        for check in checks:
            if not check.ok:
                print(f"{name}: {check}")


def _fields(by_field: dict[str, list[bool]]) -> dict[str, float]:
    return {
        field: round(sum(oks) / len(oks), 4) for field, oks in sorted(by_field.items())
    }


def _real_report(corpus: Path, seconds: float, show: bool) -> None:
    results = real_checks(corpus, seconds)
    checks_of = {name: checks for name, (checks, _) in results.items()}
    by_field = _by_field(checks_of)
    print(f"{'document':52} {'checks':>7} {'right':>6} {'decisions':>10}")
    for name, (checks, refused) in results.items():
        decisions = [c.ok for c in checks if is_decision(c)]
        right = sum(c.ok for c in checks)
        note = f"  REFUSED: {refused}" if refused else ""
        print(
            f"{name[:52]:52} {len(checks):7} {right / len(checks):6.1%} "
            f"{sum(decisions):4}/{len(decisions):<5}{note}"
        )
    print()
    _print_fields(by_field)
    all_checks = [c for checks in checks_of.values() for c in checks]
    decisions = [c.ok for c in all_checks if is_decision(c)]
    right = sum(c.ok for c in all_checks)
    if show:
        _print_mismatches(checks_of)
    print(
        json.dumps(
            {
                "corpus": str(corpus),
                "documents": len(results),
                "checks": len(all_checks),
                "right": right,
                "ratio": round(right / max(len(all_checks), 1), 4),
                "decisions_right": sum(decisions),
                "decisions": len(decisions),
                "refused": sum(1 for _, why in results.values() if why),
                "extra_paragraphs": sum(
                    1 for c in all_checks if c.field == "paragraphs.extra"
                ),
                "fields": _fields(by_field),
            },
            ensure_ascii=False,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-mismatches", action="store_true")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS,
        help="a folder of NN_name.txt with NN_name.expected.json (default: the "
        "test corpus), or of real minutes with expected/NN_name.json",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=30,
        help="real minutes: a document not parsed in this time counts as refused",
    )
    args = parser.parse_args()
    if (args.corpus / "expected").is_dir():
        _real_report(args.corpus, args.seconds, args.show_mismatches)
        return
    results = corpus_checks(args.corpus)
    by_field = _by_field(results)
    _print_fields(by_field)
    total = [ok for oks in by_field.values() for ok in oks]
    documents_ok = sum(all(c.ok for c in checks) for checks in results.values())
    print(f"{'all':45} {len(total):7} {sum(total) / max(len(total), 1):8.1%}")
    print(f"documents wholly right: {documents_ok}/{len(results)}")
    if args.show_mismatches:
        _print_mismatches(results)
    print(
        json.dumps(
            {
                "documents": len(results),
                "documents_ok": documents_ok,
                "checks": len(total),
                "accuracy": round(sum(total) / max(len(total), 1), 4),
                "fields": _fields(by_field),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
