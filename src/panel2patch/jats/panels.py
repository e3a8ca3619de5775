"""Panel letters named by a figure reference: "Fig. 2B–D" -> B, C, D.

The text scanned is the ``<xref>`` text plus the text right after it (cut by the caller at
the next ``<xref>``, a closing bracket, a semicolon or the sentence end), because publishers
split references both ways: ``<xref>Figure 2B</xref> and C`` and ``<xref>Figure 2</xref>B``.

Figure numbers are read from the ``<xref>`` text only; each number starts a segment whose
panels follow it, so one ``<xref>`` naming two figures ("Figures 2A and 3C") yields one
segment per figure, matched to the targets by label number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "2", "S1", "10": a figure number not glued to a preceding letter or digit
FIGURE_NUMBER = re.compile(r"(?<![A-Za-z0-9])S?\d+")
_PRIMES = "'\u2032\u2019"
_LETTER = rf"([A-Za-z][{_PRIMES}]*)(?![A-Za-z0-9])"
_DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
_GLUED = re.compile(_LETTER)
_LEAD = re.compile(rf"\s*,?\s*(\(\s*)?(?:panels?\s+)?{_LETTER}", re.I)
_RANGE = re.compile(rf"\s*(?:[{_DASH}]|\s+to\s+)\s*(S?\d+)?{_LETTER}")
_NEXT = re.compile(
    rf"\s*\)?\s*(?:,\s*(?:and\s+|or\s+|&\s*)?|and\s+|or\s+|&\s*|/\s*|(?=\())\(?\s*(?:panels?\s+)?(S?\d+)?{_LETTER}"
)
_ONLY_CLOSERS = re.compile(r"[\s)\].,;:]*")
_MAX_RANGE = 26


@dataclass(frozen=True)
class Segment:
    """One figure named in a reference: its number (None if the text has none) and panels."""

    number: str | None
    panels: tuple[str, ...]


def _normalize_letter(letter: str) -> str:
    return letter[0] + "\u2032" * (len(letter) - 1)


def _expand(first: str, last: str) -> list[str]:
    """"B"–"D" -> B, C, D; endpoints only when the range is odd (mixed case, reversed, primes)."""
    if len(first) == len(last) == 1 and first.isupper() == last.isupper():
        low, high = ord(first), ord(last)
        if low < high and high - low < _MAX_RANGE:
            return [chr(code) for code in range(low, high + 1)]
    return [first, last]


def scan_panels(text: str, position: int, number: str | None) -> tuple[list[str], int]:
    """Panels written at ``text[position:]``, right after figure ``number``; (panels, end).

    A letter glued to the number ("2B", "1a") is a panel for sure. The first letter sets the
    case style; a letter of the other case ends the list. Lowercase letters not glued to the
    number count only when nothing but panels follows ("Fig. 2, a and b"), so "Figure 2 and a
    previous study" names none. A different figure number ("2A and 3C") ends the list.
    """
    glued = _GLUED.match(text, position)
    lead = None if glued else _LEAD.match(text, position)
    if glued:
        letter, end, certain = glued.group(1), glued.end(), True
    elif lead:
        # "(a)" is as sure as "1a": the English article "a" is never written in brackets
        letter, end = lead.group(2), lead.end()
        certain = lead.group(1) is not None and text.startswith(")", end)
    else:
        return [], position
    panels = [_normalize_letter(letter)]
    lower_style = panels[0][0].islower()
    while True:
        step = _RANGE.match(text, end)
        is_range = step is not None
        step = step or _NEXT.match(text, end)
        if step is None or (step.group(1) and number is not None and step.group(1) != number):
            break
        letter = _normalize_letter(step.group(2))
        if letter[0].islower() != lower_style:
            break
        panels.extend(_expand(panels[-1], letter)[1:] if is_range else [letter])
        end = step.end()
    if lower_style and not certain and not _ONLY_CLOSERS.fullmatch(text, end):
        return [], position
    return panels, end


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def find_segments(xref_text: str, following: str = "") -> list[Segment]:
    """Figures and panels named by ``xref_text`` continued by ``following``."""
    text = xref_text + following
    numbers = list(FIGURE_NUMBER.finditer(xref_text))
    if not numbers:
        panels, _ = scan_panels(text, 0, None)
        return [Segment(None, _unique(panels))]
    segments: list[Segment] = []
    consumed = 0
    for found in numbers:
        if found.start() < consumed:  # part of the previous list: "5A–5D", "2C and 2D"
            continue
        panels, consumed = scan_panels(text, found.end(), found.group())
        segments.append(Segment(found.group(), _unique(panels)))
    return segments


def label_number(label: str | None) -> str | None:
    """The number that identifies a figure in references: the last one of its label.

    "Figure 2" -> "2", "Figure 1—figure supplement 2." -> "2", "Figure S3" -> "S3".
    """
    numbers = FIGURE_NUMBER.findall(label or "")
    return numbers[-1] if numbers else None


def assign_panels(segments: list[Segment], target_numbers: list[str | None]) -> list[tuple[str, ...]]:
    """Panels for each target of an ``<xref rid="a b ...">``, matched by label number.

    One target takes the panels of the segments with its number (of all segments when none
    matches). Several targets take the segments with their number, else, when counts agree,
    the segments in order, else no panels (the whole figure).
    """
    def union(chosen: list[Segment]) -> tuple[str, ...]:
        return _unique([panel for segment in chosen for panel in segment.panels])

    if len(target_numbers) == 1:
        matching = [segment for segment in segments if segment.number == target_numbers[0]]
        return [union(matching or segments)]
    numbered = [segment for segment in segments if segment.number is not None]
    result: list[tuple[str, ...]] = []
    for index, number in enumerate(target_numbers):
        matching = [segment for segment in numbered if number is not None and segment.number == number]
        if matching:
            result.append(union(matching))
        elif len(numbered) == len(target_numbers):
            result.append(numbered[index].panels)
        else:
            result.append(())
    return result
