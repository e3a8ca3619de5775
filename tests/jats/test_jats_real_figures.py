"""Real captions (full text, correct spacing) and real mentions with their panels."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from panel2patch.records import FigureMention, FigureRecord, ParsedArticle

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def figure(real_article: Callable[[str], ParsedArticle]) -> Callable[[str, str], FigureRecord]:
    def lookup(fragment: str, fig_id: str) -> FigureRecord:
        (found,) = [record for record in real_article(fragment).figures if record.fig_id == fig_id]
        return found

    return lookup


Lookup = Callable[[str, str], FigureRecord]


def test_caption_is_title_plus_paragraphs(figure: Lookup) -> None:
    # PMC2467486 Figure 1: pubmed_parser keeps only the <title>; the legend is in the <p>
    caption = figure("PMC2467486", "pone-0002804-g001")
    assert caption.title == ("The dopamine receptor subtypes, D1R and D2R, are both expressed in cultured "
                             "hippocampal neurons (A–D).")
    assert caption.caption == (
        "The dopamine receptor subtypes, D1R and D2R, are both expressed in cultured hippocampal neurons (A–D). "
        "D1 receptors are shown in red (A); D2 receptors are shown in green (B); MAP2 expression (soma and "
        "dendrites) is shown in blue (C); the merged image (D) indicates colocalization (yellow)."
    )
    assert caption.graphics == ["pone.0002804.g001"]


@pytest.mark.parametrize(
    ("fragment", "fig_id", "substring"),
    [
        # M<italic>m</italic>PPOX and <italic>M. tuberculosis</italic>, title then paragraph
        ("pone.0046493", "pone-0046493-g004",
         "Antimycobacterial activity of MmPPOX and THL. Susceptibilities of M. tuberculosis were determined"),
        # (<bold>A</bold>) after a <title>
        ("elife-46793", "fig2",
         "to G4 stabilisation. (A) A G-tetrad with four interacting guanines (left), which stack to form"),
        # log<sub>2</sub>FC and <italic>XRN1</italic> inside a sentence
        ("elife-46793", "fig2s1", "(C) Comparison of FDR and log2FC values for a hairpin targeting XRN1 following"),
        # MECA: the whole legend is inside <title>, with <bold> and <italic> runs
        ("OpenApePose", "fig1", "Sampling of annotated images in the OpenApePose dataset. Thirty-two photographs"),
        ("OpenApePose", "fig2", "Properties of our OpenApePose database. A. Number of annotated images"),
    ],
)
def test_real_captions_keep_inline_markup_with_spacing(
    figure: Lookup, fragment: str, fig_id: str, substring: str
) -> None:
    assert substring in figure(fragment, fig_id).caption


def test_elife_figure_supplements_point_at_their_parent(real_article: Callable[[str], ParsedArticle]) -> None:
    figures = real_article("elife-46793").figures
    parents = {record.fig_id: record.parent_fig_id for record in figures}
    assert parents["fig2"] is None and parents["fig2s1"] == "fig2"
    assert parents["fig8s1"] == parents["fig8s2"] == parents["fig8s3"] == "fig8"
    supplements = {record.fig_id for record in figures if "figure supplement" in (record.label or "")}
    assert {fig_id for fig_id, parent in parents.items() if parent} == supplements
    assert len(supplements) == 9


def mention(record: FigureRecord, sentence_start: str) -> FigureMention:
    found = [m for m in record.mentions if m.sentence.startswith(sentence_start)]
    assert found, [m.sentence[:60] for m in record.mentions]
    return found[0]


@pytest.mark.parametrize(
    ("fragment", "fig_id", "sentence", "panels"),
    [
        ("PMC2467486", "pone-0002804-g003",
         "We found that dopamine has a net inhibitory effect on mitochondrial movement in hippocampal neurons "
         "(Fig. 3A–C).", ("A", "B", "C")),
        ("PMC2467486", "pone-0002804-g003",
         "As shown in Fig. 3C, there was already a dramatic decrease", ("C",)),
        ("PMC2467486", "pone-0002804-g004",
         "In contrast to the effect of bromocriptine", ("D", "E")),
        ("PMC2467486", "pone-0002804-g001",
         "D1 receptors are the second major class of dopamine receptors found in hippocampal neurons (Figs. 1, 2).",
         ()),
        ("PMC2467486", "pone-0002804-g002",
         "D1 receptors are the second major class of dopamine receptors found in hippocampal neurons (Figs. 1, 2).",
         ()),
        # "<xref>Figure 3</xref>A–<xref>3</xref>C": one range over two xrefs
        ("pbio.0020365", "pbio-0020365-g003",
         "Figure 3A–3C shows examples of an attention cell, a memory cell, and two hybrid cells.", ("A", "B", "C")),
        ("pbio.0020365", "pbio-0020365-g003", "We represented firing rate data in a 4 × 4 matrix", ("A", "B", "C")),
        ("pone.0010562", "pone-0010562-g005", "Muscarinic receptor expression was also measured", ("A",)),
        ("pone.0026358", "pone-0026358-g003", "These data are shown for the 10 responders", tuple("ABCDEFGHIJ")),
        ("elife-46793", "fig8s3", "The percentage difference in confluency", ("C", "D", "E", "F")),
        ("elife-46793", "fig10", "By immunoblotting of nuclear and cytoplasmic sub-cellular fractions",
         ("B", "C", "D", "E")),
        ("0060593.zip", "pone-0060593-g001", "An Attractor [10]: It is the set of states", ("a", "b", "c")),
        ("pone.0046493", "pone-0046493-g004", "As shown in Figure 4, MmPPOX was also found", ()),
    ],
)
def test_real_mentions_and_panels(figure: Lookup, fragment: str, fig_id: str, sentence: str,
                                  panels: tuple[str, ...]) -> None:
    found = mention(figure(fragment, fig_id), sentence)
    assert found.panels == panels
    if sentence.endswith("."):
        assert found.sentence == sentence


def test_one_sentence_two_mentions_of_the_same_figure(figure: Lookup) -> None:
    record = figure("pone.0010562", "pone-0010562-g005")
    sentence = ("Muscarinic receptor expression was also measured at the protein level in primary cultures of "
                "purified sympathetic neurons (Figure 5A) and in Cos-7 cells expressing cDNA encoding the full "
                "length human M2 receptor sequence (Figure 5 B and C).")
    assert [(m.panels, m.xref_text) for m in record.mentions if m.sentence == sentence] == [
        (("A",), "Figure 5A"), (("B", "C"), "Figure 5"),
    ]


def test_real_mentions_are_whole_clean_sentences(real_articles: dict[str, ParsedArticle]) -> None:
    total = with_panels = 0
    for key, article in real_articles.items():
        for record in article.figures:
            for found in record.mentions:
                total += 1
                with_panels += bool(found.panels)
                assert found.sentence == found.sentence.strip() and "  " not in found.sentence, key
                assert found.xref_text in found.sentence, (key, found)
                assert "\x00" not in found.sentence and "\x01" not in found.sentence, key
    assert total > 1500 and with_panels > 800
