"""Use the label sequence to check and repair the split.

* A hole in the sequence (A, C read; B missed) suggests a missed panel: the region given
  to A (pieces without a label join the label before them) usually holds B as well. If
  it splits into exactly one more drawing per missing letter, the extra pieces become
  those panels, labelled by inference (no label box). A sequence that starts late
  (B, C read) is repaired the same way from the first region.
* When the gutters alone cut the figure into a regular grid, or into at least as many
  pieces as the sequence implies, and every label read sits in its own piece, the
  gutter split wins and the labels that were not read are inferred in reading order.
"""

from __future__ import annotations

import statistics
from itertools import pairwise

from panel2patch.layout.canvas import Canvas
from panel2patch.layout.cuts import candidate_splits
from panel2patch.layout.geometry import union
from panel2patch.layout.gutters import WorkBox
from panel2patch.layout.label_hits import INFERRED_CONFIDENCE, LabelHit
from panel2patch.layout.label_text import ROMAN, parse_part, part_number, part_text
from panel2patch.layout.splitting import split_unlabeled

Region = tuple[WorkBox, LabelHit | None]
GRID_AREA_RATIO = 0.4  # pieces of a regular grid differ in area by less than this factor
GRID_ALIGNMENT = 0.05  # ... and line up their top or left edges within this share of their size


def label_text(index: int, style: str | None) -> str | None:
    """The label at ``index`` of a sequence in ``style`` ("upper", "lower", "roman", "digit")."""
    if style == "upper" and index < 26:
        return chr(ord("A") + index)
    if style == "lower" and index < 26:
        return chr(ord("a") + index)
    if style == "roman" and index < len(ROMAN):
        return ROMAN[index]
    if style == "digit":
        return str(index + 1)
    return None


def repair_missing_labels(canvas: Canvas, regions: list[Region], style: str | None) -> list[Region]:
    labelled = sorted((hit.index, i) for i, (_, hit) in enumerate(regions) if hit is not None)
    if not labelled:
        return regions
    out = list(regions)
    extra: list[Region] = []
    # (index of the label whose region may hide panels, first missing index, count, label first?)
    plans = []
    if labelled[0][0] > 0:
        plans.append((labelled[0][1], 0, labelled[0][0], False))
    for (index, i), (next_index, _) in pairwise(labelled):
        if next_index - index > 1:
            plans.append((i, index + 1, next_index - index - 1, True))
    split_cache: dict[int, list[WorkBox]] = {}

    def parts_of(i: int) -> list[WorkBox]:
        if i not in split_cache:
            split_cache[i] = reading_order(split_unlabeled(canvas, regions[i][0]))
        return split_cache[i]

    repaired: set[int] = set()
    for i, first_missing, count, label_first in plans:
        box, hit = regions[i]
        parts = parts_of(i)
        own = next((k for k, p in enumerate(parts) if _contains(p, hit.center)), None)
        if own is None:
            continue
        if label_first and own == 0 and len(parts) == count + 1:
            missed = parts[1:]
            kept = [parts[0]]
        elif not label_first and own == count:
            missed = parts[:count]  # pieces after the label's own piece stay with it
            kept = parts[count:]
        elif count == 1 and (other := _lone_two_piece_region(canvas, regions, parts_of, repaired | {i})) is not None:
            # in a grid the missed panel joins the labelled panel above or beside it,
            # not the one before it in reading order: the only region that splits in two
            i, (kept, missed) = other
            hit = regions[i][1]
        else:
            continue
        repaired.add(i)
        out[i] = (union(kept), hit)
        for k, part in enumerate(missed):
            extra.extend(_inferred(part, first_missing + k, style))
    return out + extra


def name_the_unlabelled(regions: list[Region], style: str | None) -> list[Region]:
    """One letter missing from the sequence and one region without a label: that region is
    the missing panel (B, C, D read and an unlabelled panel first in reading order is A).
    A missing first letter must belong to the first region in reading order."""
    labelled = [hit.index for _, hit in regions if hit is not None]
    unlabelled = [k for k, (_, hit) in enumerate(regions) if hit is None]
    if not labelled or len(unlabelled) != 1:
        return regions
    present = set(labelled)
    missing = [i for i in range(max(labelled) + 1) if i not in present]
    if len(missing) != 1:
        return regions
    k = unlabelled[0]
    box = regions[k][0]
    if missing[0] == 0 and reading_order([b for b, _ in regions])[0] != box:
        return regions
    named = _inferred(box, missing[0], style)
    return [*regions[:k], *named, *regions[k + 1 :]]


def _lone_two_piece_region(canvas: Canvas, regions: list[Region], parts_of, skip: set[int]):
    """(region index, (kept, missed)) of the one labelled region that splits into exactly
    two panel-sized drawings, its label in one of them; None when there is no such region
    or several."""
    found = []
    for i, (_, hit) in enumerate(regions):
        if hit is None or hit.inferred or i in skip:
            continue
        parts = parts_of(i)
        if len(parts) == 1:
            parts = _two_drawings(canvas, regions[i][0])
        if len(parts) != 2:
            continue
        own = next((k for k, p in enumerate(parts) if _contains(p, hit.center)), None)
        if own is not None:
            found.append((i, ([parts[own]], [parts[1 - own]])))
    return found[0] if len(found) == 1 else None


