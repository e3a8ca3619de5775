"""The phrase a marker defines: the structure it points at.

Three shapes cover most captions:

* active — "white arrowheads (in B) indicate apoptotic nuclei", "arrows point to X",
  "Arrows: X" -> the object after the verb;
* passive — "X are marked by asterisks", "X is indicated by the red arrow",
  "cells indicated by arrows" -> the subject before the verb;
* parenthetical — "hyalinization around them (arrow)", "(arrowheads; X)" -> the noun
  phrase before the parenthesis (or the text after a separator inside it).

When none fits the marker is only mentioned, not defined ("the circle stopped moving"), and
the phrase is "" (the caller drops it).
"""

from __future__ import annotations

import re

from panel2patch.captions.marker_words import MarkerMention

_ACTIVE_RE = re.compile(
    r"^\s*(?:(?:in|on|within)\s+(?:the\s+)?(?:[\w,&\s\u2013-]{0,30}?\s+)?"
    r"(?:panels?|images?|[A-Za-z](?:\s*(?:,|and|&|[\u2013-])\s*[A-Za-z]){0,6})\s+)?"
    r"(?:(?:are|is)\s+)?(?:indicates?|indicated|indicating|show(?:s|n|ing)?|point(?:s|ing)?\s+"
    r"(?:to|at|out)|marks?|marking|denotes?|denoting|highlights?|highlighting|represents?|"
    r"representing|depicts?|identif(?:y|ies|ying)|designates?|labels?|delineates?|"
    r"outlines?|demarcates?|encircles?|surrounds?|enclose[sd]?|defines?|correspond(?:s|ing)?"
    r"\s+to|refers?\s+to|locates?|reveals?|mean|means)\b\s*|^\s*[:=]\s*",
    re.IGNORECASE,
)
_PASSIVE_RE = re.compile(
    r"(?:\b(?:is|are|was|were|being|been)\s+)?(?:\w+ly\s+)?(?:indicated|marked|shown|highlighted|"
    r"denoted|labell?ed|pointed\s+(?:out|at|to)|outlined|delineated|circled|encircled|boxed|"
    r"demarcated|identified|depicted|enclosed|surrounded|represented|designated|framed|"
    r"visuali[sz]ed|seen)\s+(?:by|with|in|using)\s+(?:an?\s+|the\s+)?$",
    re.IGNORECASE,
)
_STOP_WORDS = frozenset(
    "and or but with showing shows show shown reveal reveals revealed revealing contain "
    "contains contained containing that which where while whereas both including are is was "
    "were by to from for as than note indicate indicates see also although though when if "
    "since because after before whether".split()
)
# "boxed area", "circled region": the marker word is an adjective; the noun is the region.
_ADJECTIVE_NOUN_RE = re.compile(
    r"\s+((?:[\w-]+\s+){0,2}?(?:areas?|regions?|fields?|zones?|parts?|portions?|structures?|"
    r"cells?|glands?|foci|focus|lesions?|nuclei|nucleus|vessels?|sections?|views?))\b",
    re.IGNORECASE,
)
_ADJECTIVES = ("boxed", "circled", "encircled", "framed", "rectangular", "outlined")
_LEADING_RE = re.compile(r"^(?:note\s+(?:that\s+)?|the\s+|an?\s+|some\s+|several\s+|many\s+|"
                         r"two\s+|three\s+|both\s+)+", re.IGNORECASE)
_TRAILING_LABEL_RE = re.compile(
    r"(?:\s*,?\s*(?:in|of)\s+(?:panels?\s+)?[A-Za-z](?:\s*(?:,|and|&|[\u2013-])\s*[A-Za-z])*"
    r"|\s*\([^()]{1,20}\))+\s*$"
)
_LEAD_REFERENCE_RE = re.compile(
    r"^(?:(?:in|on)\s+(?:panels?\s+)?[A-Za-z](?:\s*(?:,|and|&|[\u2013-])\s*[A-Za-z])*\s*,?\s*|"
    r"note\s+(?:that\s+)?)", re.IGNORECASE)
_RELATIVE_RE = re.compile(r"\s+(?:that|which|who)\s+|,\s+(?:which|who)\s+", re.IGNORECASE)
_HAVE_BEEN_RE = re.compile(r"\s*\b(?:(?:has|have|had)\s+been|is|are|was|were|been|being)\s*$",
                           re.IGNORECASE)
