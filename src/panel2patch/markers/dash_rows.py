"""Dashed boxes read side by side: rows of evenly spaced, alike dashes, paired into boxes.

A drawn dashed side is a row of collinear dashes of one length with one period between
them; nothing else in a picture is that regular. Two such rows, parallel, of the same
extent (ends within a period of each other), joined at both ends by ink of their colour,
are a dashed box, however flat: the short sides of a flat box hold one or two dashes,
too few for ``dashes_on_rectangle``, and the sparse grouping joins a box with its
neighbours when they lie closer than its reach. Boxes are axis-aligned (rotated ones are
``sparse_dashed_outlines``' work). Sizes are relative to the dashes themselves and to
the panel (``Context.outline_min``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# A row: at least this many dashes; centre spacing and dash lengths alike within these
# spreads (std / mean); a dash at least this much longer than thick.
MIN_DASHES = 5
_SPACING_CV = 0.25
_LENGTH_CV = 0.35
_ELONGATION = 1.5
# Dashes fill at least this share of their period: a drawn dash pattern, not specks of
# texture that happen to fall on a line far apart (a CT slice's grain gave rows of 2 px
# "dashes" 30-60 px apart; drawn ones fill 0.3-0.7).
_MIN_DUTY = 0.25
# Ends of two rows of one box lie within this many periods of each other.
_END_SLACK = 1.0
# A joining side: ink of the colour beside the rows' ends along at least this share of it.
_SIDE_COVER = 0.3
# Sides are looked for up to this many periods outside the rows' ends.
_SIDE_REACH = 2.0


@dataclass(frozen=True)
class Row:
    """Evenly spaced dashes along one axis (work pixels): ``position`` across the axis,
    ``start`` / ``end`` along it, ``period`` between dash centres, ``count`` dashes."""

    position: float
    start: float
    end: float
    period: float
    count: int
    dash: float  # mean dash length


def dash_rows(stats: np.ndarray, ok: np.ndarray, along_x: bool, max_dash: float) -> list[Row]:
    """Rows of ``ok`` components (``cv2`` stats) elongated along the axis, no longer than
    ``max_dash``: alike dashes on one line, evenly spaced."""
    lo, across, length, thick = (0, 1, 2, 3) if along_x else (1, 0, 3, 2)
    pick = ok & (stats[:, length] >= _ELONGATION * stats[:, thick]) & (stats[:, length] <= max_dash)
    pick[0] = False
    labels = np.flatnonzero(pick)
    if labels.size < MIN_DASHES:
        return []
    centre_along = stats[labels, lo] + stats[labels, length] / 2.0
    centre_across = stats[labels, across] + stats[labels, thick] / 2.0
    lengths = stats[labels, length].astype(np.float64)
    rows: list[Row] = []
    for band in _bands(centre_across):
        order = band[np.argsort(centre_along[band])]
        found = [_regular_row(centre_along[order[run]], centre_across[order[run]], lengths[order[run]])
                 for run in _runs(centre_along[order])]
        rows += _rejoined([row for row in found if row is not None])
    return rows


def _rejoined(rows: list[Row]) -> list[Row]:
    """Consecutive rows of one band joined where the dash pattern runs on across the gap
    between them (same period, the gap a whole number of periods): one side of a box
    interrupted by content of its colour."""
    out: list[Row] = []
    for row in rows:
        if out and _in_phase(out[-1], row):
            last = out.pop()
            row = Row((last.position + row.position) / 2.0, last.start, row.end, (last.period + row.period) / 2.0,
                      last.count + row.count, (last.dash + row.dash) / 2.0)
        out.append(row)
    return out


def _in_phase(a: Row, b: Row) -> bool:
    period = (a.period + b.period) / 2.0
    if abs(a.period - b.period) > _SPACING_CV * period or abs(a.dash - b.dash) > _LENGTH_CV * period:
        return False
    steps = ((b.start + b.dash / 2.0) - (a.end - a.dash / 2.0)) / period
    return abs(steps - round(steps)) <= _SPACING_CV


def _bands(across: np.ndarray, slack: float = 1.0) -> list[np.ndarray]:
    """Indices grouped by position across the axis (neighbours within ``slack`` pixels)."""
    order = np.argsort(across)
    breaks = np.flatnonzero(np.diff(across[order]) > slack) + 1
    return [part for part in np.split(order, breaks) if part.size >= MIN_DASHES]


def _runs(along: np.ndarray) -> list[np.ndarray]:
    """Index runs of sorted positions split where a gap exceeds twice the run's median step."""
    if along.size < MIN_DASHES:
        return []
    steps = np.diff(along)
    typical = float(np.median(steps))
    breaks = np.flatnonzero(steps > 2.0 * max(typical, 1.0)) + 1
    return [part for part in np.split(np.arange(along.size), breaks) if part.size >= MIN_DASHES]


