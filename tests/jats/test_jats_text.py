"""Text flattening: inline markup glued as in the source, blocks separated, nothing dropped."""

from __future__ import annotations

import pytest
from lxml import etree

from panel2patch.jats.text import FLOAT_TAGS, flatten, normalize_space

MML = 'xmlns:mml="http://www.w3.org/1998/Math/MathML"'


def element(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode())


@pytest.mark.parametrize(
    ("xml", "text"),
    [
        ("<p>Ca<sup>2+</sup> influx</p>", "Ca2+ influx"),
        ("<p>log<sub>2</sub>FC</p>", "log2FC"),
        ("<p>M<italic>m</italic>PPOX inhibits <italic>M. bovis</italic> BCG</p>", "MmPPOX inhibits M. bovis BCG"),
        ("<p>see <xref ref-type='fig' rid='f1'>Figure 1</xref>B and <bold>C</bold>.</p>", "see Figure 1B and C."),
        ("<p><named-content content-type='gene'>XRN1</named-content>-deficient</p>", "XRN1-deficient"),
        ("<p>a<break/>b</p>", "a b"),
        ("<p>one\n\t  two\u00a0three\u2009four</p>", "one two three four"),
        ("<p>kept <?pi nothing?>tail</p>", "kept tail"),
    ],
)
def test_inline_markup_is_glued_as_in_the_source(xml: str, text: str) -> None:
    assert flatten(element(xml)) == text


def test_blocks_are_separated_and_tails_kept() -> None:
    caption = element(
        "<caption><title>Dopamine inhibits motility.</title><p>(<bold>A</bold>) Before.</p>"
        "<p>(<bold>B</bold>) After.</p></caption>"
    )
    assert flatten(caption) == "Dopamine inhibits motility. (A) Before. (B) After."
    section = element("<sec><label>2.</label><title>Results</title><p>Text<list><list-item><p>one</p>"
                      "</list-item><list-item><p>two</p></list-item></list>after the list.</p></sec>")
    assert flatten(section) == "2. Results Text one two after the list."


def test_table_cells_do_not_run_together() -> None:
    table = element("<table><tr><td>Benchmark</td><td>Attractors</td></tr><tr><td>1</td><td>2</td></tr></table>")
    assert flatten(table) == "Benchmark Attractors 1 2"


def test_citation_parts_without_punctuation_are_spaced() -> None:
    name = element("<name><surname>Smouse</surname><given-names>PE</given-names></name>")
    assert flatten(name) == "Smouse PE"


def test_skip_leaves_out_floats_but_keeps_their_tail() -> None:
    paragraph = element("<p>Before <fig><caption><p>Caption.</p></caption></fig>after.</p>")
    assert flatten(paragraph, skip=FLOAT_TAGS) == "Before after."
    assert flatten(paragraph) == "Before Caption. after."


def test_alternatives_keep_one_rendering_of_a_formula() -> None:
    formula = element(
        f"<p {MML}>with <inline-formula><alternatives>"
        "<tex-math>\\documentclass[12pt]{minimal}\\begin{document}$x^2$\\end{document}</tex-math>"
        "<mml:math><mml:msup><mml:mi>x</mml:mi><mml:mn>2</mml:mn></mml:msup></mml:math>"
        "<inline-graphic/></alternatives></inline-formula> here</p>"
    )
    assert flatten(formula) == "with x2 here"


def test_tex_math_alone_loses_its_latex_preamble() -> None:
    formula = element(
        "<p>value <inline-formula><tex-math>\\documentclass[12pt]{minimal}\\usepackage{amsmath}"
        "\\begin{document}$\\alpha$\\end{document}</tex-math></inline-formula>.</p>"
    )
    assert flatten(formula) == "value $\\alpha$."


def test_missing_element_and_whitespace_only() -> None:
    assert flatten(None) == ""
    assert flatten(element("<p>  \n </p>")) == ""
    assert normalize_space(" a \u00a0 b\n") == "a b"
