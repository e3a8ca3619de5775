"""Flatten JATS elements to plain text with the spacing a reader sees.

Inline markup (``<italic>``, ``<sup>``, ``<xref>``, MathML ...) is glued exactly as in the
source, so ``Ca<sup>2+</sup>`` gives ``Ca2+`` and ``M<italic>m</italic>PPOX`` gives ``MmPPOX``.
Block elements (paragraphs, titles, labels, list items, table cells ...) are separated by a
space, so a caption title and its first paragraph never run together. Whitespace runs
(newlines, tabs, non-breaking spaces) collapse to one space. Tail text is always kept.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Mapping

from lxml import etree

BLOCK_TAGS: frozenset[str] = frozenset(
    """
    p title subtitle label caption sec list list-item def-list def-item term def
    fig fig-group table-wrap table-wrap-group table-wrap-foot table thead tbody tfoot tr td th
    disp-formula disp-formula-group disp-quote boxed-text statement speech speaker verse-group
    verse-line attrib fn fn-group ref ref-list abstract trans-abstract ack app app-group glossary
    notes body back front front-stub sub-article supplementary-material media graphic preformat
    code break hr address aff corresp license license-p copyright-statement copyright-year
    copyright-holder kwd kwd-group question answer explanation sig sig-block chem-struct-wrap
    array alt-text long-desc contrib element-citation mixed-citation
    """.split()
)

# Elements whose parts carry no punctuation of their own ("<surname>Smith</surname><given-names>
# J</given-names>"): their child elements are separated by a space like blocks.
SPACED_PARENTS: frozenset[str] = frozenset(
    "element-citation citation person-group name name-alternatives date pub-date history "
    "subj-group article-categories contrib-group journal-meta".split()
)

# Floats that interrupt a paragraph in the XML but are not part of its sentences.
FLOAT_TAGS: frozenset[str] = frozenset(
    "fig fig-group table-wrap table-wrap-group boxed-text supplementary-material media".split()
)

# Order of preference inside <alternatives>: the first present is kept, the rest are duplicates.
_ALTERNATIVE_ORDER = ("math", "tex-math")

_TEX_BODY = re.compile(r"\\begin\{document\}(.*?)\\end\{document\}", re.S)

Marks = Mapping[etree._Element, tuple[str, str]]


def local_name(tag: str) -> str:
    """``{ns}name`` -> ``name`` without building a QName object."""
    return tag.rpartition("}")[2] if tag[0] == "{" else tag


def normalize_space(text: str) -> str:
    """Collapse every whitespace run (NBSP, thin space, newlines, tabs) to one space."""
    return " ".join(text.split())


def _entity_text(entity: etree._Entity) -> str:
    """An undeclared named entity left in the tree (e.g. ``&nbsp;``) -> its character."""
    name = entity.name
    return html.entities.html5.get(f"{name};", f"&{name};")


def _tex_text(element: etree._Element) -> str:
    """TeX source without the PMC ``\\documentclass ... \\begin{document}`` preamble."""
    source = "".join(element.itertext())
    body = _TEX_BODY.search(source)
    return body.group(1) if body else source


def _pick_alternative(alternatives: etree._Element) -> etree._Element | None:
    children = [child for child in alternatives if isinstance(child.tag, str)]
    by_name = {local_name(child.tag): child for child in reversed(children)}
    for name in _ALTERNATIVE_ORDER:
        if name in by_name:
            return by_name[name]
    return children[0] if children else None


def _walk(
    element: etree._Element,
    out: list[str],
    skip: frozenset[str],
    marks: Marks | None,
) -> None:
    spaced = isinstance(element.tag, str) and local_name(element.tag) in SPACED_PARENTS
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            name = local_name(tag)
            if name not in skip:
                if spaced:
                    out.append(" ")
                _emit_element(child, name, out, skip, marks)
                if spaced:
                    out.append(" ")
        elif tag is etree.Entity:
            out.append(_entity_text(child))
        # comments are removed by the parser; processing instructions carry no text
        if child.tail:
            out.append(child.tail)


def _emit_element(
    element: etree._Element,
    name: str,
    out: list[str],
    skip: frozenset[str],
    marks: Marks | None,
) -> None:
    mark = marks.get(element) if marks else None
    block = name in BLOCK_TAGS
    if block:
        out.append(" ")
    if mark:
        out.append(mark[0])
    if name == "tex-math":
        out.append(_tex_text(element))
    elif name == "alternatives":
        chosen = _pick_alternative(element)
        if chosen is not None:
            _emit_element(chosen, local_name(chosen.tag), out, skip, marks)
    else:
        if element.text:
            out.append(element.text)
        _walk(element, out, skip, marks)
    if mark:
        out.append(mark[1])
    if block:
        out.append(" ")


def flatten_raw(
    element: etree._Element | None,
    *,
    skip: frozenset[str] = frozenset(),
    marks: Marks | None = None,
) -> str:
    """Text of ``element`` before whitespace normalisation, with ``marks`` inserted.

    ``marks`` maps descendant elements to (before, after) strings written around their text;
    the mention finder uses control characters there to locate each ``<xref>``.
    ``skip`` names descendant elements whose text is left out (their tail is kept).
    """
    if element is None:
        return ""
    out: list[str] = []
    if element.text:
        out.append(element.text)
    _walk(element, out, skip, marks)
    return "".join(out)


def flatten(element: etree._Element | None, *, skip: frozenset[str] = frozenset()) -> str:
    """Plain text of ``element`` (its own tail excluded), spacing normalised."""
    return normalize_space(flatten_raw(element, skip=skip))