def _two_drawings(canvas: Canvas, box: WorkBox) -> list[WorkBox]:
    """The first cut of ``box`` into exactly two panel-sized drawings (a ruled line or a
    seam between two pictures the unlabelled split keeps together), else nothing."""
    for _, children in candidate_splits(canvas, box):
        if len(children) == 2 and all(canvas.is_substantial(c) and canvas.is_graphic(c) for c in children):
            return reading_order(children)
    return []


def prefer_gutter_split(
    pieces: list[WorkBox], regions: list[Region], hits: list[LabelHit], style: str | None
) -> list[Region]:
    """The gutter split (``pieces``), labelled, when it agrees with the labels and explains
    more panels than they do."""
    parts = reading_order(pieces)
    if len(parts) <= len(regions):
        return regions
    owner: dict[int, LabelHit] = {}
    for hit in hits:
        index = next((k for k, p in enumerate(parts) if _contains(p, hit.center)), None)
        if index is None or index in owner:
            return regions  # a label outside every piece, or two labels in one piece
        owner[index] = hit
    present = {hit.index for _, hit in regions if hit is not None}
    top = max(present, default=-1)
    holes = any(i not in present for i in range(top + 1))
    areas = [(p[2] - p[0]) * (p[3] - p[1]) for p in parts]
    regular = min(areas) >= GRID_AREA_RATIO * max(areas) and _on_a_grid(parts)
    if any(parse_part(hit.text) is not None for hit in hits):
        return _split_with_parts(parts, owner, regular) or regions
    in_order = all(part_index == hit.index for part_index, hit in owner.items())
    if not ((in_order and (holes or regular)) or (holes and len(parts) == top + 1)):
        return regions
    out: list[Region] = []
    for k, part in enumerate(parts):
        if k in owner:
            out.append((part, owner[k]))
        elif in_order and len(parts) <= 26:
            out.extend(_inferred(part, k, style) or [(part, None)])
        else:
            out.append((part, None))
    return out


def _on_a_grid(parts: list[WorkBox]) -> bool:
    """Every piece shares its top edge or its left edge with another (within
    ``GRID_ALIGNMENT`` of the median piece height or width): rows and columns of a grid.
    Pieces of like area need not be one: a blot with a blot strip under it, beside two bar
    charts offset by a title, labelled A and B, are two panels, not four."""
    tol_y = GRID_ALIGNMENT * statistics.median(p[3] - p[1] for p in parts)
    tol_x = GRID_ALIGNMENT * statistics.median(p[2] - p[0] for p in parts)
    return all(
        any(j != k and (abs(q[1] - p[1]) <= tol_y or abs(q[0] - p[0]) <= tol_x) for j, q in enumerate(parts))
        for k, p in enumerate(parts)
    )


def _split_with_parts(parts: list[WorkBox], owner: dict[int, LabelHit], regular: bool) -> list[Region] | None:
    """The gutter pieces, labelled, for labels naming parts of letters (Ai, Aii, B1): when
    the labels follow the pieces' reading order and the pieces form a regular grid or
    parts are missing. A piece between two parts of one letter gets the part between
    ("A2" between A1 and A3; "A1" before A2); other unlabelled pieces stay unnamed."""
    keys = {k: (hit.index, part_number(hit.text)) for k, hit in owner.items()}
    ordered = [keys[k] for k in sorted(keys)]
    if any(b <= a for a, b in pairwise(ordered)):
        return None
    missing = any(number > 1 for _, number in ordered) or any(
        a[0] == b[0] and b[1] > a[1] + 1 for a, b in pairwise(ordered)
    )
    if not (regular or missing):
        return None
    out: list[Region] = []
    for k, part in enumerate(parts):
        out.append((part, owner.get(k) or _part_between(part, owner, k)))
    return out


def _part_between(part: WorkBox, owner: dict[int, LabelHit], k: int) -> LabelHit | None:
    before = owner.get(k - 1)
    after = owner.get(k + 1)
    after_part = parse_part(after.text) if after is not None else None
    if after_part is None:
        return None
    letter, number, style = after_part
    before_part = parse_part(before.text) if before is not None else None
    fits = (before_part is not None and before_part[0] == letter and before_part[1] == number - 2) or (
        number == 2 and (before is None or before.index != after.index)
    )
    if not fits:
        return None
    point = (part[0], part[1], part[0], part[1])
    return LabelHit(point, part_text(letter, number - 1, style), after.index, INFERRED_CONFIDENCE, inferred=True)


def _inferred(part: WorkBox, index: int, style: str | None) -> list[Region]:
    text = label_text(index, style)
    if text is None:
        return [(part, None)]
    point = (part[0], part[1], part[0], part[1])
    return [(part, LabelHit(point, text, index, INFERRED_CONFIDENCE, inferred=True))]


def _contains(box: WorkBox, point: tuple[float, float]) -> bool:
    return box[0] <= point[0] < box[2] and box[1] <= point[1] < box[3]


def reading_order(boxes: list[WorkBox]) -> list[WorkBox]:
    """Rows (boxes whose middle falls within the row's first box), then left to right."""
    rows: list[list[WorkBox]] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        mid = (box[1] + box[3]) / 2
        for row in rows:
            if row[0][1] <= mid < row[0][3]:
                row.append(box)
                break
        else:
            rows.append([box])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]