_RESPECTIVELY_RE = re.compile(r",?\s*respectively\b.*$", re.IGNORECASE)
_WORD_RE = re.compile(r"\S+")
_MAX_WORDS = 12


def tidy(phrase: str) -> str:
    """Strip articles, "Note that", trailing panel references and punctuation."""
    phrase = _RESPECTIVELY_RE.sub("", phrase.strip())
    phrase = _TRAILING_LABEL_RE.sub("", phrase)
    phrase = _LEADING_RE.sub("", phrase.strip(" ,;:.()"))
    return phrase.strip(" ,;:.()")


def _until_break(text: str) -> str:
    """Text up to the next clause break inside a clause: ", whereas", "; ", ")"."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return text[:index]
            depth -= 1
        elif depth == 0 and char in ";":
            return text[:index]
        elif depth == 0 and char == "," and re.match(r",\s*(?:whereas|while|but|and\s+\w+\s+"
                                                      r"(?:arrow|asterisk|star|box))",
                                                      text[index:], re.IGNORECASE):
            return text[:index]
    return text


def _noun_phrase_before(clause: str, end: int) -> str:
    """Up to a dozen words before ``end``, stopping at a verb, conjunction or punctuation."""
    words: list[str] = []
    depth = 0
    for match in reversed(list(_WORD_RE.finditer(clause, 0, end))):
        word = match.group()
        depth += word.count(")") - word.count("(")
        bare = word.strip("(),;:.").lower()
        if depth <= 0 and ((word.endswith((",", ";", ":")) and words) or bare in _STOP_WORDS):
            break
        words.append(word)
        if len(words) >= _MAX_WORDS or (depth <= 0 and word.startswith("(") and not \
                word.endswith(")")):
            break
    return " ".join(reversed(words))


def _subject(text: str) -> str:
    """The subject before a passive verb, without a leading panel reference or relative clause."""
    text = _LEAD_REFERENCE_RE.sub("", text.split(";")[-1].strip())
    return _RELATIVE_RE.split(text, maxsplit=1)[0]


def extract_phrase(clause: str, mention: MarkerMention) -> str:
    """The described structure for one marker mention (see the module docstring)."""
    after = clause[mention.end :]
    if mention.highlight:
        subject = _HAVE_BEEN_RE.sub("", _subject(clause[: mention.start]))
        phrase = tidy(subject) or tidy(_until_break(after))
        if phrase:
            return phrase
    if clause[mention.start : mention.end].lower().endswith(_ADJECTIVES):
        copula = re.search(r"\b(?:is|are|was|were)\s+(?:\w+ly\s+)?$", clause[: mention.start])
        if copula:  # "Disrupted capsules are circled."
            phrase = tidy(_subject(clause[: copula.start()]))
            if phrase:
                return phrase
        noun = _ADJECTIVE_NOUN_RE.match(after)
        if noun:
            return tidy(f"{clause[mention.start : mention.end]} {noun.group(1)}")
    active = _ACTIVE_RE.match(after)
    if not active and not clause[: mention.start].strip(" (") and not mention.symbol:
        active = re.match(r"\s*(?:,|\s[\u2013\u2014-])\s*", after)  # "Arrowheads, basal cells"
    if active:
        phrase = tidy(_until_break(after[active.end() :]))
        if phrase:
            return phrase
    before = clause[: mention.start]
    passive = _PASSIVE_RE.search(before)
    if passive:
        copula = re.match(r"(?:is|are|was|were|being|been)\b", passive.group(), re.IGNORECASE)
        subject = (_subject(clause[: passive.start()]) if copula
                   else _noun_phrase_before(clause, passive.start()))
        phrase = tidy(subject)
        if phrase:
            return phrase
    open_paren = before.rfind("(")
    if open_paren >= 0 and ")" not in before[open_paren:]:
        inside = re.match(r"\s*[;,:]\s*(.+?)\)", after)
        if inside and not re.match(r"\s*[A-Za-z]\s*\)", after):
            phrase = tidy(inside.group(1))
            if phrase and len(phrase.split()) > 1:
                return phrase
        phrase = tidy(_noun_phrase_before(clause, open_paren))
        if phrase:
            return phrase
    return ""
