"""Figure records from synthetic articles: every <fig>, in order, with full captions."""

from __future__ import annotations

from collections.abc import Callable

from panel2patch.jats import parse_article


def fig(fig_id: str, label: str, caption: str, graphic: str) -> str:
    id_attribute = f' id="{fig_id}"' if fig_id else ""
    return (f"<fig{id_attribute}><label>{label}</label><caption>{caption}</caption>"
            f'<graphic xlink:href="{graphic}"/></fig>')


def test_every_figure_in_document_order(make_article: Callable[..., bytes]) -> None:
    body = (
        "<sec><p>Text.</p>" + fig("F1", "Figure 1", "<title>One.</title>", "f1") + "</sec>"
        + "<fig-group id=\"G2\">" + fig("fig2", "Figure 2.", "<title>Two.</title>", "f2")
        + fig("fig2s1", "Figure 2—figure supplement 1.", "<title>Supp.</title>", "f2s1") + "</fig-group>"
        + "<p>Inline <fig id=\"F3\"><label>Figure 3</label><graphic xlink:href=\"f3\"/></fig> tail.</p>"
    )
    appendix_fig = fig("", "Appendix 1—figure 1", "<p>App.</p>", "a1")
    back = f"<app-group><app><title>Appendix</title>{appendix_fig}</app></app-group>"
    article = make_article(body=body, back=back).replace(
        b"</article>", b'<floats-group><fig id="F9"><caption><p>Float.</p></caption><graphic xlink:href="f9"/></fig>'
        b"</floats-group></article>")
    figures = parse_article(article).figures
    assert [f.fig_id for f in figures] == ["F1", "fig2", "fig2s1", "F3", "F5", "F9"]
    assert [f.position for f in figures] == [1, 2, 3, 4, 5, 6]
    assert [f.parent_fig_id for f in figures] == [None, None, "fig2", None, None, None]
    assert [f.graphics for f in figures] == [["f1"], ["f2"], ["f2s1"], ["f3"], ["a1"], ["f9"]]
    assert figures[3].caption == "" and figures[3].label == "Figure 3"
    assert figures[5].label is None and figures[5].caption == "Float."
    assert all(f.kind == "figure" for f in figures)


def test_caption_is_title_and_every_paragraph_with_spacing(make_article: Callable[..., bytes]) -> None:
    caption = ("<title>Dopamine inhibits transport of <italic>mito</italic>chondria (A–C).</title>"
               "<p>(<bold>A</bold>) Speeds of Ca<sup>2+</sup>-loaded cells.</p><p>(<bold>B</bold>) After.</p>")
    (figure,) = parse_article(make_article(body=fig("F1", "Figure 1", caption, "g1"))).figures
    assert figure.title == "Dopamine inhibits transport of mitochondria (A–C)."
    assert figure.caption == ("Dopamine inhibits transport of mitochondria (A–C). (A) Speeds of Ca2+-loaded cells. "
                              "(B) After.")
    assert figure.caption_list_items == []


def test_caption_panel_list(make_article: Callable[..., bytes]) -> None:
    caption = ("<title>Panels.</title><p>Legend:</p><list list-type=\"simple\">"
               "<list-item><label>(A)</label><p>Wild <italic>type</italic>.</p></list-item>"
               "<list-item><label>(B)</label><p>Mutant:</p><list><list-item><p>left</p></list-item></list></list-item>"
               "</list>")
    (figure,) = parse_article(make_article(body=fig("F1", "Figure 1", caption, "g1"))).figures
    assert figure.caption_list_items == ["(A) Wild type.", "(B) Mutant: left"]
    assert figure.caption == "Panels. Legend: (A) Wild type. (B) Mutant: left"


def test_graphics_are_the_figures_own_images(make_article: Callable[..., bytes]) -> None:
    body = (
        '<fig id="F1"><caption><p>Formula <disp-formula><graphic xlink:href="formula"/></disp-formula> '
        '<inline-graphic xlink:href="inline"/></p></caption>'
        '<alternatives><graphic xlink:href="full.tif"/><graphic xlink:href="thumb.gif"/></alternatives></fig>'
        '<fig id="F2"><graphic xlink:href="left"/><graphic xlink:href="right"/></fig>'
        '<fig id="F3"><media xlink:href="movie.mov"/></fig>'
        '<table-wrap id="T1"><label>Table 1</label><caption><title>Counts.</title></caption>'
        '<alternatives><graphic xlink:href="t1.tif"/><table><tr><td>1</td></tr></table></alternatives></table-wrap>'
        '<table-wrap id="T2"><table><tr><td>xml only</td></tr></table></table-wrap>'
    )
    records = parse_article(make_article(body=body)).figures
    assert [(r.kind, r.fig_id, r.graphics) for r in records] == [
        ("figure", "F1", ["full.tif"]),
        ("figure", "F2", ["left", "right"]),
        ("figure", "F3", []),
        ("table", "T1", ["t1.tif"]),
    ]
    table = records[3]
    assert (table.label, table.title, table.caption, table.position) == ("Table 1", "Counts.", "Counts.", 1)
