"""Odd input never raises and stays fast: no labels, one long sentence, 20 kB, non-ASCII."""

from __future__ import annotations

import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from panel2patch.captions import parse_caption, subcaption_for

PIECES = [
    "(A)", "(b)", "A.", "B:", "c)", "(A\u2013C)", "(i)", "(ii)", "Left:", " and ", ", ", "; ",
    ". ", "arrows", "white arrowheads indicate", "(*)", "*P < 0.05", "Scale bar, 50 \u00b5m",
    "\u00d7400", "\u00a0", "\u2009", "\u2013", "((a), (b))", "(A: H&E; B: IHC)", "boxed area in A",
    "cells", "Fig. 2B", "e.g.", "E. coli", ")", "(", "[", "\u03bcm", "\ufeff", "\n",
]


def test_caption_without_labels_is_all_preamble() -> None:
    caption = "Representative H&E section of a prostatic adenocarcinoma, Gleason 4+4."
    parse = parse_caption(caption)
    assert parse.preamble == caption
    assert parse.subcaptions == []
    assert subcaption_for(parse, "A") == caption


def test_one_long_sentence() -> None:
    caption = ("Prostate sections from mice treated with vehicle or drug for four weeks were "
               "stained with antibodies against AR, Ki-67 and cleaved caspase-3 and "
               "counterstained with hematoxylin " * 20).strip()
    parse = parse_caption(caption)
    assert parse.preamble.startswith("Prostate sections")
    assert parse.subcaptions == []


def test_twenty_kilobyte_caption_is_fast() -> None:
    unit = ("(A) H&E of the ventral lobe, white arrowheads indicate mitoses (n = 3); "
            "(B) Ki-67, \u00d7400, scale bar 50\u00a0\u00b5m. ")
    caption = (unit * (20_000 // len(unit) + 1))[:20_000]
    start = time.perf_counter()
    parse = parse_caption(caption)
    assert time.perf_counter() - start < 1.0
    assert parse.labels[:2] == ("A", "B")
    hostile = "(" * 10_000 + "A" * 5_000 + ")" * 5_000
    start = time.perf_counter()
    parse_caption(hostile)
    parse_caption(" ".join(["A,"] * 5_000))
    parse_caption("a " * 10_000)
    assert time.perf_counter() - start < 2.0


def test_non_ascii_and_odd_punctuation() -> None:
    caption = ("Ki-67 \u2013 expression\u00a0in PCa.\u2009(A\u2013C)\u00a0IHC \u00d7200; "
               "scale bar\u00a0=\u00a050\u00a0\u03bcm. (D) \u2605 marks the lumen \u2026 "
               "\u201cquoted\u201d \u00b1 SD.")
    parse = parse_caption(caption)
    assert parse.labels == ("A", "B", "C", "D")
    assert parse.scale_bars[0].unit == "\u00b5m"
    assert "\u00a0" not in json.dumps(parse.to_dict(), ensure_ascii=False)
    assert [m.marker for m in parse.marker_phrases] == ["star"]


def test_empty_and_none_like_input() -> None:
    assert parse_caption("").to_dict() == {
        "preamble": "", "subcaptions": [], "marker_phrases": [], "scale_bars": []}
    assert parse_caption("   \n\t").preamble == ""
    assert parse_caption("(A)").labels in {(), ("A",)}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=40),
       st.lists(st.sampled_from(["A", "B", "c", "ii", "left", ""]), max_size=4))
def test_random_captions_never_raise(pieces: list[str], hint: list[str]) -> None:
    parse = parse_caption("".join(pieces), hint)
    encoded = json.dumps(parse.to_dict(), ensure_ascii=False)
    assert json.loads(encoded)["preamble"] == parse.preamble
    for label in (*parse.labels, "Z"):
        assert isinstance(subcaption_for(parse, label), str)
