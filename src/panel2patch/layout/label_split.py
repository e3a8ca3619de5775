"""Split a region so that every printed label gets its own panel.

Pieces without a label join a labelled neighbour (before or after it, whichever leaves
no label without a drawing), cuts that keep the label sequence in order are preferred,
and a region that holds several labels but no gutter is partitioned by the label
positions.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from panel2patch.layout.canvas import Canvas
from panel2patch.layout.cuts import candidate_splits
from panel2patch.layout.geometry import containing, union
from panel2patch.layout.gutters import HORIZONTAL, WorkBox
from panel2patch.layout.label_hits import LabelHit
from panel2patch.layout.splitting import attach_to_nearest, major_drawings

ROW_OFFSET = 2.0  # labels of one row of panels: tops within this many label heights
# a label column counts as a margin beside the panels when nothing but labels is printed in
# it, outside the labels' own rows widened by this many label heights
MARGIN_ROW_SLACK = 0.3
# labels placed alike in their panels: the first and last label of a row stand as far
# from their cells' right edges within this many label heights
SHARED_PLACEMENT_SLACK = 2.0


def split_labeled(
    canvas: Canvas, box: WorkBox, labels: list[LabelHit], top: bool = True
) -> list[tuple[WorkBox, LabelHit | None]]:
    trimmed = canvas.trim(box) or box
    if len(labels) <= 1:
        return [(trimmed, labels[0] if labels else None)]
    fallback = None
    for axis, children in candidate_splits(canvas, trimmed):
        if axis == HORIZONTAL:
            children = _cut_above_labels(canvas, children, labels)
        groups = _group_by_labels(canvas, children, labels, axis)
        if len(groups) < 2 or not _all_drawn(canvas, groups):
            continue  # a label cut off from its drawing (label in a margin beside it)
        if _in_sequence(groups):
            return _split_groups(canvas, groups)
        fallback = fallback or groups
    if fallback:
        return _split_groups(canvas, fallback)
    for axis, children in candidate_splits(canvas, trimmed) if top else ():
        groups = _group_with_unlabelled_drawings(canvas, children, labels, axis)
        if len(groups) >= 2:
            return _split_groups(canvas, groups)
        break
    return partition_by_label_grid(canvas, trimmed, labels)


def _group_with_unlabelled_drawings(
    canvas: Canvas, children: list[WorkBox], labels: list[LabelHit], axis: int
) -> list[tuple[list[WorkBox], list[LabelHit]]]:
    """All labels fell in one piece: the other major drawings are panels whose labels
    were not read (the sequence repair may name them); small pieces join their nearest."""
    majors = major_drawings(canvas, children, axis)
    labelled = [c for c in children if any(containing([c], h.center) is not None for h in labels)]
    anchors = list(dict.fromkeys(labelled + majors))
    if len(anchors) < 2:
        return []
    groups = []
    for anchor, members in attach_to_nearest(children, anchors, axis):
        inside = [h for h in labels if containing(members, h.center) is not None]
        groups.append((members, inside))
    return groups


def _all_drawn(canvas: Canvas, groups: list[tuple[list[WorkBox], list[LabelHit]]]) -> bool:
    """Every group holds a drawing or picture of panel size, not only its label and text."""
    return all(
        canvas.is_substantial(union(members)) and any(canvas.is_graphic(c) for c in members)
        for members, _ in groups
    )


def _in_sequence(groups: list[tuple[list[WorkBox], list[LabelHit]]]) -> bool:
    """The label sequence runs through the groups in order (A, B | C, D rather than A, C | B, D):
    the cut follows the figure's own panel order."""
    ranges = [(min(h.index for h in labels), max(h.index for h in labels)) for _, labels in groups]
    return all(a[1] < b[0] for a, b in pairwise(ranges))


def _split_groups(
    canvas: Canvas, groups: list[tuple[list[WorkBox], list[LabelHit]]]
) -> list[tuple[WorkBox, LabelHit | None]]:
    out: list[tuple[WorkBox, LabelHit | None]] = []
    for members, group_labels in groups:
        out.extend(split_labeled(canvas, union(members), group_labels, top=False))
    return out


