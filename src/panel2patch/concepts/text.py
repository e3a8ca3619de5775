"""Concept labels from text (a caption, a sub-caption, mention sentences), by cue rules.

Each cue of the taxonomy that occurs as a whole word (plurals accepted, hyphens flexible,
abbreviations case-sensitive) adds evidence to its class, weighted by how specific the
cue is. A cue is ignored when it is negated ("no GFP signal", "without DAPI") or names
an antibody's target ("anti-GFP", "α-tubulin"). Several distinct cues of one class
accumulate with diminishing returns: ``confidence = 1 - prod(1 - GAIN * weight)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from panel2patch.concepts.records import Concept
from panel2patch.concepts.taxonomy import Cue, Taxonomy, load_taxonomy, normalise_text

GAIN = 0.6  # confidence of one fully specific cue
MIN_CONFIDENCE = 0.3  # below this a class is not reported
MAX_CONCEPTS = 3

_NEGATION = re.compile(
    r"(?:\b(?:no|not|without|lack(?:ing)?\s+of|absence\s+of|absent|neither|nor|non)\s+(?:\w+[\s-]+){0,2}|\bnon-)$",
    re.IGNORECASE,
)
_ANTIBODY = re.compile(r"(?:\banti|α|\balpha)-?$", re.IGNORECASE)
# "Table 2", "Figure S3": a reference to another item, not a description of this one
_REFERENCE = re.compile(r"^(?:table|tables|figure|figures|fig|movie|video)s?$", re.IGNORECASE)
_NUMBER_AFTER = re.compile(r"^\.?\s*S?\d")
_NUMBER_BEFORE = re.compile(r"\bS\d+\s*$")  # "S2 Table" (PLOS style)
# A scale bar is a microscopy cue only at microscope scale: "Scale bar 5 mm" under a plate of
# beetle larvae is a specimen photograph. The rest of a scale bar's sentence, and its lengths.
_SCALE_SENTENCE = re.compile(r"\b(?:scale\s*)?bars?\b(?:[^.;]|\.\d)*", re.IGNORECASE)
_LENGTH = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s?(?P<unit>nm|[µμu]m|microns?|micromet\w*|mm|cm|m|millimet\w*)(?!\w)",
                     re.IGNORECASE)
_MACRO_UNITS = frozenset({"mm", "cm", "m", "millimeter", "millimetre", "millimeters", "millimetres"})
_SCALE_BAR_CUES = frozenset({"scale bar", "scale bars", "bar ="})


@dataclass(frozen=True)
class CueMatch:
    global_class: str
    local_class: str | None
    cue: str
    weight: float
    start: int


def find_cues(text: str, taxonomy: Taxonomy | None = None) -> list[CueMatch]:
    """Every non-negated cue occurrence in ``text`` (one per cue, its first occurrence)."""
    taxonomy = taxonomy or load_taxonomy()
    text = normalise_text(text or "")
    if not text.strip():
        return []
    lowered = text.casefold()
    macro_only = _macro_scale_only(text)
    matches: list[CueMatch] = []
    for g in taxonomy.classes:
        for cue in g.cues:
            if macro_only and cue.text.casefold() in _SCALE_BAR_CUES:
                continue
            start = _first_match(cue, text, lowered)
            if start is not None:
                matches.append(CueMatch(g.name, None, cue.text, cue.weight, start))
        for local in g.locals:
            for cue in local.cues:
                start = _first_match(cue, text, lowered)
                if start is not None:
                    matches.append(CueMatch(g.name, local.name, cue.text, cue.weight, start))
    return matches


def _macro_scale_only(text: str) -> bool:
    """Every scale bar length the text gives is in millimetres or larger (and there is one)."""
    units = {length.group("unit").casefold()
             for sentence in _SCALE_SENTENCE.finditer(text) for length in _LENGTH.finditer(sentence.group(0))}
    return bool(units) and units <= _MACRO_UNITS


@lru_cache(maxsize=None)
def _literal_parts(cue_text: str) -> tuple[str, ...]:
    """Lower-case pieces every match of the cue contains: its words, hyphens and spaces being
    the only flexible characters (plural endings and ``*`` only extend the last one)."""
    return tuple(part for part in re.split(r"[\s\-]+", normalise_text(cue_text).rstrip("*").casefold()) if part)


def _first_match(cue: Cue, text: str, lowered: str | None = None) -> int | None:
    # a substring test first: most of the ~1,100 cues are absent from any one caption, and this
    # skips their regular expressions (the concept stage spent most of its time there)
    if lowered is not None and not all(part in lowered for part in _literal_parts(cue.text)):
        return None
    for match in cue.pattern.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if _NEGATION.search(before) or _ANTIBODY.search(before):
            continue
        if _REFERENCE.match(match.group(0)) and (
            _NUMBER_AFTER.match(text[match.end() : match.end() + 6]) or _NUMBER_BEFORE.search(before)
        ):
            continue
        return match.start()
    return None


def _combine(weights: list[float]) -> float:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - GAIN * min(1.0, weight)
    return 1.0 - remaining


def text_scores(text: str, taxonomy: Taxonomy | None = None) -> dict[str, tuple[float, dict[str, float]]]:
    """Per global class: (confidence, {local class: confidence}) from the cues in ``text``,
    the locals in the order the text first names them."""
    by_global: dict[str, list[CueMatch]] = {}
    # in reading order, so that each class's locals are listed in the order the text names them
    for match in sorted(find_cues(text, taxonomy), key=lambda m: m.start):
        by_global.setdefault(match.global_class, []).append(match)
    scores: dict[str, tuple[float, dict[str, float]]] = {}
    for name, matches in by_global.items():
        local_weights: dict[str, list[float]] = {}
        global_weights: list[float] = []
        for match in matches:
            if match.local_class is None:
                global_weights.append(match.weight)
            else:
                local_weights.setdefault(match.local_class, []).append(match.weight)
        locals_ = {local: _combine(weights) for local, weights in local_weights.items()}
        # the class gathers all its cues, but a cue matched by several locals counts once
        seen: dict[str, float] = {}
        for match in matches:
            seen[match.cue.lower()] = max(seen.get(match.cue.lower(), 0.0), match.weight)
        scores[name] = (_combine(list(seen.values())), locals_)
    return scores


def concepts_from_text(
    text: str | None, taxonomy: Taxonomy | None = None, min_confidence: float = MIN_CONFIDENCE
) -> list[Concept]:
    """Concepts a caption or sub-caption names, most confident first (at most three)."""
    if not text:
        return []
    concepts = []
    for name, (confidence, locals_) in text_scores(text, taxonomy).items():
        if confidence < min_confidence:
            continue
        local = None
        if locals_:
            # equal evidence: the local the text names first ("Histogram of ... phylogenetic
            # profiles" is a histogram); ``max`` keeps the first of equals, locals are in text order
            best, best_confidence = max(locals_.items(), key=lambda item: item[1])
            if best_confidence >= min_confidence:
                local = best
        concepts.append(Concept(name, local, "text", round(confidence, 4)))
    concepts.sort(key=lambda c: (-c.confidence, c.global_class))
    return concepts[:MAX_CONCEPTS]
