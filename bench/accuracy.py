"""The parser's accuracy on the hand-written corpus, field by field.

    .venv/bin/python bench/accuracy.py [--show-mismatches] [--corpus DIR]

Each document in tests/fixtures/corpus/ has an expectation naming the values its
author was sure of; every such value is a check. Prints a table of fields with
checks and share correct, and ends with one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decisions.parser import ParseError, parse_protocol, protocol_as_json  # noqa: E402
from decisions.parser.compare import Check, compare  # noqa: E402

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show-mismatches", action="store_true")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=CORPUS,
        help="a folder of NN_name.txt with NN_name.expected.json (default: the "
        "test corpus; tests/fixtures/heldout is text the parser was not tuned on)",
    )
    args = parser.parse_args()
    results = corpus_checks(args.corpus)
    by_field: dict[str, list[bool]] = defaultdict(list)
    for checks in results.values():
        for check in checks:
            by_field[check.field].append(check.ok)
    print(f"{'field':45} {'checks':>7} {'correct':>8}")
    for field, oks in sorted(by_field.items()):
        print(f"{field:45} {len(oks):7} {sum(oks) / len(oks):8.1%}")
    total = [ok for oks in by_field.values() for ok in oks]
    documents_ok = sum(all(c.ok for c in checks) for checks in results.values())
    print(f"{'all':45} {len(total):7} {sum(total) / max(len(total), 1):8.1%}")
    print(f"documents wholly right: {documents_ok}/{len(results)}")
    if args.show_mismatches:
        for name, checks in results.items():
            for check in checks:
                if not check.ok:
                    print(f"{name}: {check}")
    print(
        json.dumps(
            {
                "documents": len(results),
                "documents_ok": documents_ok,
                "checks": len(total),
                "accuracy": round(sum(total) / max(len(total), 1), 4),
                "fields": {
                    field: round(sum(oks) / len(oks), 4)
                    for field, oks in sorted(by_field.items())
                },
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
