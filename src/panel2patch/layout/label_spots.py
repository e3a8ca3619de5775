"""Where the labels not yet read should be: the figure's own label placement.

A figure places its labels alike in every panel (the top-left corner, a fixed inset).
When the labels read so far sit at one offset from the corner of their gutter pieces,
a piece without a label is looked at there, whether or not a candidate was found at
that spot (a label drawn on a busy picture has no clear margin, so the candidate
search never offers it). Only one crop per such piece is read, and a read is kept only
where it fills a hole or continues the sequence, past a hole too when the sequence chosen
over the spots and the labels keeps every label already chosen (see ``classical``).

Where the gutters cut few pieces, or wrong ones (touching or ruled panels), the labels
read still show the figure's grid: their top edges gather in rows and their left edges in
columns. A letter missing between two labels read lies in the empty cell between them
(``lattice_spots``); read there, or placed there unread, it gives the label split the
panel's corner.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from panel2patch.layout.geometry import containing
from panel2patch.layout.gutters import WorkBox
from panel2patch.layout.label_text import Chosen, Reading, parse_label

PLACEMENT_SPREAD = 1.2  # offsets of the labels read agree within this many label heights
MAX_SPOTS = 12  # pieces looked at per figure
# A label at a gutter piece's top-left corner: from one label height outside it to this
# many label heights inside, both ways
CORNER_REACH = 1.5
SPOT_MARGIN = 0.25  # the crop read is widened by this many label heights on each side
# labels of one row (column) of a grid: top (left) edges within this many label heights
# (chained: each edge within this of the one before). Panels kept at their aspect are
# centred in their cells, so the labels above them of one column start ~1.1 heights apart
# (1.0 split such a column); rows and columns of panels lie many label heights apart.
LATTICE_TOLERANCE = 1.5
LATTICE_LABELS = 3  # labels read that make a grid (any two would)
EVEN_COLUMNS = 3  # evenly spaced columns that place one more before them


def expected_spots(
    chosen: Sequence[Chosen], piece_boxes: Sequence[WorkBox], after_last: bool = False
) -> list[WorkBox]:
    """The label box expected in each gutter piece without a chosen label, where the
    labels read sit at one offset from their piece's top-left corner; [] when they do
    not agree. ``after_last``: only pieces after the last label's piece in reading order
    (the sequence has no hole, so only its end may be missing; unlabelled pieces before
    it are mostly parts of labelled panels)."""
    if len(piece_boxes) < 3 or len(chosen) < 2:
        return []
    boxes = list(piece_boxes)
    owners: dict[int, list[Chosen]] = {}
    for c in chosen:
        box = c.reading.box
        owner = containing(boxes, ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2))
        if owner is not None:
            owners.setdefault(owner, []).append(c)
    # a piece with several labels holds several panels: it says nothing of the offset
    placed = [(boxes[i], labels[0].reading.box) for i, labels in owners.items() if len(labels) == 1]
    if len(placed) < 2:
        return []
    height = statistics.median(b[3] - b[1] for _, b in placed)
    width = statistics.median(b[2] - b[0] for _, b in placed)
    dx = [(b[0] - p[0]) / height for p, b in placed]
    dy = [(b[1] - p[1]) / height for p, b in placed]
    if max(dx) - min(dx) > PLACEMENT_SPREAD or max(dy) - min(dy) > PLACEMENT_SPREAD:
        return []
    off_x, off_y = statistics.median(dx) * height, statistics.median(dy) * height
    last = boxes[max(owners, key=lambda i: owners[i][0].index)] if after_last else None
    return _spots_at(boxes, set(owners), (off_x, off_y), (width, height), last)


def first_label_spots(
    readings: Sequence[Reading], piece_boxes: Sequence[WorkBox]
) -> tuple[Reading | None, list[WorkBox]]:
    """Where the other labels should be when only the first ("A", "a", "(a)") was read, at
    the top-left corner of the first gutter piece: at its offset in every other piece.
    Labels set over the drawing of their panel (touching an axis, a curve) offer no
    candidate of their own; the first one, in a figure's clear top-left corner, often does.
    Returns that first reading and the spots ((None, []) when there is no such label)."""
    if len(piece_boxes) < 2:
        return None, []
    firsts = [r for r in readings if any(p.style == "letter" and p.index == 0 for p in parse_label(r.text))]
    if len(firsts) != 1:
        return None, []
    box = firsts[0].box
    boxes = list(piece_boxes)
    first = min(range(len(boxes)), key=lambda i: boxes[i][0] + boxes[i][1])  # nearest the top-left corner
    piece = boxes[first]
    if not at_corner(box, piece):
        return None, []
    offset = (box[0] - piece[0], box[1] - piece[1])
    return firsts[0], _spots_at(boxes, {first}, offset, (box[2] - box[0], box[3] - box[1]))


@dataclass(frozen=True)
class _Lattice:
    """The grid the labels read sit on: its row tops and column lefts, the label size, and
    each label's cell (row-major number) by sequence index."""

    rows: list[float]
    columns: list[float]
    size: tuple[float, float]
    cells: list[tuple[int, int]]  # (index, cell), by index

    @property
    def cell_count(self) -> int:
        return len(self.rows) * len(self.columns)

    def cell_of(self, box: WorkBox) -> int:
        """The row-major number of the cell whose row and column lie nearest ``box``'s
        top-left corner."""
        return _nearest(self.rows, box[1]) * len(self.columns) + _nearest(self.columns, box[0])

    def spot(self, cell: int) -> WorkBox:
        x, y = self.columns[cell % len(self.columns)], self.rows[cell // len(self.columns)]
        width, height = self.size
        return (round(x), round(y), round(x + width), round(y + height))


def _lattice(chosen: Sequence[Chosen]) -> _Lattice | None:
    """The labels' grid: rows and columns of label edges agreeing within
    ``LATTICE_TOLERANCE`` label heights, the labels running through its cells in reading
    order (rows, left to right), one per cell; None when they do not, or fewer than
    ``LATTICE_LABELS`` were read."""
    if len(chosen) < LATTICE_LABELS:
        return None
    grid = _label_lines(chosen)
    cells = sorted((c.index, grid.cell_of(c.reading.box)) for c in chosen)
    if any(b[1] <= a[1] for a, b in zip(cells, cells[1:])):
        return None  # two labels in one cell, or out of reading order: no grid
    return _Lattice(grid.rows, grid.columns, grid.size, cells)


def _label_lines(chosen: Sequence[Chosen]) -> _Lattice:
    """The rows and columns the labels' top and left edges gather on (``_lattice_lines``)
    and the median label size, with no cells assigned."""
    height = statistics.median(c.reading.box[3] - c.reading.box[1] for c in chosen)
    width = statistics.median(c.reading.box[2] - c.reading.box[0] for c in chosen)
    rows = _lattice_lines([c.reading.box[1] for c in chosen], LATTICE_TOLERANCE * height)
    columns = _lattice_lines([c.reading.box[0] for c in chosen], LATTICE_TOLERANCE * height)
    return _Lattice(rows, columns, (width, height), [])


def lattice_spots(chosen: Sequence[Chosen]) -> dict[int, WorkBox]:
    """The label box expected for each letter missing from the sequence (by index), where
    the labels read sit on a grid (``_lattice``) and the cells left empty between two
    labels read (or before the first) are exactly as many as the letters missing there;
    {} where they are not. For figures the gutters do not cut (touching or ruled panels),
    whose pieces give no spots: a label drawn over its picture offers no candidate, but
    it sits where its row and its column put it."""
    placed = _placing_lattice(chosen)
    if placed is None:
        return {}
    lattice, holes = placed
    return {index: lattice.spot(cell) for index, cell in holes.items()}


def lattice_spots_after_last(chosen: Sequence[Chosen]) -> list[WorkBox]:
    """The cells of the labels' grid after the last label read, where that grid places
    every missing letter (``lattice_spots``): letters past the last one are read there, and
    kept only when they continue the sequence."""
    placed = _placing_lattice(chosen)
    if placed is None:
        return []
    lattice = placed[0]
    last = lattice.cells[-1][1]
    return [lattice.spot(k) for k in range(last + 1, lattice.cell_count)][:MAX_SPOTS]


def grid_cells_after_last(chosen: Sequence[Chosen], count: int) -> list[WorkBox]:
    """The first ``count`` cells of the labels' rows and columns (their top and left edges,
    ``_lattice_lines``) after the last label's cell in reading order: where a letter after
    the last one would sit. Unlike ``lattice_spots_after_last`` the labels need not fill
    the grid before it (a panel spanning two rows leaves a cell empty); [] for fewer
    than ``LATTICE_LABELS`` labels."""
    if len(chosen) < LATTICE_LABELS:
        return []
    grid = _label_lines(chosen)
    start = grid.cell_of(max(chosen, key=lambda c: c.index).reading.box) + 1
    return [grid.spot(cell) for cell in range(start, min(start + count, grid.cell_count))]


def _placing_lattice(chosen: Sequence[Chosen]) -> tuple[_Lattice, dict[int, int]] | None:
    """The labels' grid and the cell of each missing index (``_hole_cells``), on the grid
    of the labels read or, where that does not place the holes, on the same grid with one
    more column before the first (``_with_column_before``: a column none of whose labels
    was read); None when neither places them."""
    lattice = _lattice(chosen)
    if lattice is None:
        return None
    holes = _hole_cells(lattice)
    if holes is None and (wider := _with_column_before(lattice)) is not None:
        lattice, holes = wider, _hole_cells(wider)
    return None if holes is None else (lattice, holes)


def _with_column_before(lattice: _Lattice) -> _Lattice | None:
    """The grid with one column more before its first, a column step before it, where
    at least ``EVEN_COLUMNS`` columns are evenly spaced (within ``LATTICE_TOLERANCE``
    label heights) and the new column still lies in the figure; None otherwise. (C, D,
    F, H read on a 4 x 2 grid: the columns of B, C, D are known, A's and E's is not.)"""
    columns = lattice.columns
    if len(columns) < EVEN_COLUMNS:
        return None
    steps = [b - a for a, b in zip(columns, columns[1:])]
    step = statistics.median(steps)
    if max(steps) - min(steps) > LATTICE_TOLERANCE * lattice.size[1] or columns[0] - step < 0:
        return None
    wider = len(columns) + 1
    cells = [(index, cell // len(columns) * wider + cell % len(columns) + 1) for index, cell in lattice.cells]
    return _Lattice(lattice.rows, [columns[0] - step, *columns], lattice.size, cells)


def _hole_cells(lattice: _Lattice) -> dict[int, int] | None:
    """The cell of each missing index: the empty cells between two labels read (or before
    the first), when they are exactly as many as the indices missing there; None when
    they are not anywhere, or the holes are more than MAX_SPOTS."""
    out: dict[int, int] = {}
    for (index, cell), (next_index, next_cell) in zip([(-1, -1), *lattice.cells], lattice.cells):
        empty = range(cell + 1, next_cell)
        if len(empty) != next_index - index - 1:
            return None
        out.update(zip(range(index + 1, next_index), empty))
    return out if len(out) <= MAX_SPOTS else None


def _lattice_lines(values: list[int], tolerance: float) -> list[float]:
    """The grid lines that ``values`` (label edges) gather on, ascending: runs of values
    each within ``tolerance`` of the one before, at their median."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and value - runs[-1][-1] <= tolerance:
            runs[-1].append(value)
        else:
            runs.append([value])
    return [statistics.median(run) for run in runs]


def _nearest(lines: list[float], value: int) -> int:
    return min(range(len(lines)), key=lambda k: abs(lines[k] - value))


def at_corner(box: WorkBox, piece: WorkBox) -> bool:
    """``box`` (a label's) lies at ``piece``'s top-left corner, within ``CORNER_REACH``."""
    h = box[3] - box[1]
    reach = CORNER_REACH * h
    return piece[0] - h <= box[0] <= piece[0] + reach and piece[1] - h <= box[1] <= piece[1] + reach


def _spots_at(
    boxes: list[WorkBox], labelled: set[int], offset: tuple[float, float], size: tuple[float, float],
    last: WorkBox | None = None,
) -> list[WorkBox]:
    """The label box at ``offset`` from the top-left corner of every piece not in
    ``labelled`` (only those after ``last`` in reading order, when given)."""
    (off_x, off_y), (width, height) = offset, size
    out = []
    for i, piece in enumerate(boxes):
        if last is not None and not _after(piece, last):
            continue
        x0, y0 = round(piece[0] + off_x), round(piece[1] + off_y)
        spot = (max(piece[0], x0), max(piece[1], y0), min(piece[2], x0 + round(width)), min(piece[3], y0 + round(height)))
        if i not in labelled and spot[2] - spot[0] >= 0.5 * width and spot[3] - spot[1] >= 0.8 * height:
            out.append(spot)
    return out[:MAX_SPOTS]


def widened(spot: WorkBox, width: int, height: int) -> WorkBox:
    """``spot`` with SPOT_MARGIN label heights around it (the labels' offset varies a
    little), clipped to the image."""
    m = round(SPOT_MARGIN * (spot[3] - spot[1]))
    return (max(0, spot[0] - m), max(0, spot[1] - m), min(width, spot[2] + m), min(height, spot[3] + m))


def _after(piece: WorkBox, last: WorkBox) -> bool:
    """``piece`` comes after ``last`` reading rows left to right: in a lower row, or
    beside it to the right."""
    lower = piece[1] >= (last[1] + last[3]) / 2
    beside = piece[1] < last[3] and piece[3] > last[1] and piece[0] >= last[2]
    return lower or beside
