"""Figure mentions: the whole sentence around each <xref> and the panels it names."""

from __future__ import annotations

from collections.abc import Callable

from panel2patch.jats import parse_article
from panel2patch.records import FigureRecord


def figures_with(make_article: Callable[..., bytes], paragraphs: str, n_figures: int = 3,
                 front: str = "", back: str = "") -> dict[str, FigureRecord]:
    figs = "".join(f'<fig id="F{n}"><label>Figure {n}</label><graphic xlink:href="g{n}"/></fig>'
                   for n in range(1, n_figures + 1))
    article = parse_article(make_article(body=paragraphs + figs, front=front, back=back))
    return {figure.fig_id: figure for figure in article.figures}


def xref(rid: str, text: str) -> str:
    return f'<xref ref-type="fig" rid="{rid}">{text}</xref>'


def test_sentence_and_panels(make_article: Callable[..., bytes]) -> None:
    paragraph = (f"<p>Mitochondria moved (Fig. 1). Dopamine stopped them in cultured neurons as in "
                 f"earlier work by Smith et al. (<xref ref-type=\"bibr\" rid=\"b1\">12</xref>; "
                 f"{xref('F2', 'Fig. 2B–D')}). The effect was reversible.</p>")
    figures = figures_with(make_article, paragraph)
    (mention,) = figures["F2"].mentions
    assert mention.sentence == ("Dopamine stopped them in cultured neurons as in earlier work by Smith et al. "
                                "(12; Fig. 2B–D).")
    assert mention.panels == ("B", "C", "D")
    assert mention.xref_text == "Fig. 2B–D"
    assert figures["F1"].mentions == []  # "Fig. 1" without an <xref> is not a mention


def test_two_xrefs_and_text_after_the_xref(make_article: Callable[..., bytes]) -> None:
    paragraph = (f"<p>Both were seen ({xref('F2', 'Figs. 2A')} and {xref('F3', '3C')}). "
                 f"Speeds fell ({xref('F1', 'Figure 1')}B and C) but not in {xref('F1', 'Figure 1')}, "
                 f"B and C of the controls. Blots are in ({xref('F3', 'Figure 3')}; top panel).</p>")
    figures = figures_with(make_article, paragraph)
    assert [m.panels for m in figures["F2"].mentions] == [("A",)]
    assert [m.panels for m in figures["F3"].mentions] == [("C",), ()]
    assert [(m.panels, m.sentence) for m in figures["F1"].mentions] == [
        (("B", "C"), "Speeds fell (Figure 1B and C) but not in Figure 1, B and C of the controls."),
    ]


def test_one_xref_naming_two_figures(make_article: Callable[..., bytes]) -> None:
    figures = figures_with(make_article, f"<p>See {xref('F2 F3', 'Figures 2A and 3C')}.</p>")
    assert figures["F2"].mentions[0].panels == ("A",)
    assert figures["F3"].mentions[0].panels == ("C",)
    assert figures["F3"].mentions[0].xref_text == "Figures 2A and 3C"


def test_range_split_over_two_xrefs(make_article: Callable[..., bytes]) -> None:
    figures = figures_with(make_article, f"<p>{xref('F3', 'Figure 3')}A–{xref('F3', '3')}C shows cells.</p>")
    assert [m.panels for m in figures["F3"].mentions] == [("A", "B", "C")]


def test_lowercase_panels_and_dedup(make_article: Callable[..., bytes]) -> None:
    paragraph = (f"<p>Power rises ({xref('F1', 'Fig. 1a–c')}), as in {xref('F1', 'Fig. 1a–c')}. "
                 f"It falls ({xref('F1', 'Fig. 1')} and a previous study).</p>")
    mentions = figures_with(make_article, paragraph)["F1"].mentions
    assert [(m.panels, m.sentence) for m in mentions] == [
        (("a", "b", "c"), "Power rises (Fig. 1a–c), as in Fig. 1a–c."),
        ((), "It falls (Fig. 1 and a previous study)."),
    ]


def test_figure_supplement_and_fig_group_rid(make_article: Callable[..., bytes]) -> None:
    body = (f"<p>Growth fell ({xref('fig1s2', 'Figure 1—figure supplement 2A')}, {xref('grp', 'Figure 1')}).</p>"
            '<fig-group id="grp"><fig id="fig1"><label>Figure 1.</label><graphic xlink:href="f1"/></fig>'
            '<fig id="fig1s2" specific-use="child-fig"><label>Figure 1—figure supplement 2.</label>'
            '<graphic xlink:href="f1s2"/></fig></fig-group>')
    figures = {f.fig_id: f for f in parse_article(make_article(body=body)).figures}
    assert figures["fig1s2"].parent_fig_id == "fig1"
    assert [m.panels for m in figures["fig1s2"].mentions] == [("A",)]
    assert [m.xref_text for m in figures["fig1"].mentions] == ["Figure 1"]


def test_mentions_outside_paragraphs_floats_and_front(make_article: Callable[..., bytes]) -> None:
    paragraph = (f'<p>Text ({xref("F1", "Figure 1A")}) <fig id="F9"><caption><p>Like '
                 f'{xref("F1", "Figure 1B")}.</p></caption></fig>continues.</p>')
    front = f"<article-meta><abstract><p>Abstract cites {xref('F1', 'Figure 1C')}.</p></abstract></article-meta>"
    back = f"<app-group><app><p>Appendix shows {xref('F1', 'Fig. 1D')} again.</p></app></app-group>"
    mentions = figures_with(make_article, paragraph, n_figures=1, front=front, back=back)["F1"].mentions
    assert [(m.sentence, m.panels) for m in mentions] == [
        ("Text (Figure 1A) continues.", ("A",)),
        ("Like Figure 1B.", ("B",)),
        ("Appendix shows Fig. 1D again.", ("D",)),
    ]


def test_table_mentions_and_unknown_rids(make_article: Callable[..., bytes]) -> None:
    body = ('<p>Counts are in <xref ref-type="table" rid="T1">Table 1</xref>; see '
            f'{xref("nowhere", "Figure 9")}.</p><table-wrap id="T1"><graphic xlink:href="t1"/></table-wrap>')
    (table,) = parse_article(make_article(body=body)).figures
    assert [m.sentence for m in table.mentions] == ["Counts are in Table 1; see Figure 9."]
