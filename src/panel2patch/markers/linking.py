"""Link detected markers to the caption phrases that define them, and make their regions.

The rule of You et al. (2013): markers are grouped by type and colour (per panel), and each
group takes the marker phrase of the caption with the same type and colour that applies to
its panel. Where the caption is less specific than the detector, the closest phrase wins,
in this order of preference: the same type before a sibling type (an "arrow" phrase for
detected arrowheads), a stated colour before an unstated one, a similar colour ("orange"
for a detected yellow) last; a phrase naming the marker's panel before a figure-wide one.
A phrase only applies to the panels it names (or to every panel when it names none): the
proximity gate. Markers no phrase fits keep a region without text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from panel2patch.captions.records import CaptionParse, MarkerPhrase
from panel2patch.markers.records import Box, Marker, Region
from panel2patch.markers.regions import region_box
from panel2patch.markers.vocabulary import (
    ARROW,
    ARROWHEAD,
    ASTERISK,
    BOX,
    CIRCLE,
    DASHED_BOX,
    OUTLINE_TYPES,
    STAR,
)

# Linking tells dashed circles from solid ones (both are detected as type "circle"): a caption's
# "dashed circles" name the first, its "circles" the second, "dashed lines" either dashed outline.
_DASHED_CIRCLE = "dashed_circle"

# Caption marker type -> detected types it names, best first: exact, then siblings (tier 1),
# then outlines of the other shape (tier 2).
_TYPE_MATCH: dict[str, tuple[tuple[str, ...], ...]] = {
    ARROW: ((ARROW,), (ARROWHEAD,)),
    ARROWHEAD: ((ARROWHEAD,), (ARROW,)),
    ASTERISK: ((ASTERISK,), (STAR,)),
    STAR: ((STAR,), (ASTERISK,)),
    BOX: ((BOX, DASHED_BOX), (CIRCLE, _DASHED_CIRCLE)),
    CIRCLE: ((CIRCLE,), (_DASHED_CIRCLE,), (BOX, DASHED_BOX)),
    "inset": ((), (BOX, DASHED_BOX)),
    "dashed_line": ((DASHED_BOX, _DASHED_CIRCLE), (BOX, CIRCLE)),
    "dotted_line": ((DASHED_BOX, _DASHED_CIRCLE), (BOX, CIRCLE)),
}
_DASHED_WORDS = re.compile(r"\b(?:dash|dott|broken)", re.IGNORECASE)
_ZOOM_WORDS = re.compile(r"magnif|enlarg|higher|zoom|inset|detail|blow|close-?up|expanded|shown (?:in|at)|"
                         r"high(?:er)?[- ]power|insert", re.IGNORECASE)

# Colours a reader (or the detector) easily confuses.
_SIMILAR: tuple[frozenset[str], ...] = (
    frozenset({"white", "grey"}), frozenset({"yellow", "orange"}), frozenset({"red", "orange", "pink"}),
    frozenset({"red", "magenta", "pink"}), frozenset({"magenta", "purple", "pink"}),
    frozenset({"blue", "purple", "cyan"}), frozenset({"green", "cyan"}), frozenset({"black", "grey", "brown"}),
)


@dataclass(frozen=True)
class _Choice:
    phrase: MarkerPhrase
    rank: tuple[int, ...]


def link_markers(markers: Sequence[Marker], caption_parse: CaptionParse | None,
                 panel_labels: Sequence[str | None], panels: Sequence[Sequence[int]] | None = None) -> list[Region]:
    """One ``Region`` per marker (same order), with its caption phrase where one applies.

    ``panel_labels[i]`` is the printed label of panel ``i`` (None when unlabelled);
    ``panels`` are the panel boxes used to size and clip regions (default: each marker's
    own ``panel_bbox``, as set by ``find_markers``).
    """
    phrases = list(caption_parse.marker_phrases) if caption_parse is not None else []
    labels = [_norm(label) for label in panel_labels]
    any_labelled = any(labels)
    chosen: dict[tuple, _Choice | None] = {}
    regions: list[Region] = []
    for index, marker in enumerate(markers):
        label = labels[marker.panel] if 0 <= marker.panel < len(labels) else None
        key = (marker.type, marker.color, marker.style, marker.panel)
        if key not in chosen:  # one decision per group of like markers in a panel
            chosen[key] = _best_phrase(marker, label, any_labelled, phrases)
        choice = chosen[key]
        panel_box = _panel_box(marker, panels)
        box = region_box(marker, panel_box)
        if choice is None:
            regions.append(Region(box, marker.panel, index))
            continue
        phrase = choice.phrase
        texts = [phrase.phrase] + ([phrase.clause] if phrase.clause and phrase.clause != phrase.phrase else [])
        regions.append(Region(box, marker.panel, index, phrase.phrase, texts,
                              _linked_panel(marker, phrase, label, labels)))
    return regions


def _norm(label: str | None) -> str | None:
    return label.strip().lower() if label and label.strip() else None


def _panel_box(marker: Marker, panels: Sequence[Sequence[int]] | None) -> Box:
    if panels is not None and 0 <= marker.panel < len(panels):
        x0, y0, x1, y1 = (int(v) for v in panels[marker.panel])
        return x0, y0, x1, y1
    if marker.panel_bbox is not None:
        return marker.panel_bbox
    x0, y0, x1, y1 = marker.bbox  # no panel known: a generous box around the marker
    side = 4 * max(x1 - x0, y1 - y0)
    return x0 - side, y0 - side, x1 + side, y1 + side


def _best_phrase(marker: Marker, label: str | None, any_labelled: bool,
                 phrases: Sequence[MarkerPhrase]) -> _Choice | None:
    best: _Choice | None = None
    for order, phrase in enumerate(phrases):
        type_tier = _type_tier(phrase, marker)
        colour_tier = _colour_tier(phrase.color, marker)
        panel_tier = _panel_tier(phrase.labels, label, any_labelled)
        if type_tier is None or colour_tier is None or panel_tier is None:
            continue
        rank = (type_tier, colour_tier, panel_tier, order)
        if best is None or rank < best.rank:
            best = _Choice(phrase, rank)
    return best


def _type_tier(phrase: MarkerPhrase, marker: Marker) -> int | None:
    tiers = _TYPE_MATCH.get(phrase.marker, ())
    dashed = bool(_DASHED_WORDS.search(phrase.clause or ""))
    if phrase.marker == BOX:  # "dashed boxes" name dashed ones first, plain "boxes" solid ones
        tiers = ((DASHED_BOX,), (BOX, CIRCLE, _DASHED_CIRCLE)) if dashed else ((BOX,), (DASHED_BOX, CIRCLE, _DASHED_CIRCLE))
    elif phrase.marker == CIRCLE and dashed:  # "dashed / dotted circles"
        tiers = ((_DASHED_CIRCLE,), (CIRCLE,), (DASHED_BOX, BOX))
    kind = _DASHED_CIRCLE if marker.type == CIRCLE and marker.style == "dashed" else marker.type
    for tier, kinds in enumerate(tiers):
        if kind in kinds:
            return tier
    return None


def _colour_tier(colour: str | None, marker: Marker) -> int | None:
    """0: the same colour (or fill) stated; 1: no colour stated; 2: a colour easily
    confused with the marker's; None: another colour."""
    if colour is None:
        return 1
    if colour in ("open", "filled"):
        return 0 if (marker.style == colour or marker.type in OUTLINE_TYPES) else None
    if marker.color == colour:
        return 0
    if marker.color is not None and any(colour in group and marker.color in group for group in _SIMILAR):
        return 2
    return None


def _panel_tier(phrase_labels: Sequence[str], label: str | None, any_labelled: bool) -> int | None:
    """0: the phrase names this panel; 1: it is figure-wide; 2: it names panels but the
    layout read no labels at all (cannot tell); None: it names other panels."""
    if not phrase_labels:
        return 1
    if label is None:
        return None if any_labelled else 2
    names = {_norm(item) for item in phrase_labels}
    if label in names or any(label.startswith(name) or name.startswith(label) for name in names if name):
        return 0
    return None


def _linked_panel(marker: Marker, phrase: MarkerPhrase, label: str | None, labels: Sequence[str | None]) -> int | None:
    """The panel showing an outlined area magnified ("boxed area is magnified in C")."""
    if marker.type not in OUTLINE_TYPES or not _ZOOM_WORDS.search(phrase.clause or ""):
        return None
    for other in phrase.labels:
        name = _norm(other)
        if name and name != label:
            for index, candidate in enumerate(labels):
                if candidate == name:
                    return index
    return None
