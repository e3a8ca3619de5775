"""Find marker mentions in a clause: "white arrowheads", "(*)", "red dashed lines", "boxed area".

A mention is the marker noun with the colour and style words right before it. Lines and
outlines count only when dashed or dotted; plots' boxes ("box plot", "the box shows the
interquartile range") and "chi-square" are not markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from panel2patch.captions.vocabulary import COLORS, MARKER_SYMBOLS, MARKER_WORDS

_LINE_WORDS = r"lines?|outlines?|outlined|contours?|borders?|curves?|boundar(?:y|ies)"
_MARKER_NOUN_RE = re.compile(
    r"(?<![\w-])(?P<word>arrow[\s-]?heads?|arrows?|asterisks?|stars?|daggers?|hash(?:es|tags?)?|"
    r"pound\s+signs?|box(?:es|ed)?|rectangles?|rectangular|squares?|frames?|framed|"
    r"circles?|circled|encircled|ovals?|ellipses?|brackets?|insets?|inserts?|"
    rf"{_LINE_WORDS})\b",
    re.IGNORECASE,
)
_SYMBOL_RE = re.compile(r"[*\u2217\u2731\u2605\u2606\u2020\u2021#]+")
_STYLE_WORDS = frozenset(
    "dashed dotted broken dash dot solid thin thick small large big long short curved "
    "double bidirectional double-headed single open filled closed hollow empty light dark "
    "bright pale horizontal vertical".split()
)
_DASHED = frozenset({"dashed", "broken", "dash"})
_DOTTED = frozenset({"dotted", "dot"})
_PLOT_CONTEXT_RE = re.compile(
    r"box[\s-]?(?:and[\s-]whiskers?\s+)?plots?|boxplots?|quartile|whisker|percentile|\bIQR\b|"
    r"\bmedian\b|bar\s+(?:graph|chart|plot)s?",
    re.IGNORECASE,
)
_NOT_SQUARE_RE = re.compile(r"chi[\s-]?squared?|least[\s-]squares?|square\s+roots?|"
                            r"r[\s-]squared?|squared", re.IGNORECASE)
_NOT_FRAME_RE = re.compile(r"(?:time|reading)\s+frames?|frame[\s-]?shift", re.IGNORECASE)
_WORD_RE = re.compile(r"[\w-]+")
_COLOR_WORDS = "|".join(c for c in COLORS if COLORS[c] not in {"open", "filled"})
_HIGHLIGHT_RE = re.compile(
    r"\b(?:highlighted|outlined|traced|delineated|overlaid|overlayed|pseudo-?colou?red|"
    rf"colou?r-?coded|segmented|shaded)\s+in\s+(?:light\s+|dark\s+|bright\s+)?"
    rf"(?P<color>{_COLOR_WORDS})\b|\b(?P<color2>{_COLOR_WORDS})\s+(?:overlays?|shading)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MarkerMention:
    marker: str  # a vocabulary.MARKER_TYPES value
    color: str | None
    start: int  # of the noun phrase (colour/style words included)
    end: int  # after the marker noun or symbol
    symbol: bool = False  # "*", "#", "†" rather than a word
    highlight: bool = False  # "highlighted in green": the verb phrase, subject before it


def _modifiers(clause: str, start: int) -> tuple[list[str], int]:
    """Colour/style words right before ``start`` (nearest last) and where they begin."""
    words: list[str] = []
    begin = start
    for match in reversed(list(_WORD_RE.finditer(clause, max(0, start - 60), start))):
        gap = clause[match.end() : begin]
        if gap.strip(" ,") or match.end() > begin:
            break
        word = match.group().lower()
        parts = word.split("-")
        if all(part in COLORS or part in _STYLE_WORDS or part == "and" for part in parts):
            words.append(word)
            begin = match.start()
            continue
        break
    return words, begin


def _word_mention(clause: str, match: re.Match[str]) -> MarkerMention | None:
    word = re.sub(r"[\s-]+", " ", match.group("word").lower())
    modifiers, begin = _modifiers(clause, match.start())
    parts = {part for modifier in modifiers for part in modifier.split("-")}
    if re.fullmatch(_LINE_WORDS, word.replace(" ", "")):
        if parts & _DASHED:
            marker = "dashed_line"
        elif parts & _DOTTED:
            marker = "dotted_line"
        else:
            return None
    else:
        marker = MARKER_WORDS.get(word) or MARKER_WORDS.get(word.replace(" ", ""))
        if marker is None:
            return None
    context = clause[max(0, match.start() - 30) : match.end() + 30]
    if marker == "box" and (_PLOT_CONTEXT_RE.search(clause)):
        return None
    if word.startswith("square") and _NOT_SQUARE_RE.search(context):
        return None
    if word.startswith("frame") and _NOT_FRAME_RE.search(context):
        return None
    color = next((COLORS[p] for m in modifiers for p in m.split("-") if p in COLORS), None)
    return MarkerMention(marker, color, begin, match.end())


def _symbol_mention(clause: str, match: re.Match[str]) -> MarkerMention | None:
    """A symbol is a marker in "(*)", "(#, *)" or "* indicates…", not in "×200" or "*P<0.05"."""
    before = clause[: match.start()].rstrip()
    after = clause[match.end() :].lstrip()
    if before[-1:].isalnum() or after[:1].isdigit():
        return None  # "400*", "*200", "Ptenfl*": magnification or a gene name
    in_paren = before.endswith("(") or (before.endswith(",") and "(" in before[-12:])
    defines = re.match(r"(?:symbols?\s+)?(?:indicates?|marks?|denotes?|shows?|represents?|"
                       r"points?|highlights?|labels?)\b", after, re.IGNORECASE)
    if not (in_paren or defines or re.search(r"(?:by|with)\s+(?:an?\s+)?$", before)):
        return None
    return MarkerMention(MARKER_SYMBOLS[match.group()[0]], None, match.start(), match.end(),
                         symbol=True)


def _highlight_mention(match: re.Match[str]) -> MarkerMention:
    color = (match.group("color") or match.group("color2")).lower()
    return MarkerMention("highlight", COLORS[color], match.start(), match.end(), highlight=True)


def find_marker_mentions(clause: str) -> list[MarkerMention]:
    """Every marker named in ``clause``, in order."""
    found = [m for m in (_word_mention(clause, x) for x in _MARKER_NOUN_RE.finditer(clause)) if m]
    found += [m for m in (_symbol_mention(clause, x) for x in _SYMBOL_RE.finditer(clause)) if m]
    found += [_highlight_mention(x) for x in _HIGHLIGHT_RE.finditer(clause)]
    return sorted(found, key=lambda m: m.start)
