"""Caption text normalisation and sentence spans.

All offsets used by the caption rules refer to the normalised text, so every output
string is a slice of it. Normalisation only touches whitespace: characters such as en
dashes, µ or × are kept because they carry meaning (ranges, units, magnifications).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

# Dash-like characters used in label ranges ("A–C") and elsewhere.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212~"

_TERMINAL_RE = re.compile(r"[.!?]")
_SPACE_RE = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    "fig figs e.g i.e al vs approx ca no nos resp ref refs eq eqs sp spp var cf dr "
    "st inc ltd co mol cell biol orig mag magn ser sec min max temp".split()
)


def normalise_caption(text: str) -> str:
    """Collapse every kind of whitespace (NBSP, thin spaces, newlines) to one space."""
    text = _ZERO_WIDTH_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


def _word_before(text: str, end: int) -> str:
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "."):
        start -= 1
    return text[start:end]


def is_sentence_end(text: str, pos: int) -> bool:
    """True when the '.', '!' or '?' at ``pos`` ends a sentence.

    Rejects abbreviations (``Fig.``, ``e.g.``), initials before a lower-case word
    (``E. coli``), decimals and a period followed by a lower-case word.
    """
    char = text[pos]
    if char not in ".!?":
        return False
    nxt = pos + 1
    while nxt < len(text) and text[nxt] in "\"'\u201d\u2019]":
        nxt += 1
    if nxt >= len(text):
        return True
    glued = not text[nxt].isspace()
    while nxt < len(text) and text[nxt] == " ":
        nxt += 1
    if nxt >= len(text):
        return True
    following = text[nxt]
    if char != ".":
        return following.isupper() or following in "([" or following.isdigit()
    word = _word_before(text, pos).lower()
    if word in _ABBREVIATIONS or word.rstrip(".") in _ABBREVIATIONS:
        return False
    if glued:
        # "tissue.Immunohistochemical", "(C).The": a JATS title or label glued to the next
        # sentence.
        after_word = (len(word) >= 3 and word.isalpha()) or text[pos - 1 : pos] == ")"
        return after_word and following.isupper() and text[nxt + 1 : nxt + 2].islower()
    # "E. coli", "cells. and": a lower-case continuation is not a new sentence.
    return not following.islower()


@lru_cache(maxsize=64)
def _sentence_spans(text: str, start: int, end: int | None) -> tuple[tuple[int, int], ...]:
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    begin = start
    for match in _TERMINAL_RE.finditer(text, start, stop):
        pos = match.start()
        if is_sentence_end(text, pos):
            cut = pos + 1
            while cut < stop and text[cut] in "\"'\u201d\u2019]":
                cut += 1
            spans.append((begin, cut))
            begin = cut
    if begin < stop:
        spans.append((begin, stop))
    return tuple(trimmed for span in spans if (trimmed := trim_span(text, *span))[0] < trimmed[1])


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text[start:end]``, end exclusive, trimmed.

    Cached: the splitting, marker and scale-bar rules all ask for the same caption.
    """
    return list(_sentence_spans(text, start, end))


def span_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The (sorted, disjoint) span holding ``pos``, by bisection."""
    index = bisect_right(spans, (pos, float("inf"))) - 1
    if index >= 0 and spans[index][0] <= pos < spans[index][1]:
        return spans[index]
    return None


def same_sentence(text: str, start: int, end: int) -> bool:
    """True when no sentence ends between ``start`` and ``end``."""
    spans = sentence_spans(text)
    first, last = span_at(spans, start), span_at(spans, max(start, end - 1))
    return first is not None and first == last


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding spaces."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def clean_piece(piece: str) -> str:
    """Strip spaces and the separators a cut leaves behind (", " or "; " at the start)."""
    piece = piece.strip()
    while piece[:1] in {",", ";", ":"} and piece:
        piece = piece[1:].lstrip()
    return piece


def join_texts(parts: list[str]) -> str:
    """Join text pieces with single spaces, skipping empty ones."""
    return " ".join(p for p in (part.strip() for part in parts) if p)
