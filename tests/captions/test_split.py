"""Sub-caption splitting on realistic captions, one label style per test."""

from __future__ import annotations

import pytest

from panel2patch.captions import parse_caption, subcaption_for


def texts(caption: str, hint: list[str] | None = None) -> dict[str, str]:
    """label -> its sub-caption text without the preamble."""
    parse = parse_caption(caption, hint)
    return {label: subcaption_for(parse, label, with_preamble=False) for label in parse.labels}


def test_parenthesised_capitals_with_title_preamble() -> None:
    parse = parse_caption(
        "Expression of Hsp-27 in prostate tissue. (A) Normal tissue with cytoplasmic staining. "
        "(B) Hyperplastic epithelium. (C) Adenocarcinoma, Gleason 3+3."
    )
    assert parse.preamble == "Expression of Hsp-27 in prostate tissue."
    assert [s.labels for s in parse.subcaptions] == [("A",), ("B",), ("C",)]
    assert subcaption_for(parse, "B") == (
        "Expression of Hsp-27 in prostate tissue. Hyperplastic epithelium."
    )
    assert subcaption_for(parse, "B", with_preamble=False) == "Hyperplastic epithelium."


@pytest.mark.parametrize(
    "caption",
    [
        "Title. A. Photographs of prostates. B. Average prostate mass. C. H&E staining.",
        "Title. A: Photographs of prostates. B: Average prostate mass. C: H&E staining.",
        "Title. A, Photographs of prostates; B, Average prostate mass; C, H&E staining.",
        "Title. A) Photographs of prostates. B) Average prostate mass. C) H&E staining.",
        "Title. a) Photographs of prostates. b) Average prostate mass. c) H&E staining.",
        "Title.A. Photographs of prostates. B. Average prostate mass. C. H&E staining.",
        "TitleA) Photographs of prostates. B) Average prostate mass. C) H&E staining.",
    ],
)
def test_bare_label_styles(caption: str) -> None:
    got = texts(caption)
    assert len(got) == 3
    first, second, third = (got[label] for label in sorted(got))
    assert first.startswith("Photographs of prostates")
    assert second.startswith("Average prostate mass")
    assert third.startswith("H&E staining")


def test_springer_style_needs_a_run_of_labels() -> None:
    got = texts("Histopathology. a Low-power view of benign glands. b High-power view of tumour.")
    assert got == {"a": "Low-power view of benign glands.", "b": "High-power view of tumour."}
    # A lone sentence-initial article is not panel A.
    assert parse_caption("Overview. A carcinoma in situ component was present.").labels == ()


def test_ranges_lists_and_shared_text() -> None:
    caption = ("(A\u2013C) Representative images of control mice. (D, E) Quantification of "
               "lesions. (F and G) Western blots. H\u2013J, TUNEL staining.")
    parse = parse_caption(caption)
    assert [s.labels for s in parse.subcaptions] == [
        ("A", "B", "C"), ("D", "E"), ("F", "G"), ("H", "I", "J")]
    assert subcaption_for(parse, "B") == "Representative images of control mice."
    assert subcaption_for(parse, "I") == "TUNEL staining."


def test_lowercase_range_in_parentheses() -> None:
    got = texts("Staining. (a\u2013c) H&E of three lobes. (d) Ki-67 index.")
    assert got["b"] == "H&E of three lobes."
    assert got["d"] == "Ki-67 index."


def test_references_inside_a_sentence_do_not_open() -> None:
    caption = ("Two cancers. (A) Cancer with strong CD57. (B) Cancer without CD57. (C) Same "
               "staining as in (A), while (B) shows the absence of PSA.")
    parse = parse_caption(caption)
    assert [s.labels for s in parse.subcaptions] == [("A",), ("B",), ("C",)]
    assert subcaption_for(parse, "C", False) == (
        "Same staining as in (A), while (B) shows the absence of PSA.")
    # A label that opens its own sub-caption later is only a reference before that.
    caption = ("Two cancers. (A) Cancer with strong CD57. (B) Same case as in (A), while (C) "
               "shows the absence of PSA. (C) Cancer without CD57.")
    parse = parse_caption(caption)
    assert [s.labels for s in parse.subcaptions] == [("A",), ("B",), ("C",)]
    assert subcaption_for(parse, "B", False) == (
        "Same case as in (A), while (C) shows the absence of PSA.")


