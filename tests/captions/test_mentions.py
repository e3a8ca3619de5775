"""Inline body-text mentions as extra per-panel text."""

from __future__ import annotations

from panel2patch.captions import WHOLE_FIGURE, mention_texts_by_panel
from panel2patch.records import FigureMention


def test_records_and_tuples_are_grouped_by_panel() -> None:
    mentions = [
        FigureMention("Tumours grew faster (Fig. 2B\u2013D).", ("B", "C", "D"), "Fig. 2B\u2013D"),
        ("Ki-67 was higher in knock-outs (Fig. 2B).", ["B"]),
        ("Tumours grew faster (Fig. 2B\u2013D).", ("B",)),  # duplicate sentence
        ("See Figure 2 for an overview.", ()),
    ]
    texts = mention_texts_by_panel(mentions)
    assert texts["B"] == ["Tumours grew faster (Fig. 2B\u2013D).",
                          "Ki-67 was higher in knock-outs (Fig. 2B)."]
    assert texts["D"] == ["Tumours grew faster (Fig. 2B\u2013D)."]
    assert WHOLE_FIGURE not in texts
    assert mention_texts_by_panel(mentions, include_whole_figure=True)[WHOLE_FIGURE] == [
        "See Figure 2 for an overview."]


def test_ranges_given_as_one_name_are_expanded() -> None:
    assert set(mention_texts_by_panel([("Text.", ["A-C"])])) == {"A", "B", "C"}


def test_empty_sentences_are_skipped() -> None:
    assert mention_texts_by_panel([("  ", ["A"])]) == {}