def _regular_row(along: np.ndarray, across: np.ndarray, lengths: np.ndarray) -> Row | None:
    steps = np.diff(along)
    period = float(steps.mean())
    if period <= 0 or float(steps.std()) > _SPACING_CV * period:
        return None
    if float(lengths.std()) > _LENGTH_CV * float(lengths.mean()):
        return None  # drawn dashes are alike
    if not _MIN_DUTY * period <= float(lengths.mean()) < period:
        return None  # and leave gaps, but not wide ones
    half = float(lengths.mean()) / 2.0
    return Row(float(np.median(across)), float(along[0] - half), float(along[-1] + half), period, int(along.size),
               2.0 * half)


def boxes_from_rows(rows: list[Row], ink: np.ndarray, along_x: bool, min_side: float) -> list[tuple]:
    """(x0, y0, x1, y1, score) of each box two parallel ``rows`` make: their extents agree
    within ``_END_SLACK`` periods, they lie at least ``min_side`` apart, and ``ink`` runs
    across between them near both pairs of ends (the box's other two sides: solid, dashed or
    one dash), within ``_SIDE_REACH`` periods outside the rows' ends (a corner's dashes often
    join a side, or fall on content of their colour, and leave the rows)."""
    out = []
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            period = max(a.period, b.period)
            apart = abs(b.position - a.position)
            if apart < min_side or abs(a.start - b.start) > _END_SLACK * period or abs(a.end - b.end) > _END_SLACK * period:
                continue
            top, bottom = sorted((a.position, b.position))
            start, end = min(a.start, b.start), max(a.end, b.end)
            first = _side(ink, along_x, top, bottom, start - _SIDE_REACH * period, start + 0.5 * period, inward=1)
            last = _side(ink, along_x, top, bottom, end - 0.5 * period, end + _SIDE_REACH * period, inward=-1)
            if first is None or last is None:
                continue
            (cover_first, at_first), (cover_last, at_last) = first, last
            score = 0.7 + 0.15 * min(1.0, min(a.count, b.count) / 10) + 0.15 * min(cover_first, cover_last)
            start, end = min(start, at_first), max(end, at_last)
            x0, y0, x1, y1 = (start, top, end, bottom) if along_x else (top, start, bottom, end)
            out.append((int(x0), int(y0), int(np.ceil(x1)) + 1, int(np.ceil(y1)) + 1, round(score, 3)))
    return out


def _side(ink: np.ndarray, along_x: bool, top: float, bottom: float, lo: float, hi: float,
          inward: int) -> tuple[float, float] | None:
    """(cover, position) of the line across the rows, between ``lo`` and ``hi`` along them,
    with the most ink (within a pixel either side) between ``top`` and ``bottom``, of equals
    the one nearest the rows (``inward``: +1 when they lie towards ``hi``); None when no line
    has ink along ``_SIDE_COVER`` of the way."""
    y0, y1 = int(round(top)) + 1, int(round(bottom))
    a0, a1 = max(0, int(np.floor(lo))), min(ink.shape[1 if along_x else 0], int(np.ceil(hi)) + 1)
    if y1 <= y0 or a1 <= a0:
        return None
    band = (ink[y0:y1, a0:a1] if along_x else ink[a0:a1, y0:y1].T) > 0  # lines x candidate positions
    near = band.copy()
    near[:, 1:] |= band[:, :-1]
    near[:, :-1] |= band[:, 1:]
    cover = near.mean(axis=0)
    best = int(np.argmax(cover)) if inward < 0 else cover.size - 1 - int(np.argmax(cover[::-1]))
    if cover[best] < _SIDE_COVER:
        return None
    return float(cover[best]), float(a0 + best)


def row_dashed_boxes(stats: np.ndarray, ok: np.ndarray, ink: np.ndarray, max_dash: float,
                     min_side: float) -> list[tuple]:
    """Dashed boxes (x0, y0, x1, y1, score) from rows along x and rows along y."""
    out = []
    for along_x in (True, False):
        rows = dash_rows(stats, ok, along_x, max_dash)
        if len(rows) >= 2:
            out += boxes_from_rows(rows, ink, along_x, min_side)
    return out

