"""Recursive cuts along gutters, with and without panel labels as anchors.

Without labels a cut is kept only when it separates at least two substantial drawings or
pictures of comparable size; text strips (axis titles, legends) and small drawings
(colour bars) stay with their nearest neighbour. With labels, every label ends up in
exactly one panel: pieces without a label join a labelled neighbour, and a region that
holds several labels but no gutter is partitioned by the label positions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from panel2patch.layout.canvas import Canvas
from panel2patch.layout.gutters import HORIZONTAL, VERTICAL, WorkBox, cut_box, find_gutters, trim_box
from panel2patch.layout.label_hits import LabelHit

# A drawing next to one that is this much bigger is an attachment (legend, colour bar).
MINOR_AREA_RATIO = 0.2
MINOR_EXTENT_RATIO = 0.5
MINOR_AREA_RATIO_IF_SHORT = 0.35


def union(boxes: Sequence[WorkBox]) -> WorkBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def candidate_splits(canvas: Canvas, box: WorkBox) -> Iterator[tuple[int, list[WorkBox]]]:
    """Ways to cut ``box``: coarse cuts (the widest gutters) first, then every gutter."""
    tol = canvas.config.uniform_tolerance
    min_gap = max(1, round(canvas.config.min_gutter_fraction * canvas.long_side))
    background = float(canvas.background.mean())
    per_axis: dict[int, list] = {}
    for axis in (HORIZONTAL, VERTICAL):
        gutters = [
            g
            for g in find_gutters(canvas.gray, box, axis, tol, 1)
            if g.width >= min_gap or _is_drawn_line(canvas, box, g, background)
        ]
        if gutters:
            per_axis[axis] = gutters
    order = sorted(per_axis, key=lambda a: -max(g.width for g in per_axis[a]))
    seen: set[tuple[int, int]] = set()
    for fine in (False, True):
        for axis in order:
            gutters = per_axis[axis]
            widest = max(g.width for g in gutters)
            chosen = gutters if fine else [g for g in gutters if g.width >= 0.5 * widest]
            if (axis, len(chosen)) in seen:
                continue
            seen.add((axis, len(chosen)))
            children = [c for c in (trim_box(canvas.gray, p, tol) for p in cut_box(box, chosen)) if c]
            if len(children) >= 2:
                yield axis, children


def _is_drawn_line(canvas: Canvas, box: WorkBox, gutter, background: float) -> bool:
    x0, y0, x1, y1 = box
    if gutter.axis == HORIZONTAL:
        strip = canvas.gray[gutter.start : gutter.end, x0:x1]
    else:
        strip = canvas.gray[y0:y1, gutter.start : gutter.end]
    return abs(float(strip.mean()) - background) > canvas.config.uniform_tolerance


# ----------------------------------------------------------------------------- no labels


def split_unlabeled(canvas: Canvas, box: WorkBox) -> list[WorkBox]:
    trimmed = trim_box(canvas.gray, box, canvas.config.uniform_tolerance)
    if trimmed is None:
        return []
    for axis, children in candidate_splits(canvas, trimmed):
        majors = _major_drawings(canvas, children, axis)
        if len(majors) >= 2:
            parts: list[WorkBox] = []
            for main, members in _attach_to_nearest(children, majors, axis):
                sub = split_unlabeled(canvas, main)
                if len(sub) <= 1:
                    parts.append(union(members))
                else:
                    parts.extend(_attach_extras(sub, [m for m in members if m != main]))
            return parts
        if len(majors) == 1:
            sub = split_unlabeled(canvas, majors[0])
            if len(sub) > 1:
                return _attach_extras(sub, [c for c in children if c != majors[0]])
        break  # the best cut found no two drawings: one panel
    return [trimmed]


def _major_drawings(canvas: Canvas, children: list[WorkBox], axis: int) -> list[WorkBox]:
    drawings = [c for c in children if canvas.is_substantial(c) and canvas.is_graphic(c)]
    if len(drawings) < 2:
        return drawings
    areas = [_area(c) for c in drawings]
    extents = [_extent(c, 1 - axis) for c in drawings]
    biggest, longest = max(areas), max(extents)
    return [
        c
        for c, a, e in zip(drawings, areas, extents)
        if a >= MINOR_AREA_RATIO * biggest
        and not (e < MINOR_EXTENT_RATIO * longest and a < MINOR_AREA_RATIO_IF_SHORT * biggest)
    ]


def _attach_to_nearest(
    children: list[WorkBox], majors: list[WorkBox], axis: int
) -> list[tuple[WorkBox, list[WorkBox]]]:
    groups = {m: [m] for m in majors}
    for child in children:
        if child in groups:
            continue
        nearest = min(majors, key=lambda m: (_gap(child, m, axis), _start(m, axis) > _start(child, axis)))
        groups[nearest].append(child)
    return [(m, groups[m]) for m in majors]


def _attach_extras(parts: list[WorkBox], extras: list[WorkBox]) -> list[WorkBox]:
    """Give each extra piece (a caption strip, a legend) to the part it lines up with."""
    parts = list(parts)
    for extra in extras:
        best, best_overlap = None, 0.5
        for i, part in enumerate(parts):
            overlap = max(_overlap_fraction(extra, part, 0), _overlap_fraction(extra, part, 1))
            if overlap >= best_overlap and (best is None or _box_gap(extra, part) < _box_gap(extra, parts[best])):
                best, best_overlap = i, overlap
        if best is not None:
            parts[best] = union([parts[best], extra])
    return parts


# ----------------------------------------------------------------------------- labels


def split_labeled(canvas: Canvas, box: WorkBox, labels: list[LabelHit]) -> list[tuple[WorkBox, LabelHit | None]]:
    trimmed = trim_box(canvas.gray, box, canvas.config.uniform_tolerance) or box
    if len(labels) <= 1:
        return [(trimmed, labels[0] if labels else None)]
    fallback = None
    for axis, children in candidate_splits(canvas, trimmed):
        if axis == HORIZONTAL:
            children = _cut_above_labels(canvas, children, labels)
        groups = _group_by_labels(canvas, children, labels, axis)
        if len(groups) < 2:
            continue
        if _in_sequence(groups):
            return _split_groups(canvas, groups)
        fallback = fallback or groups
    if fallback:
        return _split_groups(canvas, fallback)
    return partition_by_label_grid(canvas, trimmed, labels)


def _in_sequence(groups: list[tuple[list[WorkBox], list[LabelHit]]]) -> bool:
    """The label sequence runs through the groups in order (A, B | C, D rather than A, C | B, D):
    the cut follows the figure's own panel order."""
    ranges = [(min(h.index for h in labels), max(h.index for h in labels)) for _, labels in groups]
    return all(a[1] < b[0] for a, b in zip(ranges, ranges[1:]))


