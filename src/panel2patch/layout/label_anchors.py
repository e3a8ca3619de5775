"""Panels of non-guillotine figures: each drawing goes to the label that heads it.

Dense figures are often no guillotine layout: a column of micrographs "D" beside two rows
of plots, whose inner gaps line up with the gutters between those rows; a short row "H"
beside the start of a tall box plot "I". Cuts straight across such a figure hand part of
one panel to another. When labels are printed at the top-left of their panels, panels can
instead grow from their labels: each drawing (a content component of panel-part size) goes
to the nearest label above and left of it whose panel can take it without overlapping
another. That partition replaces the cut one when it is clean (every panel-sized drawing
is taken, every label takes a drawing and sits at the top-left corner of its panel) and
the cut one gives a clear share of the drawings' area to another label.
"""

from __future__ import annotations

from panel2patch.layout.canvas import Canvas
from panel2patch.layout.geometry import area, containing, intersection, union
from panel2patch.layout.gutters import WorkBox
from panel2patch.layout.label_hits import LabelHit

# a label may start this many label heights right of / below a drawing it heads (a plot's
# tick labels reach left of the label printed above its axis)
SLACK_X = 3.0
SLACK_Y = 1.0
CORNER = 1.5  # a label lies within this many label heights of its panel's top-left corner
MAX_OVERLAP = 0.05  # largest share of the smaller of two panels that may lie in both
MIN_MISPLACED = 0.05  # share of drawing area the cut partition must misplace to be replaced


def prefer_anchored_split(
    canvas: Canvas, content: WorkBox, regions: list[tuple[WorkBox, LabelHit | None]]
) -> list[tuple[WorkBox, LabelHit | None]]:
    """``regions`` (every one labelled by a read label), or the partition grown from the
    labels when it is clean and the cut partition misplaces drawings."""
    labels = [hit for _, hit in regions if hit is not None and not hit.inferred]
    if len(labels) < 2 or len(labels) != len(regions):
        return regions
    drawings = [d for d in canvas.graphic_components(content) if not _is_a_label(d, labels)]
    heads = _grow_from_labels(drawings, labels)
    anchored = _anchored(canvas, drawings, heads, labels)
    if anchored is None or _misplaced_share(drawings, heads, regions, labels) < MIN_MISPLACED:
        return regions
    return anchored


def _grow_from_labels(drawings: list[WorkBox], labels: list[LabelHit]) -> list[int | None]:
    """The heading label of every drawing (None: no label can take it). Panels grow from
    their labels, nearest drawing first (city-block distance from the label's top-left to
    the drawing's, for drawings below and right of the label within the slack); a label
    does not take a drawing that would make its panel overlap another's."""
    pairs = sorted(
        (max(dx, 0) + max(dy, 0), d, i)
        for d, drawing in enumerate(drawings)
        for i, label in enumerate(labels)
        if (dx := drawing[0] - label.box[0]) >= -SLACK_X * label.height
        and (dy := drawing[1] - label.box[1]) >= -SLACK_Y * label.height
    )
    panels = [label.box for label in labels]
    heads: list[int | None] = [None] * len(drawings)
    for _, d, i in pairs:
        if heads[d] is not None:
            continue
        grown = union([panels[i], drawings[d]])
        if any(_collides(grown, panels[j], labels[j]) for j in range(len(panels)) if j != i):
            continue
        panels[i], heads[d] = grown, i
    return heads


def _anchored(
    canvas: Canvas, drawings: list[WorkBox], heads: list[int | None], labels: list[LabelHit]
) -> list[tuple[WorkBox, LabelHit | None]] | None:
    members: dict[int, list[WorkBox]] = {i: [] for i in range(len(labels))}
    for drawing, head in zip(drawings, heads):
        if head is None:
            if canvas.is_substantial(drawing):
                return None  # a panel-sized drawing no label can take: labels are not top-left
            continue
        members[head].append(drawing)
    if any(not found for found in members.values()):
        return None
    panels = [union([label.box, *members[i]]) for i, label in enumerate(labels)]
    if not all(_at_corner(p, lab) for p, lab in zip(panels, labels)):
        return None
    return [(canvas.trim(panel) or panel, label) for panel, label in zip(panels, labels)]


def _misplaced_share(
    drawings: list[WorkBox], heads: list[int | None], regions: list[tuple[WorkBox, LabelHit | None]],
    labels: list[LabelHit],
) -> float:
    """Share of the drawings' area that ``regions`` give to another label than their heading one."""
    boxes = [box for box, _ in regions]
    total = misplaced = 0
    for drawing, head in zip(drawings, heads):
        if head is None:
            continue
        total += area(drawing)
        index = containing(boxes, ((drawing[0] + drawing[2]) / 2, (drawing[1] + drawing[3]) / 2))
        if index is None or regions[index][1] is not labels[head]:
            misplaced += area(drawing)
    return misplaced / total if total else 0.0


def _at_corner(panel: WorkBox, label: LabelHit) -> bool:
    reach = CORNER * label.height
    return label.box[0] - panel[0] <= reach and label.box[1] - panel[1] <= reach


def _is_a_label(drawing: WorkBox, labels: list[LabelHit]) -> bool:
    """A component that is (mostly) a label glyph itself, not a drawing."""
    return any(area(drawing) <= 2 * area(label.box) and containing([drawing], label.center) is not None
               for label in labels)


def _collides(grown: WorkBox, panel: WorkBox, label: LabelHit) -> bool:
    """``grown`` would take over another label's panel, or the label itself while its panel
    is still only that label (touching a label's box is no collision)."""
    if panel == label.box:
        return containing([grown], label.center) is not None
    return _overlap(grown, panel)


def _overlap(a: WorkBox, b: WorkBox) -> bool:
    """More than MAX_OVERLAP of the smaller box lies in both."""
    return intersection(a, b) > MAX_OVERLAP * min(area(a), area(b))