def _cut_above_labels(canvas: Canvas, children: list[WorkBox], labels: list[LabelHit]) -> list[WorkBox]:
    """Labels sit at the top of their panel: a piece with a label low inside it and only
    page above the label (the label starts the next panel, beside the end of the one
    above) is cut just above that label. Labels set in a margin beside their panels (at
    mid-height, say) start no panel: there the piece is cut at the blank row above each
    label, where every piece so cut keeps a drawing."""
    labels_on_top = any(_label_on_top(child, label) for child in children for label in labels)
    beside = _labels_in_margin(canvas, children, labels)
    out: list[WorkBox] = []
    for child in children:
        inside = [label for label in labels if containing([child], label.center) is not None]
        margin_cuts = _margin_cuts(canvas, child, inside) if beside else []
        pieces = _pieces(canvas, child, margin_cuts) if margin_cuts else []
        if not pieces or not all(canvas.is_graphic(piece) for piece in pieces):
            pieces = _pieces(canvas, child, _corner_cuts(canvas, child, inside, labels_on_top))
        out.extend(pieces)
    return out


def _corner_cuts(canvas: Canvas, child: WorkBox, labels: list[LabelHit], labels_on_top: bool) -> list[int]:
    """Rows just above the labels low in the piece that start a panel (page above them)."""
    cuts = []
    for label in labels:
        x0, y0, x1, y1 = label.box
        h = label.height
        if y0 - child[1] < 2 * h:
            continue
        band = canvas.gray[max(child[1], int(y0 - 1.5 * h)) : y0, x0:x1]
        if _flat(canvas, band):
            cuts.append(y0 - max(1, int(0.15 * h)))
        elif labels_on_top and child[3] - y1 <= 0.5 * h:
            # nothing of this piece below the label, and this figure prints its labels
            # at the top of their panels: the label starts the next panel even though
            # the panel above reaches down beside it (a rotated axis title)
            cuts.append(_clear_row_above(canvas, label, child[1]))
    return cuts


def _margin_cuts(canvas: Canvas, child: WorkBox, labels: list[LabelHit]) -> list[int]:
    """The blank rows across the piece above its labels low in it (labels beside their panels)."""
    cuts = []
    for label in labels:
        if label.box[1] - child[1] >= 2 * label.height:
            gutter = _blank_row_above(canvas, child, label, labels)
            if gutter is not None:
                cuts.append(gutter)
    return cuts


def _pieces(canvas: Canvas, child: WorkBox, cuts: list[int]) -> list[WorkBox]:
    if not cuts:
        return [child]
    out = []
    start = child[1]
    for cut in sorted(set(cuts)) + [child[3]]:
        piece = canvas.trim((child[0], start, child[2], cut))
        if piece:
            out.append(piece)
        start = cut
    return out


def _labels_in_margin(canvas: Canvas, children: list[WorkBox], labels: list[LabelHit]) -> bool:
    """A figure's labels share one placement: every label (at least two) has its own
    column of the piece it lies in to itself and the other labels - a margin beside its
    panel, not a corner inside it."""
    if len(labels) < 2:
        return False
    for label in labels:
        index = containing(children, label.center)
        if index is None:
            return False
        child = children[index]
        column = canvas.gray[child[1] : child[3], label.box[0] : label.box[2]]
        keep = np.ones(len(column), dtype=bool)
        for other in labels:
            pad = int(MARGIN_ROW_SLACK * other.height)
            keep[max(0, other.box[1] - pad - child[1]) : max(0, other.box[3] + pad - child[1])] = False
        if not _flat(canvas, column[keep]):
            return False
    return True


def _blank_row_above(canvas: Canvas, child: WorkBox, label: LabelHit, labels: list[LabelHit]) -> int | None:
    """The lowest row blank across the whole piece between the label and the label above
    it (or the piece's top), None if there is none."""
    floor = max([child[1]] + [lab.box[3] for lab in labels if lab.box[3] <= label.box[1]])
    for y in range(label.box[1] - 1, floor, -1):
        if _flat(canvas, canvas.gray[y, child[0] : child[2]]):
            return y
    return None


def _flat(canvas: Canvas, pixels: np.ndarray) -> bool:
    """Grey levels within the uniform tolerance (page, or a quiet stretch of a picture)."""
    return bool(pixels.size) and int(pixels.max()) - int(pixels.min()) <= canvas.config.uniform_tolerance


def _label_on_top(child: WorkBox, label: LabelHit) -> bool:
    """The label is inside the piece and starts it (within one label height)."""
    return containing([child], label.center) is not None and label.box[1] - child[1] < label.height


def _clear_row_above(canvas: Canvas, label: LabelHit, floor: int) -> int:
    """The lowest row above the label free of ink across the label's width (within 1.5
    label heights), else just above the label."""
    x0, y0, x1, _ = label.box
    for y in range(y0 - 1, max(floor, int(y0 - 1.5 * label.height)), -1):
        if _flat(canvas, canvas.gray[y, x0:x1]):
            return y
    return y0 - max(1, int(0.15 * label.height))


