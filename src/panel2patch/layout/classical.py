"""The default layout backend: gutters, components and printed labels, on a CPU.

1. Normalise the input to 8-bit RGB and build a work copy (``canvas``).
2. Find label candidates (short isolated glyph words) and read them in one OCR call.
3. Keep the readings that form a label sequence (A, B, C... in reading order).
4. With two or more labels, cut along gutters until every label has its own region
   (label grid where no gutter exists); otherwise cut where two comparable drawings
   are separated by a gutter.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import cv2
import numpy as np
from PIL import Image

from panel2patch.layout.canvas import Canvas, build_canvas
from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.geometry import containing, intersects
from panel2patch.layout.gutters import WorkBox
from panel2patch.layout.image_input import UnusableImage, to_rgb_array
from panel2patch.layout.label_anchors import prefer_anchored_split
from panel2patch.layout.label_hits import (
    INFERRED_CONFIDENCE,
    THIN_TEXT_HEIGHT,
    LabelCandidate,
    LabelHit,
    find_grey_label_candidates,
    find_label_candidates,
    has_thin_type,
)
from panel2patch.layout.label_reader import LabelReader, get_label_reader
from panel2patch.layout.label_repair import label_text, name_the_unlabelled, prefer_gutter_split, repair_missing_labels
from panel2patch.layout.label_split import split_labeled
from panel2patch.layout.label_spots import (
    at_corner,
    expected_spots,
    first_label_spots,
    grid_cells_after_last,
    lattice_spots,
    lattice_spots_after_last,
    widened,
)
from panel2patch.layout.label_text import (
    Chosen,
    LOOK_ALIKE,
    SIZE_BAND,
    Reading,
    choose_sequence,
    in_size_band,
    median_height,
    missing_indices,
    parse_label,
    parse_part,
    part_number,
    partial_letters,
)
from panel2patch.layout.records import Panel, PanelLayout
from panel2patch.layout.splitting import split_unlabeled

MAX_ASPECT = 30.0  # longer / shorter side beyond which a figure is not split
CROP_PAD = 0.12  # padding around a label crop, in label heights
FIRST_ROUND = 5  # candidates read first
# ... when the gutters find a single panel. Most such figures are unlabelled plots whose
# first round reads an axis letter and goes on to read every candidate. From 4 to 3: 8 of
# the 41 real single-piece figures stop after the first round (5.2% less OCR line width over
# the 156 real figures; their median per-figure ratio to decode 15.2x -> 13.5x, interleaved),
# every annotated real and plain synthetic row the same; part-label synthetic dev loses 2 of
# 200 figures (touching panels whose first label was the 4th candidate)
FIRST_ROUND_SINGLE = 3
SPOT_CONTRAST = 80  # grey levels between glyph and ground for a label spot to be read
HOLE_ROUND = 0.5  # letters missing from the sequence: read this share of the limit more
# gutter pieces beyond which every candidate is read at once: the first round (5 and 2 corner
# candidates) then went on to read all in 21 of 23 real and 38 of 40 synthetic dev figures
# of 7-10 pieces (from 2 * FIRST_ROUND down to this: 3.6% less OCR line width and 7% fewer
# calls over the real figures, every real figure's layout the same)
ONE_ROUND_PIECES = FIRST_ROUND + 1
# A figure the gutters leave whole is looked at again for thin type only when its type
# is this small (work pixels; labels of 5-7 px), and only its best thin candidates are
# read: a compound figure the gutters cannot split holds few panels.
THIN_SINGLE_TEXT_HEIGHT = 7
THIN_SINGLE_READS = 6
GREY_SLACK = 2  # grey candidates read: one per gutter piece and this many more
THIN_HOLE_READS = 2  # thin-stroke candidates of the labels' size read per hole in the sequence
CORNER_READS = 4  # candidates below the limit read because they sit at a gutter piece's corner
CORNER_DEPTH = 4  # ... looked for among this many times the limit of best-ranked candidates
CORNER_FIRST_ROUND = 2  # ... of which the first round reads this many
TRAILING_READS = 2  # ... and those in line with the labels read, for letters after the last
# a sans-serif capital I (small l) is one stroke, which the recogniser reads as "1" as often:
# where the letter expected next is that one, a "1" read at its spot is that letter
ONE_STROKE = "1"
STROKE_LETTERS = {"upper": (8, "I"), "lower": (11, "l")}


class ClassicalBackend:
    name = "classical"

    def __init__(self, config: LayoutConfig | None = None, reader: LabelReader | None = None) -> None:
        self.config = config or LayoutConfig()
        self._reader = reader

    @property
    def reader(self) -> LabelReader:
        if self._reader is None:
            self._reader = get_label_reader(self.config.label_reader, self.config.ocr_threads, self.config.ocr_runtime)
        return self._reader

    def parse(self, image: Image.Image | np.ndarray) -> PanelLayout:
        try:
            rgb = to_rgb_array(image)
        except UnusableImage as exc:
            return PanelLayout(0, 0, [], reason=f"unusable image: {exc}", backend=self.name)
        height, width = rgb.shape[:2]
        whole = Panel((0, 0, width, height), score=1.0)
        if max(width, height) < self.config.min_figure_side or min(width, height) < 2:
            return PanelLayout(width, height, [whole], reason="image too small to split", backend=self.name)
        canvas = build_canvas(rgb, self.config)
        content = canvas.trim(canvas.frame)
        if content is None:
            return PanelLayout(width, height, [], reason="blank image: no content", backend=self.name)
        single = Panel(canvas.to_original(content, width, height), score=1.0)
        if max(width, height) / min(width, height) > MAX_ASPECT:
            return PanelLayout(width, height, [single], reason="extreme aspect ratio: not split", backend=self.name)
        if not canvas.is_graphic(content):
            return PanelLayout(width, height, [single], reason="text only: no drawing or picture", backend=self.name)

        pieces = split_unlabeled(canvas, content)
        style, hits = self._find_labels(rgb, canvas, pieces)
        if len(hits) >= 2:
            regions = repair_missing_labels(canvas, split_labeled(canvas, content, hits), style)
            regions = prefer_gutter_split(pieces, regions, hits, style)
            regions = name_the_unlabelled(regions, style)
            regions = prefer_anchored_split(canvas, content, regions)
        else:
            regions = _attach_lone_label([(box, None) for box in pieces], hits)
        if regions and all(hit is not None for _, hit in regions):
            regions.sort(key=lambda region: (region[1].index, part_number(region[1].text)))
            panels = [self._panel(canvas, box, hit, width, height, len(regions)) for box, hit in regions]
        else:
            panels = reading_order([self._panel(canvas, b, h, width, height, len(regions)) for b, h in regions])
        if not panels:
            return PanelLayout(width, height, [single], reason="no panel found: whole content", backend=self.name)
        has_labels = any(p.label for p in panels)
        return PanelLayout(
            width,
            height,
            panels,
            compound=len(panels) > 1,
            label_style=style if has_labels else None,
            backend=self.name,
        )

    def _find_labels(
        self, rgb: np.ndarray, canvas: Canvas, piece_boxes: list[WorkBox]
    ) -> tuple[str | None, list[LabelHit]]:
        """Read the best-ranked candidates; in small type, when that finds no sequence,
        look again at the candidates that only thin strokes reveal (a figure the gutters
        leave whole only in very small type, and only its best few: the sensors figures
        at 0.6x, whose "(a)" has parentheses lighter than dark ink and whose gutters
        are too narrow to cut). ``piece_boxes`` are the panels the gutters alone find."""
        pieces = len(piece_boxes)
        cfg = self.config
        megapixels = rgb.shape[0] * rgb.shape[1] / 1e6
        limit = int(cfg.label_candidates_base + cfg.label_candidates_per_megapixel * megapixels)
        limit = min(cfg.max_label_candidates, limit)
        if cfg.label_reader == "none":
            return None, []
        ranked = find_label_candidates(canvas, CORNER_DEPTH * limit)
        found = ranked[: limit + round(HOLE_ROUND * limit)]
        candidates, reserve = found[:limit], found[limit:]
        # labels sit at their panel's corner: those ranked below the limit there are read too
        # (a few of them in the first round, which otherwise ends the search when its best
        # few candidates read like no label: tick digits of a busy plot can outrank labels)
        corner = _at_piece_corners(ranked[limit:], piece_boxes)[:CORNER_READS]
        candidates += corner
        style, chosen, readings = self._read_in_rounds(rgb, canvas, candidates, pieces, corner[:CORNER_FIRST_ROUND])
        at_letters = self._read_where_letters_sit(rgb, canvas, readings, piece_boxes) if style is None else None
        if at_letters:
            # too many letters missed for a sequence: read the rest where those read sit
            style, chosen, readings = at_letters
        elif style is None:
            first, spots = first_label_spots(readings, piece_boxes)
            if spots:
                # only the first label read: the rest where it sits in its piece, and the
                # sequence from those reads alone (the other readings are the panels' text)
                at_spots = self._read_spots(rgb, canvas, spots)
                readings = readings + at_spots
                style, chosen = choose_sequence([first, *at_spots])
        thin, grey = _second_look(canvas, limit, found, pieces) if style is None else ([], [])
        if thin or grey:
            more = self._read(rgb, canvas, thin + grey)  # one call, not a round then all again
            # grey digits on a white page are tick values far more often than labels
            grey_boxes = {c.box for c in grey}
            more = [r for r in more if r.box not in grey_boxes or not any(ch.isdigit() for ch in r.text)]
            readings = readings + more
            style, chosen = choose_sequence(readings)
            if style is None and not at_letters:
                # the second look's letters with the first's may show where labels sit
                at_letters = self._read_where_letters_sit(rgb, canvas, readings, piece_boxes)
                if at_letters:
                    style, chosen, readings = at_letters
        # the holes of a sequence found by either look are filled alike
        holes = missing_indices(chosen)
        inferred: list[LabelHit] = []
        if style in ("upper", "lower") and (holes or _unlabelled(piece_boxes, chosen)):
            # where the labels read share one placement, pieces without a label are read
            # at that spot, and holes where the labels' grid puts them; otherwise the
            # next-ranked candidates of the labels' size are read, only for holes (reading
            # more for unlabelled pieces cost 10% more OCR for 4 of 1021 synthetic dev
            # labels, none on the real dev figures); holes still open on the grid are
            # placed there unread
            spots = expected_spots(chosen, piece_boxes, after_last=not holes)
            after_grid: list[WorkBox] = []
            if holes:
                after_grid = lattice_spots_after_last(chosen)
                spots = _with_grid_spots(chosen, after_grid, spots)
            extra = self._read_spots(rgb, canvas, spots) if spots else []
            if spots:
                # letters read at the spots past the last one may leave holes of their own
                chosen = _continued_at_spots(extra, _fill_holes_from(extra, chosen, style), style)
            left = missing_indices(chosen)
            hole_reserve = [] if spots or not holes else _at_label_size(reserve, chosen)
            if left and (has_thin_type(canvas) or _labels_are_thin(chosen)):
                # labels of a few pixels (in small type, or themselves small beside larger
                # text): the missing ones may be drawn lighter than dark ink (blurred by a
                # small render), so only thin strokes reveal them; also after the spot
                # reads, for labels in pieces the gutters did not cut apart
                thin = _at_label_size(_thin_only(canvas, limit, found, _least_label_height(chosen)), chosen)
                best = thin[: THIN_HOLE_READS * len(left)]
                in_line = [c for c in _aligned(thin, chosen) if c not in best][: THIN_HOLE_READS * len(left) + TRAILING_READS]
                hole_reserve += best + in_line
            # a letter after the last read in line with the labels continues them, whichever
            # reserve it was read from (a last column the gutters left joined to the one
            # before: elife-52882 fig4 at 0.6x, its "J" a next-ranked dark candidate)
            grid_boxes = {c.box for c in _aligned(hole_reserve, chosen)}
            if hole_reserve:
                extra = extra + self._read(rgb, canvas, hole_reserve)
            chosen = _fill_holes_from(extra, chosen, style)
            chosen = _extend_into_unlabelled_pieces(chosen, readings + extra, piece_boxes, style)
            if grid_boxes:
                chosen = _extend_along_the_grid(chosen, [r for r in extra if r.box in grid_boxes], style)
            if after_grid:
                chosen = _extend_along_the_grid(chosen, [r for r in extra if r.box in after_grid], style)
            if missing_indices(chosen):
                inferred = _inferred_on_the_lattice(chosen, style)
        elif style in ("upper", "lower") and _labels_are_thin(chosen):
            # every piece labelled, no hole: a last letter in small type may still be missed
            # (blurred lighter than dark ink, in a last column the gutters left joined to the
            # one before); read the labels' grid cells after the last one
            cells = grid_cells_after_last(chosen, TRAILING_READS)
            if cells:
                chosen = _extend_along_the_grid(chosen, self._read_spots(rgb, canvas, cells), style)
        elif style in ("roman", "digit") and _unlabelled(piece_boxes, chosen):
            spots = expected_spots(chosen, piece_boxes, after_last=not holes)
            more_style, more = choose_sequence(readings + self._read_spots(rgb, canvas, spots)) if spots else (None, [])
            if more_style == style and len(more) > len(chosen):
                chosen = more
        hits = [LabelHit(c.reading.box, c.text, c.index, c.reading.confidence) for c in chosen]
        return style, sorted(hits + inferred, key=lambda h: h.index)

    def _read_in_rounds(
        self, rgb: np.ndarray, canvas: Canvas, candidates: list[LabelCandidate], pieces: int,
        corner: Sequence[LabelCandidate] = (),
    ) -> tuple[str | None, list, list[Reading]]:
        """(style, chosen labels, every reading). A few candidates first (and ``corner``,
        ranked lower but placed like labels), the rest only when the first round leaves the
        label sequence possibly incomplete (most figures either show no label-like text at
        all or have their few labels among the best)."""
        if not candidates:
            return None, [], []
        first = candidates[: FIRST_ROUND_SINGLE if pieces <= 1 else FIRST_ROUND] + list(corner)
        if pieces > ONE_ROUND_PIECES:
            # the first round can hardly label every piece, so it ends the reading only
            # when none of its candidates reads like a label; figures cut into this many
            # pieces nearly always have one and read every candidate again: read them
            # all at once. (Judging the first few from this one line instead, to stop
            # where the first round would have, lost all 18 labels of a figure: the
            # recogniser reads a crop differently beside other crops.)
            readings = self._read(rgb, canvas, candidates)
            return *choose_sequence(readings), readings
        readings = self._read(rgb, canvas, first)
        style, chosen = choose_sequence(readings)
        if len(candidates) > len(first) and _may_be_incomplete(readings, chosen, pieces):
            # read them all again in one line: the recogniser reads a crop a little
            # differently beside other crops, and one line keeps the reads consistent
            readings = self._read(rgb, canvas, candidates)
            style, chosen = choose_sequence(readings)
        return style, chosen, readings

    def _read(self, rgb: np.ndarray, canvas: Canvas, candidates: list[LabelCandidate]) -> list[Reading]:
        texts = self.reader.read([_label_crop(rgb, canvas, c) for c in candidates])
        return [Reading(c.box, text, conf) for c, (text, conf) in zip(candidates, texts) if text]

    def _read_where_letters_sit(
        self, rgb: np.ndarray, canvas: Canvas, readings: list[Reading], piece_boxes: list[WorkBox]
    ) -> tuple[str | None, list[Chosen], list[Reading]] | None:
        """(style, chosen labels, every reading) after reading the pieces without a letter
        where the letters read sit in theirs (``partial_letters``: too few for a sequence,
        enough to show the placement), and in the empty cells of their own grid
        (``_with_grid_spots``: the gutters cut few pieces, or wrong ones); None when they
        show neither."""
        letters = partial_letters(readings)
        spots = _with_grid_spots(letters, [], expected_spots(letters, piece_boxes))
        if not spots:
            return None
        readings = readings + self._read_spots(rgb, canvas, spots)
        return *choose_sequence(readings), readings

    def _read_spots(self, rgb: np.ndarray, canvas: Canvas, spots: list[WorkBox]) -> list[Reading]:
        """Read where labels are expected (``label_spots``); light type on a dark spot."""
        spots = [spot for spot in spots if _has_glyph_contrast(canvas, spot)]
        if not spots:
            return []
        crops = []
        for spot in spots:
            box = widened(spot, canvas.width, canvas.height)
            crops.append(LabelCandidate(box, _light_ground(canvas, box), 1, 0.0))
        texts = self.reader.read([_label_crop(rgb, canvas, c) for c in crops])
        return [Reading(spot, text, conf) for spot, (text, conf) in zip(spots, texts) if text]

    def _panel(
        self, canvas: Canvas, box: WorkBox, hit: LabelHit | None, width: int, height: int, count: int
    ) -> Panel:
        bbox = canvas.to_original(box, width, height)
        if hit is None:
            return Panel(bbox, score=1.0 if count == 1 else 0.5)
        return Panel(
            bbox,
            label=hit.text,
            label_bbox=None if hit.inferred else canvas.to_original(hit.box, width, height),
            score=round(min(1.0, max(0.5, hit.confidence)), 3),
        )


def _at_piece_corners(found: list[LabelCandidate], piece_boxes: list[WorkBox]) -> list[LabelCandidate]:
    """Candidates at the top-left corner of a gutter piece (``label_spots.at_corner``; none
    when the gutters found one piece)."""
    if len(piece_boxes) < 2:
        return []
    return [c for c in found if any(at_corner(c.box, p) for p in piece_boxes)]


def _label_crop(rgb: np.ndarray, canvas: Canvas, candidate: LabelCandidate) -> np.ndarray:
    """The candidate cut from the original image, padded, as dark glyphs on light."""
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = canvas.to_original(candidate.box, width, height)
    pad = max(2, round(CROP_PAD * (y1 - y0)))
    crop = rgb[max(0, y0 - pad) : min(height, y1 + pad), max(0, x0 - pad) : min(width, x1 + pad)]
    if not candidate.dark:
        crop = 255 - crop
    # a label at the image edge still gets its margin (the recogniser misreads glyphs that
    # touch the border of its input)
    top, left = max(0, pad - y0), max(0, pad - x0)
    bottom, right = max(0, y1 + pad - height), max(0, x1 + pad - width)
    if top or left or bottom or right:
        crop = cv2.copyMakeBorder(crop, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(255, 255, 255))
    return np.ascontiguousarray(crop)


def _has_glyph_contrast(canvas: Canvas, spot: WorkBox) -> bool:
    """Something is drawn at ``spot``: its grey values spread like glyph on ground (a
    blank plot corner or a flat picture area holds no label and is not read)."""
    x0, y0, x1, y1 = spot
    pixels = canvas.gray[y0:y1, x0:x1]
    return pixels.size > 0 and int(pixels.max()) - int(pixels.min()) >= SPOT_CONTRAST


def _light_ground(canvas: Canvas, box: WorkBox) -> bool:
    """The ground of a spot read (``box``: widened by its margin) is light, so its type is
    dark: by the median of the widened box, not the mean of the label box (a bold white
    label covers more than half of its own box; with the margin the ground is the most).
    (The median of the margin alone: mAP of synthetic part labels -0.003.)"""
    x0, y0, x1, y1 = box
    pixels = canvas.gray[y0:y1, x0:x1]
    return float(np.median(pixels)) >= 128


def _thin_only(
    canvas: Canvas, limit: int, found: list[LabelCandidate], least_height: int | None = None
) -> list[LabelCandidate]:
    """The candidates that only the thin-stroke look reveals (not among ``found``), of
    glyphs down to ``least_height`` (default: the figure's label floor)."""
    seen = {c.box for c in found}
    return [c for c in find_label_candidates(canvas, limit, thin=True, least_height=least_height) if c.box not in seen]


def _least_label_height(chosen: list[Chosen]) -> int:
    """The least height of a label of the size of those chosen (``in_size_band``): a missing
    label of 5-px type blurs to a 4-px core, under the figure's floor."""
    return math.ceil(median_height(c.reading for c in chosen) / SIZE_BAND)


def _second_look(
    canvas: Canvas, limit: int, found: list[LabelCandidate], pieces: int
) -> tuple[list[LabelCandidate], list[LabelCandidate]]:
    """(thin, grey): candidates that only a second look reveals, for a figure whose first
    reads found no label sequence. Thin strokes in small type (``_worth_a_thin_look``);
    beside them, where the gutters cut several pieces, grey type on a white page (labels
    set in grey, which the dark-ink level does not see), overlapping nothing found so far;
    about one per piece, as the labels are. (Only beside a thin look, whose OCR call the
    grey crops join: on their own they cost ~6% of the median layout time.)"""
    thin = _thin_only(canvas, limit, found) if _worth_a_thin_look(canvas, pieces) else []
    if pieces <= 1:
        return thin[:THIN_SINGLE_READS], []
    if not thin:
        return [], []
    seen = [c.box for c in found + thin]
    grey = [c for c in find_grey_label_candidates(canvas, limit) if not any(intersects(c.box, b) for b in seen)]
    return thin, grey[: pieces + GREY_SLACK]


def _labels_are_thin(chosen: list[Chosen]) -> bool:
    """The labels read are small enough for their strokes to stay lighter than dark ink."""
    return median_height(c.reading for c in chosen) <= THIN_TEXT_HEIGHT


def _worth_a_thin_look(canvas: Canvas, pieces: int) -> bool:
    """Small type whose strokes may stay lighter than dark ink; very small when the
    gutters found a single piece (a second OCR call for every small single plot would
    cost more than the few figures it recovers)."""
    if pieces <= 1 and canvas.text_height > THIN_SINGLE_TEXT_HEIGHT:
        return False
    return has_thin_type(canvas)


def _unlabelled(piece_boxes: list[WorkBox], chosen: list[Chosen]) -> list[WorkBox]:
    """Gutter pieces holding none of the chosen labels (when there are several pieces)."""
    if len(piece_boxes) < 2:
        return []
    return [box for box in piece_boxes if not any(_inside(box, c.reading.box) for c in chosen)]


def _inside(box: WorkBox, label: WorkBox) -> bool:
    """The label's centre lies in ``box``."""
    return containing([box], ((label[0] + label[2]) / 2, (label[1] + label[3]) / 2)) is not None


def _at_label_size(candidates: list[LabelCandidate], chosen: list[Chosen]) -> list[LabelCandidate]:
    """Candidates within the size band of the labels chosen: only they can fill a hole
    (a sequence is chosen among readings of one size)."""
    median = median_height(c.reading for c in chosen)
    return [c for c in candidates if in_size_band(c.height, median)]


def _aligned(candidates: list[LabelCandidate], chosen: list[Chosen]) -> list[LabelCandidate]:
    """The ``candidates`` in line with the labels chosen, best first: a figure sets its labels
    on a grid, so a missing one shares the top edge of the labels of its row or the left
    edge of those of its column (within half a label height) - or of a candidate in line
    with them (a whole column of labels missed). Candidates on a chosen label are left out."""
    if not chosen:
        return []
    reach = 0.5 * median_height(c.reading for c in chosen)
    taken = [c.reading.box for c in chosen]
    free = [c for c in candidates if not any(intersects(c.box, box) for box in taken)]

    def in_line(candidate: LabelCandidate, anchors: list[WorkBox]) -> bool:
        x0, y0 = candidate.box[0], candidate.box[1]
        return any(abs(y0 - a[1]) <= reach or abs(x0 - a[0]) <= reach for a in anchors)

    first = [c for c in free if in_line(c, taken)]
    second = [c for c in free if c not in first and in_line(c, [c.box for c in first])]
    return first + second


def _with_grid_spots(chosen: list[Chosen], after_grid: list[WorkBox], spots: list[WorkBox]) -> list[WorkBox]:
    """The spots of the labels' own grid (``lattice_spots``: the holes, then ``after_grid``,
    the cells after the last label), then the pieces' ``spots`` that overlap none of them.
    The grid places missing labels where the pieces cannot: touching or ruled panels,
    which the gutters cut into few pieces, or wrong ones."""
    grid = [*lattice_spots(chosen).values(), *after_grid]
    return grid + [spot for spot in spots if not any(intersects(spot, cell) for cell in grid)]


def _inferred_on_the_lattice(chosen: list[Chosen], style: str) -> list[LabelHit]:
    """The letters still missing from the sequence, where the labels read place them on
    their grid (``lattice_spots``): unread (a label drawn over a busy picture), they still
    tell the label split where a panel starts."""
    return [
        LabelHit(spot, text, index, INFERRED_CONFIDENCE, inferred=True)
        for index, spot in lattice_spots(chosen).items()
        if (text := label_text(index, style)) is not None
    ]


def _cased(chosen: Chosen, style: str) -> Chosen:
    """The label in the sequence's letter case; of a part ("Aii") only the letter."""
    upper, text = style == "upper", chosen.text
    if parse_part(text) is not None:
        text = (text[0].upper() if upper else text[0].lower()) + text[1:]
    else:
        text = text.upper() if upper else text.lower()
    return Chosen(chosen.reading, chosen.index, text)


def _fill_holes_from(readings: list[Reading], chosen: list[Chosen], style: str) -> list[Chosen]:
    """Letters missing inside the sequence, taken from a wider set of readings (the
    next-ranked candidates: x-height "a" and "c" rank below "b" and "d"). Only reads that
    fill those holes are taken."""
    holes = set(missing_indices(chosen))
    if not holes:
        return chosen
    _, more = choose_sequence([c.reading for c in chosen] + readings)
    known = {c.reading.box for c in chosen}
    filled = [_cased(c, style) for c in more if c.index in holes and c.reading.box not in known]
    return sorted([*chosen, *filled], key=lambda c: c.index)


def _continued_at_spots(spot_reads: list[Reading], chosen: list[Chosen], style: str) -> list[Chosen]:
    """Letters past the last label, read where the labels' placement or grid puts labels
    (``spot_reads``) and kept by the sequence choice over them and the labels chosen: the
    sequence may go on after a hole there (F misread and G unread at 0.5x, H and I read
    where they sit), which the next-letter extension cannot cross."""
    if not chosen or not spot_reads:
        return chosen
    last = max(c.index for c in chosen)
    _, more = choose_sequence([c.reading for c in chosen] + spot_reads)
    known = {c.reading.box for c in chosen}
    if not known <= {c.reading.box for c in more}:
        return chosen  # the choice over the spots drops labels chosen: not one sequence
    past = [_cased(c, style) for c in more if c.index > last and c.reading.box not in known]
    return sorted([*chosen, *past], key=lambda c: c.index)


def _extend_into_unlabelled_pieces(
    chosen: list[Chosen], readings: list[Reading], piece_boxes: list[WorkBox], style: str
) -> list[Chosen]:
    """The next letter after the last, read inside a gutter piece that has no label yet and
    at the size of the labels chosen (a stray letter elsewhere cannot extend the sequence)."""
    if not chosen:
        return []
    out = list(chosen)
    median = median_height(c.reading for c in chosen)
    while free := _unlabelled(piece_boxes, out):
        found = _next_letter(out, readings, median, lambda r: any(_inside(box, r.box) for box in free), style)
        if found is None:
            break
        out.append(found)
    return out


def _extend_along_the_grid(chosen: list[Chosen], readings: list[Reading], style: str) -> list[Chosen]:
    """The next letters after the last, read at spots in line with the labels chosen
    (``_aligned``: ``readings`` come from such spots only) and at their size: the labels of a
    column the gutters did not cut off, too small for dark ink."""
    if not chosen:
        return []
    out = list(chosen)
    median = median_height(c.reading for c in chosen)
    while True:
        taken = {c.reading.box for c in out}
        found = _next_letter(out, readings, median, lambda r: r.box not in taken, style)
        if found is None:
            break
        out.append(found)
    return out


def _next_letter(
    chosen: list[Chosen], readings: list[Reading], median: int, where: Callable[[Reading], bool], style: str
) -> Chosen | None:
    """The first of ``readings`` that reads as the letter after the last of ``chosen``, at
    the labels' size (``median`` height) and where ``where(reading)`` allows; None when
    there is none."""
    following = max(c.index for c in chosen) + 1
    for reading in readings:
        letters = [p.bare for p in parse_label(reading.text) if p.style == "letter" and p.index == following]
        if not letters and reading.text == ONE_STROKE and STROKE_LETTERS.get(style, (None,))[0] == following:
            letters = [STROKE_LETTERS[style][1]]
        if letters and in_size_band(reading.box[3] - reading.box[1], median) and where(reading):
            return _cased(Chosen(reading, following, letters[0]), style)
    return None


def _may_be_incomplete(readings: list[Reading], chosen: list, pieces: int) -> bool:
    """After the first round: read on unless nothing read looks like a panel label, or
    the labels read already name every piece the gutters cut, from the first on.
    Numbers are read on only when "1" and another panel number came up in a figure the
    gutters cut into several pieces (most numbers read are axis ticks)."""
    if chosen and len(chosen) == pieces == max(c.index for c in chosen) + 1 and not _read_past(readings, chosen):
        return False  # every piece the gutters cut has its label, A to the last: done
    if chosen or any(_looks_like_label(r.text) for r in readings):
        return True
    numbers = {p.index for r in readings for p in parse_label(r.text) if p.style == "digit"}
    return pieces >= 2 and 0 in numbers and any(0 < n < pieces for n in numbers)


def _read_past(readings: list[Reading], chosen: list) -> bool:
    """Whether a letter past the last label chosen, in its case, was read too: the gutters
    missed panels (a ruled grid cut only where a picture leaves a white edge read a, b and
    also g, h). "I" and "l" do not count: any short stroke reads so."""
    last = max(c.index for c in chosen)
    upper = chosen[0].text.isupper()
    return any(
        p.style == "letter" and p.index > last and p.bare.isupper() == upper and p.bare not in LOOK_ALIKE
        for r in readings for p in parse_label(r.text)
    )


def _looks_like_label(text: str) -> bool:
    """A letter in a label style ("A", "(b)", "c.", "Aii") or a roman numeral."""
    return any(p.style in ("letter", "roman") for p in parse_label(text)) or parse_part(text) is not None


def _attach_lone_label(
    regions: list[tuple[WorkBox, LabelHit | None]], hits: list[LabelHit]
) -> list[tuple[WorkBox, LabelHit | None]]:
    """One label read (a single-panel figure "A", or the rest were missed): keep it if inside."""
    if len(hits) != 1:
        return regions
    hit = hits[0]
    x, y = hit.center
    out = []
    for box, _ in regions:
        inside = box[0] <= x < box[2] and box[1] <= y < box[3]
        out.append((box, hit if inside else None))
    return out


def reading_order(panels: list[Panel]) -> list[Panel]:
    """Rows (boxes overlapping vertically with the row's first box), then left to right."""
    rows: list[list[Panel]] = []
    for panel in sorted(panels, key=lambda p: (p.bbox[1], p.bbox[0])):
        y_mid = (panel.bbox[1] + panel.bbox[3]) / 2
        for row in rows:
            top, bottom = row[0].bbox[1], row[0].bbox[3]
            if top <= y_mid < bottom:
                row.append(panel)
                break
        else:
            rows.append([panel])
    return [panel for row in rows for panel in sorted(row, key=lambda p: p.bbox[0])]
