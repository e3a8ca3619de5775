"""Marker phrases: clauses that define arrows, arrowheads, asterisks, boxes, insets…

A clause is a sentence piece between semicolons. Each marker mentioned in it yields a
``MarkerPhrase`` with its colour, the structure it points at (``marker_phrases``), the
clause, and the panels it applies to: the labels the clause names when they lie inside
its sub-caption, the sub-caption's panels plus the named ones when it points elsewhere
("higher power view of the boxed area in A", inside B -> A and B), or () in the preamble.

Significance legends ("*P < 0.05", "asterisks indicate significant differences") are not
region markers and are skipped, as are magnification stars ("×200" written "*200").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from panel2patch.captions.labels import parse_label_list
from panel2patch.captions.marker_phrases import extract_phrase
from panel2patch.captions.marker_words import MarkerMention, find_marker_mentions
from panel2patch.captions.records import MarkerPhrase
from panel2patch.captions.segments import Segment, SegmentIndex
from panel2patch.captions.text import sentence_spans, trim_span
from panel2patch.captions.tokens import LabelToken

_SIGNIFICANCE_RE = re.compile(
    r"\b[pP]\s*(?:[<>≤≥=]|-?\s*values?\b)|signific|statistic|\bvs\.?\s|\bversus\b|"
    r"compared\s+(?:to|with)|t[- ]test|anova|mann[- ]whitney|wilcoxon",
    re.IGNORECASE,
)
_CLAUSE_CHARS_RE = re.compile(r"[();]")
_REGION_MARKERS = frozenset({"box", "inset", "circle", "dashed_line", "dotted_line"})
_SYMBOL_MARKERS = frozenset({"asterisk", "star", "dagger", "hash"})
_BARE_MENTION_RE = re.compile(
    r"\b(?:in|of|from|panels?|see|to)\s+(?:panels?\s+)?"
    r"([A-Za-z]\d?(?:\s*(?:,\s*and|,|and|&|[\u2013-])\s*[A-Za-z]\d?){0,6})(?![\w'\u2019-])"
)
# Cheap substring pre-filter: a clause without any of these names no marker.
_QUICK_WORDS = ("arrow", "aster", "star", "dagger", "hash", "pound", "box", "rectang", "square",
                "frame", "circl", "oval", "ellips", "bracket", "inset", "insert", "dash", "dott",
                "broken", "outlined", "highlighted", "traced", "delineated", "overla", "colo",
                "segmented", "shaded", "*", "#", "\u2020", "\u2021", "\u2217", "\u2731",
                "\u2605", "\u2606")


def _may_name_marker(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in _QUICK_WORDS)


def _clauses(text: str, openers: Sequence[LabelToken]) -> list[tuple[int, int]]:
    """Sentence pieces between semicolons (outside parentheses) and panel-label openers."""
    cuts = sorted((token.start, token.end) for token in openers)
    out: list[tuple[int, int]] = []
    for start, end in sentence_spans(text):
        depth, begin = 0, start
        events = [(m.start(), m.group()) for m in _CLAUSE_CHARS_RE.finditer(text, start, end)]
        events += [(cut_start, "cut") for cut_start, _ in cuts if start <= cut_start < end]
        cut_end = dict(cuts)
        for pos, kind in sorted(events):
            if pos < begin:
                continue
            if kind == "cut":
                out.append(trim_span(text, begin, pos))
                begin, depth = max(cut_end[pos], pos + 1), 0
            elif kind == "(":
                depth += 1
            elif kind == ")":
                depth -= 1
            elif depth <= 0:
                out.append(trim_span(text, begin, pos))
                begin = pos + 1
        out.append(trim_span(text, begin, end))
    return [span for span in out if span[0] < span[1]]


def _enclosing_parens(clause: str, pos: int) -> tuple[int, int] | None:
    open_at = clause.rfind("(", 0, pos)
    if open_at < 0 or ")" in clause[open_at:pos]:
        return None
    close_at = clause.find(")", pos)
    return (open_at, close_at + 1) if close_at >= 0 else None


def _is_significance(clause: str, mention: MarkerMention, phrase: str) -> bool:
    """"*P < 0.05", "circles indicate significant differences": a statistics legend."""
    if _SIGNIFICANCE_RE.search(phrase):
        return True
    if mention.marker not in _SYMBOL_MARKERS:
        return False
    window = clause[max(0, mention.start - 40) : mention.end + 60]
    return _SIGNIFICANCE_RE.search(window) is not None


def _named_labels(text: str, start: int, end: int, mentions: Sequence[LabelToken],
                  starts: list[int], known: set[str]) -> tuple[str, ...]:
    """Panels named between ``start`` and ``end``; ``mentions`` sorted, ``starts`` theirs."""
    named: dict[str, None] = {}
    first = bisect_left(starts, start)
    for token in mentions[first:]:
        if token.start >= end:
            break
        for label in token.labels:
            if label in known:
                named.setdefault(label, None)
    for match in _BARE_MENTION_RE.finditer(text, start, end):
        for label in parse_label_list(match.group(1)) or ():
            if label in known and not (label == "a" and len(match.group(1)) == 1):
                named.setdefault(label, None)
    return tuple(named)


def _labels_for(marker: str, own: tuple[str, ...], named: tuple[str, ...]) -> tuple[str, ...]:
    """Named panels inside the sub-caption narrow it; a region marker naming another panel
    ("the boxed area in A", inside B's text) links both; other markers keep their own."""
    if not named:
        return own
    if not own or set(named) <= set(own):
        return named
    if marker in _REGION_MARKERS:
        return tuple(dict.fromkeys(own + named))
    return own


def find_marker_phrases(text: str, segments: Sequence[Segment], mentions: Sequence[LabelToken],
                        known: Sequence[str]) -> list[MarkerPhrase]:
    """Every marker-defining clause of ``text`` (normalised caption)."""
    if not _may_name_marker(text):
        return []
    known_set = set(known)
    found: list[MarkerPhrase] = []
    seen: set[tuple[str, str, str]] = set()
    openers = [s.token for s in segments if s.token is not None and s.token.role == "open"]
    index = SegmentIndex(list(segments))
    mentions = sorted(mentions, key=lambda token: token.start)
    starts = [token.start for token in mentions]
    for start, end in _clauses(text, openers):
        clause = text[start:end]
        if not _may_name_marker(clause):
            continue
        named = _named_labels(text, start, end, mentions, starts, known_set)
        for mention in find_marker_mentions(clause):
            phrase = extract_phrase(clause, mention)
            if not phrase or _is_significance(clause, mention, phrase):
                continue
            own = index.labels_at(start + mention.start)
            parens = _enclosing_parens(clause, mention.start)
            local = _named_labels(text, start + parens[0], start + parens[1], mentions,
                                  starts, known_set) if parens else ()
            labels = _labels_for(mention.marker, own, local or named)
            key = (mention.marker, phrase, clause)
            if key in seen:
                continue
            seen.add(key)
            found.append(MarkerPhrase(mention.marker, mention.color, phrase, clause, labels))
    return found
