"""Panel letters named by a figure reference."""

from __future__ import annotations

import pytest

from panel2patch.jats.panels import Segment, assign_panels, find_segments, label_number


@pytest.mark.parametrize(
    ("xref_text", "following", "panels"),
    [
        ("Fig. 2B–D", "", ("B", "C", "D")),
        ("Fig. 2B-D", "", ("B", "C", "D")),
        ("Figure 2B and C", "", ("B", "C")),
        ("Figure 2B", " and C", ("B", "C")),
        ("Figure 2", "B", ("B",)),
        ("Fig. 2", ", B and C", ("B", "C")),
        ("Figure 3A, E", "", ("A", "E")),
        ("Figure 3A", ", E", ("A", "E")),
        ("Fig. 1a–c", "", ("a", "b", "c")),
        ("Fig. 2a, b, c and d", "", ("a", "b", "c", "d")),
        ("Figure 2", "", ()),
        ("Figure 5A–5D", "", ("A", "B", "C", "D")),
        ("Figure 2C and 2D", "", ("C", "D")),
        ("Figure 3", ", panels A–J", tuple("ABCDEFGHIJ")),
        ("Figure 2", " (A to C", ("A", "B", "C")),
        ("Fig. 1", " (a),(b) and (c) in solid line boxes", ("a", "b", "c")),
        ("Figure 2A′ and B′", "", ("A′", "B′")),
        ("Figure 1—figure supplement 2A", "", ("A",)),
        ("Figures 2A and 2B", "", ("A", "B")),
        ("Figure 7", "D and S7", ("D",)),
        ("Fig. 3A", ", pie chart insets a and b", ("A",)),
        ("Figure 1", "A, part b", ("A",)),
        ("Fig. 2B", ", right", ("B",)),
    ],
)
def test_panels_of_a_single_figure(xref_text: str, following: str, panels: tuple[str, ...]) -> None:
    segments = find_segments(xref_text, following)
    assert assign_panels(segments, [label_number("Figure " + (segments[-1].number or "1"))]) == [panels]


@pytest.mark.parametrize(
    ("xref_text", "following"),
    [
        ("Figure 2", " and a previous study"),  # the article "a" is not a panel
        ("Figure 4", ", MmPPOX was also found"),  # a word, not a letter
        ("Fig. 2", " and Table 1"),
        ("Figure 2", " and S3"),  # a supplementary figure, not panel S
        ("Figure 2", " a new"),
    ],
)
def test_words_after_a_reference_are_not_panels(xref_text: str, following: str) -> None:
    assert [segment.panels for segment in find_segments(xref_text, following)] == [()]


def test_one_xref_naming_two_figures_maps_panels_by_label_number() -> None:
    segments = find_segments("Figures 2A and 3C")
    assert segments == [Segment("2", ("A",)), Segment("3", ("C",))]
    assert assign_panels(segments, ["2", "3"]) == [("A",), ("C",)]
    assert assign_panels(segments, ["3", "2"]) == [("C",), ("A",)]


def test_figure_ranges_give_whole_figures() -> None:
    assert assign_panels(find_segments("Figures 3-5"), ["3", "4", "5"]) == [(), (), ()]


def test_unlabelled_targets_fall_back_to_reference_order() -> None:
    assert assign_panels(find_segments("Figs. 1B and 2C"), [None, None]) == [("B",), ("C",)]


def test_xref_holding_only_a_panel_letter() -> None:
    assert find_segments("B") == [Segment(None, ("B",))]


@pytest.mark.parametrize(
    ("label", "number"),
    [("Figure 2", "2"), ("Figure 1—figure supplement 2.", "2"), ("Fig. S3", "S3"), (None, None),
     ("Graphical abstract", None)],
)
def test_label_number(label: str | None, number: str | None) -> None:
    assert label_number(label) == number
