"""Marker phrases: every marker type, colours, phrase shapes, panels, significance legends."""

from __future__ import annotations

import pytest

from panel2patch.captions import MARKER_TYPES, MarkerPhrase, parse_caption


def markers(caption: str) -> list[MarkerPhrase]:
    return parse_caption(caption).marker_phrases


def only(caption: str) -> MarkerPhrase:
    found = markers(caption)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("caption", "marker", "color", "phrase"),
    [
        ("(D) White arrowheads indicate apoptotic nuclei.", "arrowhead", "white",
         "apoptotic nuclei"),
        ("(A) Red arrows point to invasive glands.", "arrow", "red", "invasive glands"),
        ("(A) Apoptotic nuclei are marked by asterisks.", "asterisk", None, "Apoptotic nuclei"),
        ("(A) Prostatic glands (*) surround the lesion.", "asterisk", None, "Prostatic glands"),
        ("(A) Tumour nests (stars) are surrounded by immune cells.", "star", None,
         "Tumour nests"),
        ("(A) Cystic dilatation (#) of the pelvis.", "hash", None, "Cystic dilatation"),
        ("(A) Daggers mark necrotic foci.", "dagger", None, "necrotic foci"),
        ("(A) Yellow boxes outline the areas enlarged below.", "box", "yellow",
         "areas enlarged below"),
        ("(A) The rectangle marks the invasive front.", "box", None, "invasive front"),
        ("(A) Disrupted capsules are circled.", "circle", None, "Disrupted capsules"),
        ("(A) Red dashed lines delineate the peripheral zone.", "dashed_line", "red",
         "peripheral zone"),
        ("(A) The tumour border is shown by a dotted line.", "dotted_line", None,
         "tumour border"),
        ("(A) Brackets indicate the thickened stroma.", "bracket", None, "thickened stroma"),
        ("(A) Insets show mitotic figures at higher magnification.", "inset", None,
         "mitotic figures at higher magnification"),
        ("(C) Some filaments have been highlighted in green.", "highlight", "green",
         "filaments"),
        ("(A) Especially large vessels show hyalinization around them (arrow).", "arrow", None,
         "hyalinization around them"),
        ("(A) Open arrowheads, basal cells.", "arrowhead", "open", "basal cells"),
        ("(A) Arrows: apoptotic bodies.", "arrow", None, "apoptotic bodies"),
        ("(A) The partially denuded urothelium is indicated by the red arrow.", "arrow", "red",
         "partially denuded urothelium"),
    ],
)
def test_marker_forms(caption: str, marker: str, color: str | None, phrase: str) -> None:
    found = only(caption)
    assert (found.marker, found.color, found.phrase) == (marker, color, phrase)
    assert found.marker in MARKER_TYPES


def test_clause_and_panels_come_from_the_sub_caption() -> None:
    parse = parse_caption("Title. (A) Control. (B) Treated; arrowheads indicate mitoses. "
                          "(C) Knock-out.")
    (found,) = parse.marker_phrases
    assert found.clause == "arrowheads indicate mitoses."
    assert found.labels == ("B",)


def test_boxed_area_links_the_source_and_the_magnified_panel() -> None:
    parse = parse_caption("(A) Whole tumour. (B) Higher power view of the boxed area in A. "
                          "(C) Tumour core; the boxed region is magnified in D. (D) Detail.")
    boxes = [m for m in parse.marker_phrases if m.marker == "box"]
    assert [m.phrase for m in boxes] == ["boxed area", "boxed region"]
    assert set(boxes[0].labels) == {"A", "B"}
    assert set(boxes[1].labels) == {"C", "D"}


def test_labels_named_in_the_clause_narrow_a_multi_panel_sub_caption() -> None:
    parse = parse_caption("(D\u2013F) In prostate, inflammatory cells infiltrate the peripheral "
                          "zone (D and E, red dashed lines).")
    (found,) = parse.marker_phrases
    assert found.labels == ("D", "E")
    assert found.phrase == "inflammatory cells infiltrate the peripheral zone"


def test_marker_in_the_preamble_applies_to_the_whole_figure() -> None:
    parse = parse_caption("Arrows indicate tumour cells. (A) H&E. (B) Ki-67.")
    assert parse.marker_phrases[0].labels == ()


def test_several_markers_in_one_clause() -> None:
    found = markers("(E) Strong stain in G3 glands (arrow) and absent stain in G5 glands "
                    "(arrowhead).")
    assert [(m.marker, m.phrase) for m in found] == [
        ("arrow", "Strong stain in G3 glands"), ("arrowhead", "absent stain in G5 glands")]


@pytest.mark.parametrize(
    "caption",
    [
        "(A) Quantification. *P < 0.05; **P < 0.01; ***P < 0.001.",
        "(A) Quantification; asterisks indicate significant differences versus control.",
        "(A) Bars show mean \u00b1 SD (n = 3); * p<0.05 compared with vehicle.",
        "(A) Hematoxylin and eosin, original magnification *200.",
        "(A) Boxes represent the interquartile range and whiskers the 95th percentile.",
        "(A) Chi-square test. (B) Box plots of tumour volume.",
        "(A) The TATA-box containing promoter.",
    ],
)
def test_significance_legends_and_non_markers_are_skipped(caption: str) -> None:
    assert markers(caption) == []


def test_colours_and_symbols_mixed_in_one_parenthesis() -> None:
    found = only("(F) A filament is connected to a TPF by two densities (red, white arrows).")
    assert (found.marker, found.color) == ("arrow", "white")