def test_enumeration_after_commas_moves_forward_only() -> None:
    got = texts("Arrays stained for: (A) MMP-1, (B) MMP-2, (C) MMP-7 and (D) TIMP-1.")
    assert got == {"A": "MMP-1,", "B": "MMP-2,", "C": "MMP-7 and", "D": "TIMP-1."}
    # "(A, E) 5 h or (B–D, F–H) the indicated times" only refers back: no new sub-captions.
    parse = parse_caption("(A, B) Primary cells or (C\u2013H) cell lines were infected for "
                          "(A, E) 5 h or (B\u2013D, F\u2013H) the indicated times.")
    assert [s.labels for s in parse.subcaptions] == [
        ("A", "B"), ("C", "D", "E", "F", "G", "H")]


def test_roman_and_arabic_numerals() -> None:
    roman = texts("Progression. (i) Low-grade PIN. (ii) High-grade PIN. (iii) Invasive cancer.")
    assert roman == {"i": "Low-grade PIN.", "ii": "High-grade PIN.", "iii": "Invasive cancer."}
    arabic = texts("Protocol. (1) Biopsy is fixed. (2) Sections are stained. (3) Slides scanned.")
    assert arabic["2"] == "Sections are stained."


def test_roman_sub_enumeration_stays_inside_its_panel() -> None:
    parse = parse_caption("(A) Cells were (i) fixed and (ii) stained. (B) Quantification.")
    assert parse.labels == ("A", "B")


def test_subpanels_with_roman_suffix_and_parent_fallback() -> None:
    parse = parse_caption("(Ai\u2013ii) Phase contrast images of mock-treated (i) and treated "
                          "(ii) cells. (B) Fluorescent images. (C) Time lapse.")
    assert parse.labels == ("Ai", "Aii", "B", "C")
    assert subcaption_for(parse, "Aii", False).startswith("Phase contrast images")
    # Unknown sub-panel falls back to its parent; case-insensitive match.
    assert subcaption_for(parse, "C2", False) == "Time lapse."
    assert subcaption_for(parse, "b", False) == "Fluorescent images."


def test_trailing_labels_close_their_clause() -> None:
    caption = ("Receptor expression. Tissue from a hyperplasia patient was stained for LDLR (a); "
               "a consecutive area was stained for SR-BI (b). The cells are shown in (c).")
    parse = parse_caption(caption)
    assert parse.preamble == "Receptor expression."
    got = {label: subcaption_for(parse, label, False) for label in parse.labels}
    assert got["a"] == "Tissue from a hyperplasia patient was stained for LDLR"
    assert got["b"] == "a consecutive area was stained for SR-BI."
    assert got["c"] == "The cells are shown in (c)."  # a reference keeps its label


def test_positional_words_as_labels() -> None:
    got = texts("Tumour xenografts. Left: H&E staining of the graft. Right: AR immunostaining.")
    assert got == {"left": "H&E staining of the graft.", "right": "AR immunostaining."}
    got = texts("Upper panels, H&E. Lower panels, Ki-67. (first column) day 1; (second column) "
                "day 7.")
    assert set(got) >= {"top", "bottom"}
    # Inside a lettered caption, positional words are ordinary text.
    assert parse_caption("(A) The left panel shows H&E. (B) Right: IHC.").labels == ("A", "B")


