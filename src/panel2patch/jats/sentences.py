"""Split a paragraph of scientific prose into sentences.

Conservative on purpose: a missed split only makes a mention's sentence longer, a wrong split
cuts it in half. No split after "Fig.", "Figs.", "et al.", "e.g.", "i.e.", "vs.", single-letter
initials ("J. Smith", "M. tuberculosis"), nor inside decimals ("3.5").
"""

from __future__ import annotations

import re

ABBREVIATIONS: frozenset[str] = frozenset(
    """
    fig figs eq eqs eqn eqns ref refs al e.g i.e vs v cf viz approx ca resp sp spp var subsp cv
    no nos vol p pp dr mr mrs ms prof st suppl supp sup inc ltd co jr sr dept univ ph.d et tab
    sect sec ch chap ed eds conc incl inst nat u.s u.k e.u a.k.a ssp gen nov comb sq diam
    """.split()
)

# sentence punctuation, optional closing quotes/brackets, whitespace, then the next sentence
_CANDIDATE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(\s+)(?=[\"'\u201c\u2018(\[]?(\S+))")


def _is_abbreviation(word: str) -> bool:
    """The word that ends with the candidate period, period stripped."""
    word = word.lstrip("([{\"'\u201c\u2018").rstrip(".")
    lowered = word.lower()
    if lowered in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith", "E. coli"; not "(Figure 3C, part a. It ...)"
    # dotted abbreviations not listed: "U.S.A", "a.m", "p.m"
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word))


def _starts_sentence(word: str) -> bool:
    """Does the word after the gap look like a sentence start?

    Capitalised words and numbers do; so do lowercase gene / unit names that carry a capital or
    a digit ("mRNA", "p53", "iPSCs"), which open many biomedical sentences.
    """
    word = word.lstrip("\"'\u201c\u2018([")
    if not word:
        return False
    first = word[0]
    if first.isupper() or first.isdigit():
        return True
    return first.islower() and any(char.isupper() or char.isdigit() for char in word[1:])


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of ``text``, covering it end to end."""
    spans: list[tuple[int, int]] = []
    start = 0
    for candidate in _CANDIDATE.finditer(text):
        punctuation_end = candidate.start(1)
        word_before = text[max(text.rfind(" ", start, candidate.start()), start - 1) + 1 : candidate.start() + 1]
        if text[candidate.start()] == "." and _is_abbreviation(word_before):
            continue
        if not _starts_sentence(candidate.group(2)):
            continue
        spans.append((start, punctuation_end))
        start = candidate.end(1)
    if start < len(text) or not spans:
        spans.append((start, len(text)))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, stripped."""
    return [text[a:b].strip() for a, b in sentence_spans(text) if text[a:b].strip()]
