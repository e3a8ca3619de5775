"""Scale bars stated in captions: "Scale bar, 50 µm", "Scale bars = 10 μm (A–C) and 2 µm (D)".

A statement starts at "scale bar(s)", "calibration bar" or a bare "bar(s)" followed by
":", "=", "," or a verb ("represents"); it runs to the end of its sentence. Every
value + unit inside it is a scale bar. Its panels are the labels written right after the
value ("10 µm (A–C)", "20 µm for B", "in A") or right before it ("(A) 50 µm", "B: 10 µm"),
else the panels of the sub-caption the statement sits in; () means every panel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from panel2patch.captions.labels import parse_label_list
from panel2patch.captions.records import ScaleBar
from panel2patch.captions.segments import Segment, SegmentIndex
from panel2patch.captions.text import sentence_spans, span_at
from panel2patch.captions.tokens import LabelToken
from panel2patch.captions.vocabulary import UNITS

_UNIT = (r"nm|nanomet(?:er|re)s?|[\u00b5\u03bc]m|um|mum|microns?|micromet(?:er|re)s?|mm|"
         r"millimet(?:er|re)s?|cm|centimet(?:er|re)s?")
_KEY_RE = re.compile(
    r"\b(?:scale[\s-]?bars?|calibration\s+bars?|(?<!error\s)(?<!error-)bars?(?=\s*(?:[:=,(]|"
    r"\s(?:represents?|indicates?|equals?|corresponds?|denotes?|are|is|in|of)\b)))",
    re.IGNORECASE,
)
_VALUE_RE = re.compile(rf"(?<![\w.])(?P<value>\d{{1,5}}(?:[.,]\d{{1,3}})?)\s?(?P<unit>{_UNIT})"
                       r"(?![\w\u00b2\u00b3/])", re.IGNORECASE)
_ATOM = r"[A-Za-z]\d?['\u2032]?"
_LIST = rf"{_ATOM}(?:\s*(?:,\s*and|,|and|&|[\u2013\u2014-])\s*{_ATOM}){{0,8}}"
_AFTER_RE = re.compile(
    rf"\s*(?:\(\s*(?:panels?\s+)?(?P<paren>{_LIST})\s*\)|,?\s*(?:for|in)\s+(?:panels?\s+)?"
    rf"\(?(?P<word>{_LIST})\)?(?![\w'\u2019]))"
)
_BEFORE_RE = re.compile(
    rf"(?:\(\s*(?P<paren>{_LIST})\s*\)|(?<![\w])(?P<bare>{_LIST}))\s*[:,=]?\s*$"
)


def _labels(text: str, known: set[str], bracketed: bool) -> tuple[str, ...] | None:
    """Labels in brackets are taken as written; bare ones must be panels the caption knows."""
    labels = parse_label_list(text)
    if labels and (bracketed or not known or all(label in known for label in labels)):
        return labels
    return None


def _labels_near(text: str, value: re.Match[str], floor: int, known: set[str]
                 ) -> tuple[str, ...] | None:
    after = _AFTER_RE.match(text, value.end())
    if after:
        labels = _labels(after.group("paren") or after.group("word"), known,
                         bool(after.group("paren")))
        if labels:
            return labels
    window = text[max(floor, value.start() - 24) : value.start()]
    window = window.rsplit(";", 1)[-1]
    before = _BEFORE_RE.search(window)
    if before:
        return _labels(before.group("paren") or before.group("bare"), known,
                       bool(before.group("paren")))
    return None


def find_scale_bars(text: str, segments: Sequence[Segment], mentions: Sequence[LabelToken],
                    known: Sequence[str]) -> list[ScaleBar]:
    """Every scale bar length stated in ``text`` (normalised caption)."""
    if not _KEY_RE.search(text):
        return []
    known_set = set(known)
    bars: list[ScaleBar] = []
    sentences = sentence_spans(text)
    index = SegmentIndex(list(segments), with_token=True)
    for key in _KEY_RE.finditer(text):
        span = span_at(sentences, key.start())
        end = span[1] if span else len(text)
        following = _KEY_RE.search(text, key.end(), end)
        stop = following.start() if following else end
        own = index.labels_at(key.start())
        floor = key.end()
        for value in _VALUE_RE.finditer(text, key.end(), stop):
            unit = UNITS.get(value.group("unit").lower())
            if unit is None:
                continue
            labels = _labels_near(text, value, floor, known_set) or own
            number = float(value.group("value").replace(",", "."))
            bars.append(ScaleBar(number, unit, labels))
            floor = value.end()
    return _dedupe(bars)


def _dedupe(bars: list[ScaleBar]) -> list[ScaleBar]:
    return list(dict.fromkeys(bars))
