"""Panels named by where they sit: a caption's "(Left) ... (Right) ...", "Top: ... Bottom: ...",
"Upper left panel", "Second row", matched to panel boxes by position in the figure.

Caption parsing normalises these names (``captions.positions``): top / bottom / middle, left /
right / middle, "top left", "row 2", "column 1", "row last". A panel takes the one name whose
area holds it; an area may hold several panels ("Upper panels: ...": each gets that text). A
panel lying across the border of two areas, or in none, gets no text rather than a guess.
"""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[int, int, int, int]

_VERTICAL = ("top", "bottom")
_HORIZONTAL = ("left", "right")
_INSIDE = 0.6  # share of a panel's extent along an axis that must lie within the named band


def is_position_name(label: str) -> bool:
    words = label.split()
    if len(words) == 2 and words[0] in ("row", "column"):
        return words[1] == "last" or words[1].isdigit()
    return bool(words) and all(word in (*_VERTICAL, *_HORIZONTAL, "middle") for word in words)


def panels_by_position(boxes: Sequence[Box], names: Sequence[str]) -> list[str | None] | None:
    """For each panel box, the positional name whose area holds it (None: no single one).

    None when ``names`` are not all positional names or when no panel matches any of them.
    """
    names = list(dict.fromkeys(names))
    if not boxes or not names or not all(is_position_name(name) for name in names):
        return None
    words = {word for name in names for word in name.split()}
    middle_axis = "x" if words & set(_HORIZONTAL) and not words & set(_VERTICAL) else "y"
    rows, columns = _bands(boxes, axis=1), _bands(boxes, axis=0)
    extent = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    thirds_axis = middle_axis if "middle" in words else None  # the axis cut in thirds, if any
    last = {"row": max(rows), "column": max(columns)}
    chosen: list[str | None] = []
    for box, row, column in zip(boxes, rows, columns, strict=True):
        place = {"row": row, "column": column}
        fits = [name for name in names if _holds(name, box, extent, middle_axis, thirds_axis, place, last)]
        chosen.append(fits[0] if len(fits) == 1 else None)
    return chosen if any(chosen) else None


def _holds(name: str, box: Box, extent: Box, middle_axis: str, thirds_axis: str | None,
           place: dict[str, int], last: dict[str, int]) -> bool:
    words = name.split()
    if words[0] in place:  # "row 2", "column last"
        return place[words[0]] == (last[words[0]] if words[1] == "last" else int(words[1]))
    for word in words:
        axis = "y" if word in _VERTICAL else "x" if word in _HORIZONTAL else middle_axis
        if not _in_band(word, box, extent, axis, axis == thirds_axis):
            return False
    return True


def _in_band(word: str, box: Box, extent: Box, axis: str, thirds: bool) -> bool:
    lo, hi = (extent[0], extent[2]) if axis == "x" else (extent[1], extent[3])
    b0, b1 = (box[0], box[2]) if axis == "x" else (box[1], box[3])
    parts = 3 if thirds else 2
    step = (hi - lo) / parts
    place = {"top": 0, "left": 0, "middle": 1, "bottom": parts - 1, "right": parts - 1}[word]
    band0, band1 = lo + place * step, lo + (place + 1) * step
    inside = max(0.0, min(b1, band1) - max(b0, band0))
    return inside >= _INSIDE * max(1, b1 - b0)


def _bands(boxes: Sequence[Box], axis: int) -> list[int]:
    """1-based row (axis=1) or column (axis=0) of each box: boxes whose spans overlap by half
    of the smaller one share a band; bands are numbered top to bottom (left to right)."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][axis])
    band_of = [0] * len(boxes)
    band_spans: list[tuple[int, int]] = []
    for i in order:
        start, end = boxes[i][axis], boxes[i][axis + 2]
        for number, (s, e) in enumerate(band_spans):
            if min(end, e) - max(start, s) >= 0.5 * min(end - start, e - s):
                band_of[i] = number + 1
                band_spans[number] = (min(s, start), max(e, end))
                break
        else:
            band_spans.append((start, end))
            band_of[i] = len(band_spans)
    return band_of
