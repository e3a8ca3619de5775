"""Caption-guided search: a marker the caption names, looked for where the detector did not find it.

The detector does not search plots, diagrams and tables (their arrows, boxes and symbols are
data, not overlays), and it refuses outlines that sit on white page (picture frames). When the
caption names one marker precisely, "The red box indicates the single nucleotide targeted"
(panel b of a sequence diagram) or "the Main Endeavour Field marked with a star" (a map), that
panel is searched again for exactly that and nothing else:

- a *box* or *circle* in a *named chromatic colour*: a hollow closed outline of that colour;
- a *star* (any colour unless one is named): a five- to eight-pointed solid glyph.

Asterisks, arrows and black/white/grey outlines are never searched this way: in plots those
are significance marks, pointers of a diagram and plot symbols. A search that finds more than
``MAX_PER_PHRASE`` candidates found a series of plot symbols, not one marked place: it keeps
none. Guided markers score ``GUIDED_SCORE`` (below the detector's usual scores).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

from panel2patch.captions.records import MarkerPhrase
from panel2patch.markers.colors import CLASS_NAMES, class_layers
from panel2patch.markers.detect import clip_box
from panel2patch.markers.imaging import as_rgb_array
from panel2patch.markers.outlines import fit_outline
from panel2patch.markers.records import Box, Marker
from panel2patch.markers.shapes import fit_symbol, make_blob
from panel2patch.markers.vocabulary import BOX, CIRCLE, DASHED_BOX, STAR

MAX_PER_PHRASE = 3
GUIDED_SCORE = 0.6
_OUTLINE_TYPES = {BOX: (BOX, DASHED_BOX), CIRCLE: (CIRCLE,)}
_MIN_OUTLINE_FRACTION = 0.02  # shorter side of an outline, share of the panel's shorter side
_MAX_OUTLINE_FRACTION = 0.6
_MIN_STAR_FRACTION = 0.012  # longer side of a star glyph, share of the panel's shorter side
_MAX_STAR_FRACTION = 0.15
_MIN_PX = 8
_CHROMATIC = frozenset(name for name in CLASS_NAMES[3:] if name)


def find_named_markers(image: np.ndarray | Image.Image, panels: Sequence[Sequence[int]],
                       labels: Sequence[str | None], phrases: Sequence[MarkerPhrase],
                       found: Sequence[Marker]) -> list[Marker]:
    """Markers that ``phrases`` name on panels where ``found`` holds none of that type and colour.

    ``labels[i]`` is the printed label of panel ``i``. A phrase naming no panel applies only
    to a figure of one panel. Never raises on odd input: it returns what it could find.
    """
    wanted = [phrase for phrase in phrases if _searchable(phrase)]
    if not wanted or not panels:
        return []
    try:
        rgb = as_rgb_array(image)
    except ValueError:
        return []
    extra: list[Marker] = []
    for phrase in wanted:
        for index in _named_panels(phrase, labels, len(panels)):
            if _already_found(phrase, index, [*found, *extra]):
                continue
            box = _clip(panels[index], rgb.shape[1], rgb.shape[0])
            if box is not None:
                extra += _search(rgb, box, index, phrase)
    return extra


def _searchable(phrase: MarkerPhrase) -> bool:
    if phrase.marker in _OUTLINE_TYPES:
        return phrase.color in _CHROMATIC
    return phrase.marker == STAR and (phrase.color is None or phrase.color in CLASS_NAMES)


def _named_panels(phrase: MarkerPhrase, labels: Sequence[str | None], count: int) -> list[int]:
    names = {label.strip().lower() for label in phrase.labels if label and label.strip()}
    if not names:
        return [0] if count == 1 else []
    return [i for i, label in enumerate(labels[:count]) if label and label.strip().lower() in names]


def _already_found(phrase: MarkerPhrase, panel: int, markers: Sequence[Marker]) -> bool:
    types = _OUTLINE_TYPES.get(phrase.marker, (phrase.marker,))
    return any(m.panel == panel and m.type in types and (phrase.color is None or m.color == phrase.color)
               for m in markers)


def _clip(bbox: Sequence[int], width: int, height: int) -> Box | None:
    box = clip_box(bbox, width, height)
    if box is None or box[2] - box[0] < 2 * _MIN_PX or box[3] - box[1] < 2 * _MIN_PX:
        return None
    return box


def _search(rgb: np.ndarray, box: Box, index: int, phrase: MarkerPhrase) -> list[Marker]:
    x0, y0, x1, y1 = box
    layers = class_layers(np.ascontiguousarray(rgb[y0:y1, x0:x1]))
    hits: list[Marker] = []
    for cls, layer in layers.items():
        colour = CLASS_NAMES[cls]
        if colour is None or (phrase.color is not None and colour != phrase.color):
            continue
        # The faint, blended pixels joined to the ink keep a thin JPEG-washed side of a box.
        mask = (layer.stroke if layer.stroke is not None else layer.ink).astype(np.uint8)
        if phrase.marker == STAR:
            hits += _stars(mask, colour, box, index)
        else:
            hits += _outlines(mask, colour, box, index, _OUTLINE_TYPES[phrase.marker])
    return hits if len(hits) <= MAX_PER_PHRASE else []


def _components(mask: np.ndarray, low: float, high: float):
    """(mask crop, (x, y, w, h)) of each blob whose longer side lies in [low, high]."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    for label in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[label])
        if low <= max(w, h) <= high:
            yield labels[y:y + h, x:x + w] == label, (x, y, w, h)


