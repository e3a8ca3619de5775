"""Label grammar: atoms, lists, ranges, roman numerals."""

from __future__ import annotations

import pytest

from panel2patch.captions.labels import (
    expand_panel_names,
    label_key,
    parse_label_list,
    parse_label_prefix,
)


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("A", ("A",)),
        ("a\u2013c", ("a", "b", "c")),
        ("A-C", ("A", "B", "C")),
        ("A, B", ("A", "B")),
        ("A and B", ("A", "B")),
        ("A, B and C", ("A", "B", "C")),
        ("B\u2013D, F\u2013H", ("B", "C", "D", "F", "G", "H")),
        ("ii\u2013iv", ("ii", "iii", "iv")),
        ("i-iii", ("i", "ii", "iii")),
        ("h\u2013j", ("h", "i", "j")),
        ("Ai\u2013ii", ("Ai", "Aii")),
        ("A1\u2013A3", ("A1", "A2", "A3")),
        ("1-4", ("1", "2", "3", "4")),
        ("IV", ("IV",)),
        ("A to C", ("A", "B", "C")),
    ],
)
def test_label_lists_and_ranges(text: str, labels: tuple[str, ...]) -> None:
    assert parse_label_list(text) == labels


@pytest.mark.parametrize("text", ["n = 3", "PSA", "H&E", "arrows", "", "x" * 80])
def test_non_labels_are_rejected(text: str) -> None:
    assert parse_label_list(text) is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("D and E, red dashed lines", (("D", "E"), True)),
        ("see panel B", (("B",), True)),
        ("panels C and D", (("C", "D"), True)),
        ("a, b; magnification \u00d780", (("a", "b"), True)),
        ("AP; A, D, G", (("A", "D", "G"), True)),
        ("arrows in A", (("A",), True)),
        ("white arrow, b", (("b",), True)),
        ("n = 3", None),
    ],
)
def test_parenthetical_prefixes_and_suffixes(content: str, expected: object) -> None:
    assert parse_label_prefix(content) == expected


def test_order_keys_follow_the_panel_sequence() -> None:
    assert label_key("A") < label_key("B") < label_key("C")
    assert label_key("B1") < label_key("B2") < label_key("C")
    assert label_key("ii") == (2, 0)
    assert label_key("i", roman_context=True) == (1, 0)


def test_panel_names_from_other_stages_are_expanded() -> None:
    assert expand_panel_names(["B-D", "F"]) == ("B", "C", "D", "F")
    assert expand_panel_names(["left"]) == ("left",)
