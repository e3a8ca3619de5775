"""The closed sets the marker detector reports: marker types and colour names.

Names shared with caption parsing are imported from ``panel2patch.captions.vocabulary`` so a
detected "arrowhead" and a caption's "arrowheads" are the same string. ``dashed_box`` is the
detector's own: captions call it a "box" (or "dashed line") and linking maps between them.
"""

from __future__ import annotations

from panel2patch.captions.vocabulary import COLORS as CAPTION_COLORS
from panel2patch.captions.vocabulary import MARKER_TYPES as CAPTION_MARKER_TYPES


def _caption_type(name: str) -> str:
    if name not in CAPTION_MARKER_TYPES:  # pragma: no cover - guards the shared vocabulary
        raise ValueError(f"{name!r} is not a caption marker type")
    return name


ARROW = _caption_type("arrow")
ARROWHEAD = _caption_type("arrowhead")
ASTERISK = _caption_type("asterisk")
STAR = _caption_type("star")
BOX = _caption_type("box")
CIRCLE = _caption_type("circle")
DASHED_BOX = "dashed_box"

# Every type ``find_markers`` may report.
MARKER_TYPES: tuple[str, ...] = (ARROW, ARROWHEAD, ASTERISK, STAR, BOX, CIRCLE, DASHED_BOX)

# Pointer markers (a tip that points at a structure) and outline markers (enclose a region).
POINTER_TYPES = frozenset({ARROW, ARROWHEAD})
SYMBOL_TYPES = frozenset({ASTERISK, STAR})
OUTLINE_TYPES = frozenset({BOX, CIRCLE, DASHED_BOX})

# Colour names the detector reports: the caption vocabulary's canonical colours, without
# the fill attributes ("open", "filled"), which the detector reports as a marker's style.
FILL_WORDS = frozenset({"open", "filled"})
COLOR_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(name for name in CAPTION_COLORS.values() if name not in FILL_WORDS)
)

# Marker styles (kept on the record, not in its JSON): how the glyph is drawn.
STYLES: tuple[str, ...] = ("filled", "open", "line", "dashed", "corners")