def _split_groups(
    canvas: Canvas, groups: list[tuple[list[WorkBox], list[LabelHit]]]
) -> list[tuple[WorkBox, LabelHit | None]]:
    out: list[tuple[WorkBox, LabelHit | None]] = []
    for members, group_labels in groups:
        out.extend(split_labeled(canvas, union(members), group_labels))
    return out


def _cut_above_labels(canvas: Canvas, children: list[WorkBox], labels: list[LabelHit]) -> list[WorkBox]:
    """Labels sit at the top of their panel: a piece with a label low inside it and only
    page above the label (the label starts the next panel, beside the end of the one
    above) is cut just above that label."""
    tol = canvas.config.uniform_tolerance
    out: list[WorkBox] = []
    for child in children:
        cuts = []
        for label in labels:
            x0, y0, x1, _ = label.box
            h = label.height
            if _containing([child], label.center) is None or y0 - child[1] < 2 * h:
                continue
            band = canvas.gray[max(child[1], int(y0 - 1.5 * h)) : y0, x0:x1]
            if band.size and int(band.max()) - int(band.min()) <= tol:
                cuts.append(y0 - max(1, int(0.15 * h)))
        start = child[1]
        for cut in sorted(set(cuts)):
            piece = trim_box(canvas.gray, (child[0], start, child[2], cut), tol)
            if piece:
                out.append(piece)
            start = cut
        piece = trim_box(canvas.gray, (child[0], start, child[2], child[3]), tol) if cuts else child
        if piece:
            out.append(piece)
    return out


def _group_by_labels(
    canvas: Canvas, children: list[WorkBox], labels: list[LabelHit], axis: int
) -> list[tuple[list[WorkBox], list[LabelHit]]]:
    owner: dict[int, list[LabelHit]] = {}
    for label in labels:
        index = _containing(children, label.center)
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
        if rows and label.box[1] < rows[-1][0].box[1] + 0.6 * rows[-1][0].height:
            rows[-1].append(label)
        else:
            rows.append([label])
    out: list[tuple[WorkBox, LabelHit | None]] = []
    for r, row in enumerate(rows):
        margin = 0.3 * max(lab.height for lab in row)
        top = y0 if r == 0 else int(min(lab.box[1] for lab in row) - margin)
        bottom = y1 if r == len(rows) - 1 else int(min(lab.box[1] for lab in rows[r + 1]) - margin)
        row = sorted(row, key=lambda lab: lab.box[0])
        for c, label in enumerate(row):
            left = x0 if c == 0 else int(label.box[0] - margin)
            right = x1 if c == len(row) - 1 else int(row[c + 1].box[0] - margin)
            cell = (max(x0, left), max(y0, top), min(x1, right), min(y1, bottom))
            if cell[2] > cell[0] and cell[3] > cell[1]:
                trimmed = trim_box(canvas.gray, cell, canvas.config.uniform_tolerance) or cell
                out.append((trimmed, label))
    return out


# ----------------------------------------------------------------------------- geometry


def _containing(boxes: list[WorkBox], point: tuple[float, float]) -> int | None:
    x, y = point
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if x0 <= x < x1 and y0 <= y < y1:
            return i
    return None


def _area(b: WorkBox) -> int:
    return (b[2] - b[0]) * (b[3] - b[1])


def _extent(b: WorkBox, axis: int) -> int:
    """Size along the direction that ``axis`` cuts stack in (HORIZONTAL: height)."""
    return b[3] - b[1] if axis == HORIZONTAL else b[2] - b[0]


def _start(b: WorkBox, axis: int) -> int:
    return b[1] if axis == HORIZONTAL else b[0]


def _gap(a: WorkBox, b: WorkBox, axis: int) -> int:
    if axis == HORIZONTAL:
        return max(a[1] - b[3], b[1] - a[3], 0)
    return max(a[0] - b[2], b[0] - a[2], 0)


def _box_gap(a: WorkBox, b: WorkBox) -> int:
    return max(_gap(a, b, HORIZONTAL), _gap(a, b, VERTICAL))


def _overlap_fraction(a: WorkBox, b: WorkBox, axis: int) -> float:
    """Share of ``a``'s extent along x (axis 0) or y (axis 1) that ``b`` also covers."""
    lo, hi = (0, 2) if axis == 0 else (1, 3)
    length = a[hi] - a[lo]
    if length <= 0:
        return 0.0
    return max(0, min(a[hi], b[hi]) - max(a[lo], b[lo])) / length