def test_figure_wide_tail_goes_to_every_panel() -> None:
    parse = parse_caption("Title. (A) Control. (B) Treated. (C) Knock-out. Scale bars, 50 \u00b5m. "
                          "Data are mean \u00b1 SD of three experiments.")
    assert subcaption_for(parse, "A", False) == (
        "Control. Scale bars, 50 \u00b5m. Data are mean \u00b1 SD of three experiments.")
    assert subcaption_for(parse, "C", False).startswith("Knock-out. Scale bars")


def test_tail_sentence_that_names_panels_goes_to_those() -> None:
    parse = parse_caption("(A) Blot. (B) Densitometry. (C) Survival. (D) Images. Data are "
                          "mean \u00b1 SEM for (B, C). Scale bar, 20 \u00b5m.")
    assert "Data are" in subcaption_for(parse, "B")
    assert "Data are" not in subcaption_for(parse, "A")
    assert "Scale bar" in subcaption_for(parse, "A")


def test_parenthesised_legend() -> None:
    parse = parse_caption("Granulomatous prostatitis with giant cells. (A: H&E, \u00d7100; "
                          "B: H&E, \u00d7400)")
    assert parse.preamble == "Granulomatous prostatitis with giant cells."
    assert subcaption_for(parse, "B", False) == "H&E, \u00d7400"


def test_image_labels_hint_settles_article_versus_label() -> None:
    caption = "Cores. A Tumour core. B Normal core."
    assert parse_caption(caption, ["A", "B"]).labels == ("A", "B")
    assert subcaption_for(parse_caption(caption, ["A", "B"]), "A", False) == "Tumour core."


def test_unknown_label_gets_preamble_and_shared_text() -> None:
    parse = parse_caption("Title. (A) One. (B) Two. Scale bars, 10 \u00b5m.")
    assert subcaption_for(parse, "Z") == "Title. Scale bars, 10 \u00b5m."


def test_enumeration_inside_a_multi_panel_sub_caption_shares_its_stem() -> None:
    parse = parse_caption("(A\u2013C) p63 staining of organ cultures grown in the absence (A) or "
                          "presence of Wnt3a (B) or DKK1 (C). Nuclei were counterstained with "
                          "DAPI. (D) Quantification.")
    assert subcaption_for(parse, "B", False) == (
        "p63 staining of organ cultures grown in presence of Wnt3a. "
        "Nuclei were counterstained with DAPI.")
    assert subcaption_for(parse, "A", False).startswith(
        "p63 staining of organ cultures grown in the absence.")


def test_stem_keeps_the_items_own_preposition() -> None:
    parse = parse_caption("(A\u2013F) No tumours formed in mice with transplanted stem cells "
                          "(A, B), without transplantation (C, D) or with DU145 cells (E, F).")
    assert subcaption_for(parse, "C", False) == (
        "No tumours formed in mice without transplantation.")
    assert subcaption_for(parse, "E", False) == "No tumours formed in mice with DU145 cells."


def test_trailing_label_list_gets_stem_and_rest_of_sentence() -> None:
    parse = parse_caption("Iron status. Hepcidin according to quintiles of ferritin (A), "
                          "transferrin saturation (B) and iron-binding capacity (C) in 1,000 "
                          "donors.")
    assert subcaption_for(parse, "B", False) == (
        "Hepcidin according to quintiles of transferrin saturation in 1,000 donors.")
    parse = parse_caption("mRNA (a) and miRNA (b) signatures of drug sensitivity.")
    assert subcaption_for(parse, "a", False) == "mRNA signatures of drug sensitivity."
    assert subcaption_for(parse, "b", False) == "miRNA signatures of drug sensitivity."


def test_labels_with_respectively_close_their_clause() -> None:
    parse = parse_caption("B cells were quantified in uninfected WT and knock-out mice (A and B, "
                          "respectively), and in infected WT and knock-out mice (C and D, "
                          "respectively). (E) Histograms.")
    assert parse.labels == ("A", "B", "C", "D", "E")
    assert subcaption_for(parse, "C", False) == (
        "B cells were quantified in infected WT and knock-out mice.")
