"""Positional panel names used as labels: "Left:", "(Top)", "Upper panels,", "First column:".

They count as labels only where a caption uses them to open a clause and has no letter or
number labels; elsewhere ("the left panel shows…") they stay ordinary words.
Names are normalised: upper -> top, lower -> bottom, centre/center -> middle,
"second row" -> "row 2"; "upper left panel" -> "top left".
"""

from __future__ import annotations

import re

from panel2patch.captions.tokens import LabelToken, boundary_before

_VERTICAL = r"upper|lower|top|bottom|middle|center|centre|central"
_ORDINAL = r"first|second|third|fourth|fifth|sixth|last|1st|2nd|3rd|4th|5th|6th"
_POSITION_RE = re.compile(
    rf"(?P<open>\(\s*)?(?P<name>(?:(?:{_VERTICAL})(?:[\s-](?:left|right|middle|center|centre))?"
    rf"|left|right|(?:{_ORDINAL})\s+(?:row|column|panel|image)))"
    r"(?:\s+(?:panels?|rows?|columns?|images?|graphs?|plots?|part))?"
    r"(?P<term>\s*(?:[:),]|\s[\u2013\u2014-]\s))",
    re.IGNORECASE,
)
_CANONICAL = {"upper": "top", "lower": "bottom", "center": "middle", "centre": "middle",
              "central": "middle"}
_ORDINALS = {"first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3",
             "fourth": "4", "4th": "4", "fifth": "5", "5th": "5", "sixth": "6", "6th": "6",
             "last": "last"}


def normalise_position(name: str) -> str:
    """"Upper-left" -> "top left", "Second column" -> "column 2"."""
    words = re.split(r"[\s-]+", name.strip().lower())
    if len(words) == 2 and words[0] in _ORDINALS:
        return f"{words[1]} {_ORDINALS[words[0]]}"
    return " ".join(_CANONICAL.get(word, word) for word in words)


def find_position_tokens(text: str) -> list[LabelToken]:
    """Positional names that open a clause, as label tokens with role "open"."""
    tokens: list[LabelToken] = []
    for match in _POSITION_RE.finditer(text):
        term = match.group("term").strip()
        if (term == ")") != bool(match.group("open")):
            continue
        boundary = boundary_before(text, match.start())
        if boundary not in {"start", "sentence", "clause"}:
            continue
        rest = text[match.end():].lstrip()
        if not rest or rest[0] in ",;.:)":
            continue
        label = normalise_position(match.group("name"))
        tokens.append(LabelToken(match.start(), match.end(), (label,), "position", term[:1],
                                 boundary, True, "", role="open"))
    return tokens
