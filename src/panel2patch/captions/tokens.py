"""Find panel-label tokens in a caption and describe their surroundings.

A token is a parenthesised label list ("(A)", "(B–D, F)", "((a), (b))") or a bare one at
the start of a clause ("A.", "b)", "A and C:", "D–F:", Springer's "a Text"). Each token
records what precedes it (sentence start, comma, a preposition…) and whether words
follow, which is what ``roles`` needs to tell sub-caption openers from references.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from panel2patch.captions.labels import ATOM, parse_label_list, parse_label_prefix
from panel2patch.captions.text import DASHES

_PAREN_RE = re.compile(r"\(([^()]{1,60})\)")
_NOT_HE = r"(?!H\s?&\s?E\b)"  # "H&E" (haematoxylin and eosin) is not panels H and E
BARE_LIST = (rf"{_NOT_HE}{ATOM}(?:\s*(?:,\s*and|,|and|&|[{re.escape(DASHES)}])\s*"
             rf"{_NOT_HE}{ATOM}){{0,8}}")
_BARE_RE = re.compile(
    rf"(?<![\w\u00b5\u03bc'\u2019\u2032(\[/+=<>&{re.escape(DASHES)}])(?:[Pp]anels?\s+)?"
    rf"(?P<labels>{BARE_LIST})"
    rf"(?P<term>\s?[.:](?![\w.])|\)|,(?=\s)|\s[\u2013\u2014-](?=\s)|(?=\s\S))"
)
# "…tissuesA) Evaluation of…": a title glued to the first label (JATS lost the space).
_GLUED_RE = re.compile(
    rf"(?<=[a-z]{{2}})(?P<labels>[A-Z](?:\s*(?:and|&|,|[{re.escape(DASHES)}])\s*[A-Z])?)"
    r"(?P<term>[):.,])(?=\s)"
)
_JOIN_RE = re.compile(r"\s*(?:,\s*and|,|and|&|or)?\s*")
_DASH_JOIN_RE = re.compile(rf"\s*[{re.escape(DASHES)}]\s*|\s+to\s+")
_WORD_BEFORE_RE = re.compile(r"(\w+)\W*$")
_WORD_AFTER_RE = re.compile(r"\s*(\w+)")
_ABBREVIATION_BEFORE = frozenset({"fig", "figs", "e.g", "i.e", "vs", "al", "cf"})
_CONJUNCTION_WORDS = frozenset({"and", "or", "while", "whereas", "but"})
_CONJUNCTIONS = (*tuple(f" {word}" for word in _CONJUNCTION_WORDS), "&")
PREPOSITIONS = frozenset(
    "in of as from see to for with than like at on between by under into onto within versus "
    "vs also both except cf panel panels figure fig via".split()
)


@dataclass
class LabelToken:
    """One label occurrence. ``start:end`` is the span to delete when it opens a sub-caption."""

    start: int
    end: int
    labels: tuple[str, ...]
    form: str  # "paren", "bare" (with a terminator), "space" (Springer "a Text"), "position"
    term: str  # terminator of a bare token: ".", ":", ")", ",", "-", "" (space); "(" for paren
    boundary: str  # "start", "sentence", "clause", "comma", "conj", "glued", "none"
    followed_by_word: bool
    prev_word: str  # lower-case word before the token ("" at start)
    has_extra: bool = False  # "(D and E, red dashed lines)": text besides labels
    next_upper: bool = False  # the next word starts with a capital (or is not a word)
    next_word: str = ""  # lower-case word after the token
    role: str = "mention"  # set by roles: "open", "close" (labels its preceding text), "mention"


def _prev_char_index(text: str, pos: int) -> int:
    index = pos - 1
    while index >= 0 and text[index] == " ":
        index -= 1
    return index


def boundary_before(text: str, pos: int) -> str:
    """Classify what precedes ``pos``: start / sentence / clause / comma / conj / glued / none."""
    index = _prev_char_index(text, pos)
    if index < 0:
        return "start"
    char = text[index]
    glued = index == pos - 1
    if char in ".!?":
        word = _WORD_BEFORE_RE.search(text[max(0, index - 12) : index])
        if word and word.group(1).lower() in _ABBREVIATION_BEFORE:
            return "none"
        if char == "." and glued and word and len(word.group(1)) <= 2 and word.group(1).isalpha():
            return "none"  # "S.D.", "U.S.": an abbreviation, not "…. D."
        if char == "." and word and len(word.group(1)) == 1 and word.group(1).isupper() \
                and index >= 2 and text[index - 2] == ".":
            return "none"  # initials such as "B.V."
        return "sentence"
    if char in ")]":
        return "bracket"
    if char in ";:":
        return "clause"
    if char == ",":
        return "comma"
    if glued and char.isalpha():
        return "glued"
    before = text[max(0, index - 8) : index + 1].lower()
    if before.endswith(_CONJUNCTIONS) or before.strip() in _CONJUNCTION_WORDS:
        return "conj"
    return "none"


def _followed_by_word(text: str, pos: int) -> bool:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    if pos >= len(text):
        return False
    char = text[pos]
    if char in DASHES and pos + 1 < len(text) and text[pos + 1] == " ":
        return _followed_by_word(text, pos + 1)
    return char not in ",;.:)]}" and char not in DASHES


def _prev_word(text: str, pos: int) -> str:
    match = _WORD_BEFORE_RE.search(text[max(0, pos - 30) : pos])
    return match.group(1).lower() if match and text[pos - 1 : pos] in {" ", "("} else ""


def _next_word(text: str, pos: int) -> str:
    match = _WORD_AFTER_RE.match(text, pos)
    return match.group(1).lower() if match else ""


def _paren_tokens(text: str) -> list[LabelToken]:
    tokens: list[LabelToken] = []
    for match in _PAREN_RE.finditer(text):
        parsed = parse_label_prefix(match.group(1))
        if parsed is None:
            continue
        labels, extra = parsed
        tokens.append(
            LabelToken(match.start(), match.end(), labels, "paren", "(", "", False, "", extra)
        )
    return _merge_adjacent(text, tokens)


def _merge_adjacent(text: str, tokens: list[LabelToken]) -> list[LabelToken]:
    """"(A) and (B)" -> one token; "((a), (b))" -> one token spanning the outer brackets."""
    merged: list[LabelToken] = []
    for token in tokens:
        last = merged[-1] if merged else None
        between = text[last.end : token.start] if last is not None else ""
        if last is not None and not last.has_extra and not token.has_extra:
            if _JOIN_RE.fullmatch(between):
                last.end = token.end
                last.labels = tuple(dict.fromkeys(last.labels + token.labels))
                continue
            if _DASH_JOIN_RE.fullmatch(between):  # "(a)-(f)"
                joined = parse_label_list(f"{last.labels[-1]}-{token.labels[0]}")
                last.end = token.end
                last.labels = tuple(dict.fromkeys(last.labels + (joined or ()) + token.labels))
                continue
        merged.append(token)
    for token in merged:
        if token.start > 0 and token.end < len(text):
            if text[token.start - 1] == "(" and text[token.end] == ")":
                token.start -= 1
                token.end += 1
    return merged


def _bare_tokens(text: str, taken: list[tuple[int, int]]) -> list[LabelToken]:
    tokens: list[LabelToken] = []
    taken = sorted(taken)
    for match in _BARE_RE.finditer(text):
        start, end = match.start(), match.end()
        index = bisect_right(taken, (end, -1)) - 1  # the last paren span starting before end
        if index >= 0 and taken[index][1] > start:
            continue
        boundary = boundary_before(text, start)
        term = match.group("term").strip()
        if boundary == "bracket" and text[start - 1 : start] == ")" and term in {".", ":"}:
            boundary = "sentence"  # "(original magnification ×20)F,G. Representative…"
        prefixed = text[start : start + 5].lower() == "panel"
        if boundary == "glued":
            if text[_prev_char_index(text, start)] != ".":
                continue
            boundary = "sentence"
        elif boundary in {"none", "bracket"} and term not in {":", ")"}:
            continue
        labels = parse_label_list(match.group("labels"))
        if not labels:
            continue
        if labels[0].isdigit() and (not term or (start and not text[start - 1].isspace())):
            continue  # "1.2 (dashed)", "2 mice": numbers are labels only as "1." or "2)"
        form = "bare" if term or prefixed else "space"
        term = term or ("panel" if prefixed else "")
        rest = text[end : end + 2].lstrip()
        tokens.append(
            LabelToken(start, end, labels, form, term if prefixed else term[:1], boundary,
                       _followed_by_word(text, end), _prev_word(text, start),
                       next_upper=not rest[:1].islower())
        )
    return tokens


def _glued_tokens(text: str) -> list[LabelToken]:
    tokens: list[LabelToken] = []
    for match in _GLUED_RE.finditer(text):
        labels = parse_label_list(match.group("labels"))
        if labels:
            tokens.append(LabelToken(match.start(), match.end(), labels, "bare",
                                     match.group("term"), "glued",
                                     _followed_by_word(text, match.end()), ""))
    return tokens


def find_label_tokens(text: str) -> list[LabelToken]:
    """Every candidate label token in ``text`` (normalised), sorted by position."""
    paren = _paren_tokens(text)
    for token in paren:
        token.boundary = boundary_before(text, token.start)
        if token.boundary == "glued" and text[token.start - 1] == ".":
            token.boundary = "sentence"
        token.followed_by_word = _followed_by_word(text, token.end)
        token.prev_word = _prev_word(text, token.start)
        token.next_word = _next_word(text, token.end)
        token.next_upper = text[token.end : token.end + 2].lstrip()[:1].isupper()
    bare = _bare_tokens(text, [(t.start, t.end) for t in paren])
    return sorted(paren + bare + _glued_tokens(text), key=lambda t: t.start)