def _outlines(mask: np.ndarray, colour: str, box: Box, index: int, types: tuple[str, ...]) -> list[Marker]:
    short = min(mask.shape)
    # JPEG breaks thin coloured lines: close one-pixel gaps before looking for a closed ring.
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    low = max(_MIN_PX, _MIN_OUTLINE_FRACTION * short)
    out: list[Marker] = []
    for piece, (x, y, w, h) in _components(closed, low, _MAX_OUTLINE_FRACTION * max(mask.shape)):
        if min(w, h) < low:
            continue
        blob = make_blob(piece)
        fit = fit_outline(blob) if blob is not None else None
        if fit is None or fit.type not in types:
            continue
        ix0, iy0, ix1, iy1 = fit.interior  # blob coordinates are padded by one pixel
        interior = (box[0] + x + ix0 - 1, box[1] + y + iy0 - 1, box[0] + x + ix1 - 1, box[1] + y + iy1 - 1)
        out.append(Marker(fit.type, (box[0] + x, box[1] + y, box[0] + x + w, box[1] + y + h), None, colour, index,
                          GUIDED_SCORE, None, fit.style, interior, box))
    return out


def _stars(mask: np.ndarray, colour: str, box: Box, index: int) -> list[Marker]:
    short = min(mask.shape)
    low = max(_MIN_PX, _MIN_STAR_FRACTION * short)
    # A star placed on a line of the drawing (a ridge on a map) is one blob with it: an
    # opening as wide as a thin line cuts the line away and keeps the star's solid body.
    opened = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    out: list[Marker] = []
    for layer in (mask, opened):
        for piece, (x, y, w, h) in _components(layer, low, _MAX_STAR_FRACTION * short):
            blob = make_blob(piece)
            fit = fit_symbol(blob) if blob is not None else None
            bbox = (box[0] + x, box[1] + y, box[0] + x + w, box[1] + y + h)
            if fit is None or fit.type != STAR or any(_same_place(bbox, m.bbox) for m in out):
                continue
            out.append(Marker(STAR, bbox, None, colour, index, GUIDED_SCORE, None, fit.style, None, box))
    return out


def _same_place(a: Box, b: Box) -> bool:
    cx, cy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    return b[0] <= cx <= b[2] and b[1] <= cy <= b[3]
