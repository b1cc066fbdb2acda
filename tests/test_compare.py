"""The comparison that decides pass or fail for the corpus: it checks what an
expectation states and nothing else, and a wrong, missing, extra or
wrongly typed value is a failed check named by its place."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from decisions.parser.compare import Check, compare

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def failed(expected: Any, actual: Any) -> list[Check]:
    return [check for check in compare(expected, actual) if not check.ok]


def test_only_the_keys_the_expectation_states_are_checked():
    actual = {"title": "Budget 2024", "dnr": "KS 2023/12", "votes": [{"ja": 7}]}

    checks = compare({"title": "Budget 2024"}, actual)

    assert checks == [Check("title", "Budget 2024", "Budget 2024", True)]
    assert compare({}, actual) == []


def test_a_wrong_value_fails():
    (check,) = compare({"dnr": "KS 2023/12"}, {"dnr": "KS 2023/21"})

    assert check == Check("dnr", "KS 2023/12", "KS 2023/21", False)


def test_a_stated_key_the_parse_lacks_fails():
    (check,) = compare({"dnr": "KS 2023/12"}, {"title": "Budget"})

    assert check == Check("dnr", "KS 2023/12", None, False)


def test_a_stated_absence_holds_whether_the_key_is_null_or_missing():
    assert failed({"dnr": None}, {"dnr": None}) == []
    assert failed({"dnr": None}, {}) == []
    assert failed({"dnr": None}, {"dnr": "KS 2023/12"}) != []


def test_text_is_compared_with_white_space_collapsed():
    expected = {"title": "Bistånd enligt 4 kap. 1 § SoL"}
    for spelling in (
        "Bistånd enligt 4 kap. 1 § SoL",
        "  Bistånd  enligt\n4 kap.\t1 §\u00a0SoL\n",
        "Bistånd enligt 4\nkap. 1 § SoL",
    ):
        assert failed(expected, {"title": spelling}) == [], spelling
    # White space only: case, punctuation and a missing space still count.
    for spelling in (
        "bistånd enligt 4 kap. 1 § SoL",
        "Bistånd enligt 4 kap 1 § SoL",
        "Bistånd enligt 4 kap.1 § SoL",
    ):
        assert failed(expected, {"title": spelling}) != [], spelling


def test_lists_match_in_length_then_element_by_element():
    expected = {"paragraphs": [{"number": "1"}, {"number": "2"}]}
    actual = {"paragraphs": [{"number": "1", "title": "A"}, {"number": "2"}]}

    checks = compare(expected, actual)

    assert checks == [
        Check("paragraphs[len]", 2, 2, True),
        Check("paragraphs[0].number", "1", "1", True),
        Check("paragraphs[1].number", "2", "2", True),
    ]


def test_a_missing_or_an_extra_element_fails_as_the_lists_length():
    expected = {"dnrs": ["KS 2024/1", "KS 2024/2"]}

    assert compare(expected, {"dnrs": ["KS 2024/1"]}) == [
        Check("dnrs[len]", 2, 1, False)
    ]
    assert compare(expected, {"dnrs": ["KS 2024/1", "KS 2024/2", "KS 2024/3"]}) == [
        Check("dnrs[len]", 2, 3, False)
    ]
    assert compare(expected, {"dnrs": []}) == [Check("dnrs[len]", 2, 0, False)]


def test_elements_in_another_order_fail():
    checks = failed(
        {"dnrs": ["KS 2024/1", "KS 2024/2"]}, {"dnrs": ["KS 2024/2", "KS 2024/1"]}
    )

    assert [check.path for check in checks] == ["dnrs[0]", "dnrs[1]"]


@pytest.mark.parametrize(
    ("expected", "actual", "path"),
    [
        ({"number": "1"}, {"number": 1}, "number"),
        ({"ja": 1}, {"ja": "1"}, "ja"),
        ({"confidential": False}, {"confidential": 0}, "confidential"),
        ({"confidential": True}, {"confidential": 1}, "confidential"),
        ({"ja": 1}, {"ja": True}, "ja"),
        ({"avstar": 0}, {"avstar": False}, "avstar"),
        ({"dnr": ""}, {"dnr": None}, "dnr"),
        ({"dnr": None}, {"dnr": ""}, "dnr"),
        ({"dnrs": []}, {"dnrs": None}, "dnrs[len]"),
        ({"dnrs": ["KS 1"]}, {"dnrs": "KS 1"}, "dnrs[len]"),
        ({"dnrs": ["KS 1"]}, {"dnrs": {"0": "KS 1"}}, "dnrs[len]"),
        ({"vote": {"ja": 1}}, {"vote": [1]}, "vote"),
        ({"vote": {"ja": 1}}, {"vote": None}, "vote"),
        ({"dnr": "KS 1"}, {"dnr": ["KS 1"]}, "dnr"),
    ],
)
def test_a_value_of_the_wrong_type_fails(expected, actual, path):
    (check,) = compare(expected, actual)

    assert not check.ok
    assert check.path == path


def test_a_list_the_parse_lacks_is_told_as_what_it_got():
    (check,) = compare({"dnrs": ["KS 1"]}, {})

    assert check == Check("dnrs[len]", 1, None, False)


def test_nested_paths_name_every_position():
    expected = {
        "paragraphs": [
            {"number": "1"},
            {"number": "2", "reservations": [{"members": ["Anna"]}]},
        ]
    }
    actual = {
        "paragraphs": [
            {"number": "1"},
            {"number": "2", "reservations": [{"members": ["Anna", "Bo"]}]},
        ]
    }

    assert [check.path for check in compare(expected, actual)] == [
        "paragraphs[len]",
        "paragraphs[0].number",
        "paragraphs[1].number",
        "paragraphs[1].reservations[len]",
        "paragraphs[1].reservations[0].members[len]",
    ]
    (wrong,) = failed(expected, actual)
    assert wrong.path == "paragraphs[1].reservations[0].members[len]"
    assert (wrong.expected, wrong.actual) == (1, 2)


def test_a_path_given_prefixes_every_check():
    checks = compare(
        {"title": "A", "dnrs": ["KS 1"]}, {"title": "A", "dnrs": ["KS 1"]}, "doc"
    )

    assert [check.path for check in checks] == [
        "doc.title",
        "doc.dnrs[len]",
        "doc.dnrs[0]",
    ]
    assert compare(["A"], ["A"]) == [
        Check("[len]", 1, 1, True),
        Check("[0]", "A", "A", True),
    ]
    assert compare("A", "B") == [Check("", "A", "B", False)]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("kommun", "kommun"),
        ("paragraphs[3].dnr", "paragraphs.dnr"),
        ("paragraphs[len]", "paragraphs"),
        ("paragraphs[12].votes[0].ja", "paragraphs.votes.ja"),
        (
            "paragraphs[0].reservations[1].members[len]",
            "paragraphs.reservations.members",
        ),
        ("[len]", ""),
        ("", ""),
    ],
)
def test_the_field_is_the_path_without_list_positions(path, field):
    assert Check(path, None, None, True).field == field


def test_a_check_reads_as_what_was_expected_and_what_came():
    check = Check("paragraphs[3].dnr", "KS 2023/12", None, False)

    assert str(check) == "paragraphs[3].dnr: väntade 'KS 2023/12', fick None"


# -- against a real expectation ----------------------------------------------------


def leaves(value: Any, path: str = "") -> list[tuple[str, list[str | int]]]:
    """Every value in a JSON document that is no dict or list, as the path
    compare() names it and the keys and indexes that lead to it; worked out
    here, not by compare()."""
    if isinstance(value, dict):
        return [
            (named, [key, *keys])
            for key, item in value.items()
            for named, keys in leaves(item, f"{path}.{key}" if path else key)
        ]
    if isinstance(value, list):
        return [
            (named, [index, *keys])
            for index, item in enumerate(value)
            for named, keys in leaves(item, f"{path}[{index}]")
        ]
    return [(path, [])]


def _lists(value: Any):
    if isinstance(value, list):
        yield value
    items = value.values() if isinstance(value, dict) else value
    if isinstance(value, dict | list):
        for item in items:
            yield from _lists(item)


def changed(value: Any) -> Any:
    """Another value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + " x"
    return "x"


REAL = CORPUS / "04_halleby_sn_2022.expected.json"


def test_a_real_expectation_holds_against_itself_and_counts_every_value():
    expected = json.loads(REAL.read_text())
    lists = sum(1 for _ in _lists(expected))

    checks = compare(expected, copy.deepcopy(expected))

    assert all(check.ok for check in checks)
    assert len(checks) == len(leaves(expected)) + lists


def test_any_one_value_changed_in_a_real_expectation_fails_there_alone():
    expected = json.loads(REAL.read_text())
    places = leaves(expected)
    assert len(places) > 150

    for path, keys in places:
        actual = copy.deepcopy(expected)
        parent = actual
        for key in keys[:-1]:
            parent = parent[key]
        parent[keys[-1]] = changed(parent[keys[-1]])

        assert [check.path for check in failed(expected, actual)] == [path]