def _group_by_labels(
    canvas: Canvas, children: list[WorkBox], labels: list[LabelHit], axis: int
) -> list[tuple[list[WorkBox], list[LabelHit]]]:
    owner: dict[int, list[LabelHit]] = {}
    for label in labels:
        index = containing(children, label.center)
        if index is None:
            return []
        owner.setdefault(index, []).append(label)
    if len(owner) < 2:
        return []
    best: list[tuple[list[WorkBox], list[LabelHit]]] = []
    best_bad = None
    for prefer_previous in (True, False):
        assignment: dict[int, list[WorkBox]] = {i: [] for i in owner}
        for i, child in enumerate(children):
            assignment[_owner_index(i, sorted(owner), prefer_previous)].append(child)
        groups = [(assignment[i], owner[i]) for i in sorted(owner)]
        bad = sum(not any(canvas.is_graphic(c) for c in members) for members, _ in groups)
        if best_bad is None or bad < best_bad:
            best, best_bad = groups, bad
    return best


def _owner_index(i: int, labelled: list[int], prefer_previous: bool) -> int:
    if i in labelled:
        return i
    before = [j for j in labelled if j < i]
    after = [j for j in labelled if j > i]
    if prefer_previous:
        return before[-1] if before else after[0]
    return after[0] if after else before[-1]


def partition_by_label_grid(
    canvas: Canvas, box: WorkBox, labels: list[LabelHit]
) -> list[tuple[WorkBox, LabelHit | None]]:
    """No gutter separates the labels: cut at the label rows, then at labels within a row."""
    x0, y0, x1, y1 = box
    rows: list[list[LabelHit]] = []
    for label in sorted(labels, key=lambda lab: lab.box[1]):
        if rows and _same_label_row(rows[-1], label):
            rows[-1].append(label)
        else:
            rows.append([label])
    unbroken = _unbroken_sequence(labels)
    out: list[tuple[WorkBox, LabelHit | None]] = []
    for r, row in enumerate(rows):
        margin = 0.3 * max(lab.height for lab in row)
        top = y0 if r == 0 else int(min(lab.box[1] for lab in row) - margin)
        bottom = y1 if r == len(rows) - 1 else int(min(lab.box[1] for lab in rows[r + 1]) - margin)
        row = sorted(row, key=lambda lab: lab.box[0])
        starts = _column_starts(row, x0, x1, margin, unbroken)
        for c, label in enumerate(row):
            left = x0 if c == 0 else starts[c]
            right = x1 if c == len(row) - 1 else starts[c + 1]
            cell = (max(x0, left), max(y0, top), min(x1, right), min(y1, bottom))
            if cell[2] > cell[0] and cell[3] > cell[1]:
                trimmed = canvas.trim(cell) or cell
                out.append((trimmed, label))
    return out


def _column_starts(row: list[LabelHit], left: int, right: int, margin: float, unbroken: bool) -> list[int]:
    """Where each label's panel starts in a row: just left of the label, or, as a figure's
    labels share one placement, as far left of every label as the first label sits right
    of the region's left edge (labels at the top right or mid-height of their panels).
    That offset is trusted only where every label was read and none is missing (else the
    first label may head the second panel of the row), it leaves every label in a cell, and
    the first and last labels stand as far from their cells' right edges."""
    offset = row[0].box[0] - left
    starts = [left] + [int(label.box[0] - offset) for label in row[1:]]
    if (
        not unbroken
        or len(row) < 2
        or offset <= margin
        or any(label.box[0] - offset <= before.box[2] for before, label in pairwise(row))
        or abs((starts[1] - row[0].box[2]) - (right - row[-1].box[2]))
        > SHARED_PLACEMENT_SLACK * max(lab.height for lab in row)
    ):
        return [left] + [int(label.box[0] - margin) for label in row[1:]]
    return starts


def _unbroken_sequence(labels: list[LabelHit]) -> bool:
    """Every label read (none inferred) and no letter of the sequence missing between them."""
    indices = sorted(label.index for label in labels)
    consecutive = indices == list(range(indices[0], indices[0] + len(indices)))
    return consecutive and not any(label.inferred for label in labels)


def _same_label_row(row: list[LabelHit], label: LabelHit) -> bool:
    """Labels of one row of panels may be offset by up to ROW_OFFSET label heights (panels
    of a row whose tops differ), but never sit above one another."""
    first = row[0]
    if label.box[1] >= first.box[1] + ROW_OFFSET * first.height:
        return False
    return all(label.box[0] >= other.box[2] or label.box[2] <= other.box[0] for other in row)
