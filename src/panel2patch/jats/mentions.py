"""Inline mentions: the sentence around each figure (or table) ``<xref>`` and its panels.

Each paragraph holding figure references is flattened once, with control characters (never
valid in XML 1.0, so never in the text) written around its ``<xref>``s; after whitespace
normalisation their positions give each reference's place in the paragraph's sentences.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from lxml import etree

from panel2patch.jats.panels import assign_panels, find_segments, label_number
from panel2patch.jats.sentences import sentence_spans
from panel2patch.jats.text import FLOAT_TAGS, flatten_raw, local_name, normalize_space
from panel2patch.records import FigureMention, FigureRecord

_FIG_START, _FIG_END, _OTHER_XREF = "\x00", "\x01", "\x02"
_MARKERS = re.compile("([\x00\x01\x02])")
# the nearest of these around an <xref> is "its paragraph"
_CONTAINER_TAGS = frozenset(
    "p td th title term def list-item label attrib license-p disp-quote caption".split()
)
# references here are not mentions in the article's text
_OUTSIDE_TAGS = frozenset({"front", "front-stub", "ref-list"})
# <xref ref-type> values that point at records: figures, and tables given as images
MENTION_REF_TYPES = frozenset({"fig", "table"})
_DANGLING_DASH = re.compile("[\\-\u2010\u2011\u2012\u2013\u2014\u2212]\\s*$")


@dataclass(frozen=True)
class _Located:
    """One reference placed in its paragraph's text."""

    rids: tuple[str, ...]
    sentence: str
    xref_text: str
    following: str  # text after the xref that may continue it ("B and C" after "Figure 2")


def _container(xref: etree._Element) -> etree._Element | None:
    """The xref's paragraph, or None when the xref sits in front matter or references."""
    container = None
    element = xref.getparent()
    while element is not None:
        if isinstance(element.tag, str):
            name = local_name(element.tag)
            if name in _OUTSIDE_TAGS:
                return None
            if container is None and name in _CONTAINER_TAGS:
                container = element
        element = element.getparent()
    return container if container is not None else xref.getparent()


def _clean_and_locate(raw: str) -> tuple[str, list[tuple[str, int]]]:
    """Drop the markers from normalised text; return (text, [(marker, offset), ...])."""
    pieces: list[str] = []
    length = 0
    events: list[tuple[str, int]] = []
    for piece in _MARKERS.split(normalize_space(raw)):
        if piece in (_FIG_START, _FIG_END, _OTHER_XREF):
            events.append((piece, length))
            continue
        if piece[:1] == " " and (length == 0 or pieces[-1][-1:] == " "):
            piece = piece[1:]  # a marker between two spaces would leave a double space
        if piece:
            pieces.append(piece)
            length += len(piece)
    text = "".join(pieces)
    stripped = text.rstrip()
    return stripped, [(marker, min(offset, len(stripped))) for marker, offset in events]


def _first_closer(text: str, start: int, stop: int) -> int:
    """Offset of the first ")", "]" or ";" in text[start:stop] not closing a bracket opened there.

    "(Fig. 2B, C)" stops at ")"; "Fig. 1 (a), (b) and (c)" reads on through its own brackets.
    """
    depth = 0
    for offset in range(start, stop):
        char = text[offset]
        if char in "([":
            depth += 1
        elif char in ")]":
            if depth == 0:
                return offset
            depth -= 1
        elif char == ";" and depth == 0:
            return offset
    return stop


def _next_at_or_after(offsets: list[int], position: int, default: int) -> int:
    index = bisect.bisect_left(offsets, position)
    return offsets[index] if index < len(offsets) else default


def _paragraph_mentions(container: etree._Element, target_xrefs: list[etree._Element]) -> list[_Located]:
    """Place each of the paragraph's figure / table xrefs in its sentence."""
    targets = set(target_xrefs)
    marks = {xref: (_FIG_START, _FIG_END) for xref in target_xrefs}
    for xref in container.iter("{*}xref"):
        if xref not in targets:
            marks[xref] = (_OTHER_XREF, "")
    text, events = _clean_and_locate(flatten_raw(container, skip=FLOAT_TAGS, marks=marks))
    rids = [tuple((xref.get("rid") or "").split()) for xref in target_xrefs]
    starts = [offset for marker, offset in events if marker == _FIG_START]
    ends = [offset for marker, offset in events if marker == _FIG_END]
    if not text or len(starts) != len(rids) or len(ends) != len(rids):
        return []  # a reference inside a skipped float: it belongs to that float's paragraph
    boundaries = sorted(offset for marker, offset in events if marker != _FIG_END)
    spans = sentence_spans(text)
    span_starts = [start for start, _ in spans]
    located: list[_Located] = []
    merged_into_previous = False
    for index, (start, end) in enumerate(zip(starts, ends)):
        if merged_into_previous:
            merged_into_previous = False
            continue
        first = spans[max(bisect.bisect_right(span_starts, start) - 1, 0)]
        last = spans[max(bisect.bisect_right(span_starts, max(end - 1, start)) - 1, 0)]
        cut = min(_next_at_or_after(boundaries, end, len(text)), last[1])
        closer = _first_closer(text, end, cut)
        following = text[end:closer]
        nxt = index + 1
        if (
            closer == cut
            and nxt < len(rids)
            and starts[nxt] == cut
            and rids[nxt] == rids[index]
            and _DANGLING_DASH.search(following)
        ):
            # "<xref>Figure 3</xref>A–<xref>3</xref>C": one range split over two xrefs
            following = text[end : _first_closer(text, ends[nxt], last[1])]
            merged_into_previous = True
        sentence = text[first[0] : last[1]].strip()
        located.append(_Located(rids[index], sentence, text[start:end].strip(), following))
    return located


def attach_mentions(root: etree._Element, figures: list[FigureRecord], id_map: dict[str, str]) -> None:
    """Append a ``FigureMention`` to every record a figure or table ``<xref>`` points at.

    ``id_map`` maps every id an ``@rid`` may hold (figure, table, fig-group) to a ``fig_id``.
    """
    by_id = {figure.fig_id: figure for figure in figures}
    paragraphs: dict[etree._Element, list[etree._Element]] = {}
    for xref in root.iter("{*}xref"):
        if xref.get("ref-type") not in MENTION_REF_TYPES or not xref.get("rid"):
            continue
        container = _container(xref)
        if container is not None:
            paragraphs.setdefault(container, []).append(xref)
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    for container, target_xrefs in paragraphs.items():
        for found in _paragraph_mentions(container, target_xrefs):
            targets = [by_id[id_map[rid]] for rid in found.rids if rid in id_map]
            targets = list({id(figure): figure for figure in targets}.values())
            if not targets or not found.sentence:
                continue
            segments = find_segments(found.xref_text, found.following)
            panels = assign_panels(segments, [label_number(figure.label) for figure in targets])
            for figure, figure_panels in zip(targets, panels):
                key = (figure.fig_id, found.sentence, figure_panels)
                if key not in seen:
                    seen.add(key)
                    figure.mentions.append(FigureMention(found.sentence, figure_panels, found.xref_text))
