"""Read panel-label crops with an OCR engine whose model ships in its package.

``RapidOCRLabelReader`` (the ``[ocr]`` extra) runs RapidOCR's recogniser only: all
crops of a figure are pasted side by side into one text line and read in one call, and
each recognised character goes back to the crop it came from by its column. That costs
about as much as two single-crop calls. ``TesserocrLabelReader`` uses Debian's
tesseract through tesserocr when that is installed.
"""

from __future__ import annotations

import bisect
import functools
import logging
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

from panel2patch.extras import require
from panel2patch.layout.line_recogniser import AsciiLineRecogniser, LineRead, check_runtime, find_rec_model

logger = logging.getLogger(__name__)

LINE_HEIGHT = 48  # the recogniser's input height
SLOT_GAP = 12  # white space between pasted crops, in pixels of the line
MAX_LINE_WIDTH = 1600  # longer lines are read in several calls
SQUEEZE = 0.45  # crops are narrowed to this share of their width: as accurate, ~50% cheaper


@runtime_checkable
class LabelReader(Protocol):
    name: str

    def read(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence for each RGB crop (dark glyphs on a light background)."""
        ...


class NullLabelReader:
    """Reads nothing: layout from gutters and geometry alone."""

    name = "none"

    def read(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]


class RapidOCRLabelReader:
    """RapidOCR's bundled recogniser. By default it runs directly on onnxruntime with an
    ASCII-only output (``line_recogniser``); ``direct=False`` (or a rapidocr release whose
    model cannot be found) goes through RapidOCR's own pipeline instead."""

    name = "rapidocr"

    def __init__(self, threads: int = 1, direct: bool = True, runtime: str = "auto") -> None:
        check_runtime(runtime)  # before the fallback below, which would hide a misspelt name
        rapidocr = require("rapidocr", purpose="panel label OCR")
        require("onnxruntime", purpose="panel label OCR")
        self._line_reader: AsciiLineRecogniser | None = None
        model = find_rec_model() if direct else None
        if model is not None:
            try:
                self._line_reader = AsciiLineRecogniser(model, threads=threads, runtime=runtime)
                return
            except Exception as exc:  # noqa: BLE001 - any load failure: use RapidOCR's pipeline
                logger.warning("direct recogniser unavailable (%s): using RapidOCR's pipeline", exc)
        self._engine = rapidocr.RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.max_side_len": 4 * MAX_LINE_WIDTH,  # never shrink our text line
                # the recogniser pads every input to this width at least; labels are short
                "Rec.rec_img_shape": [3, LINE_HEIGHT, LINE_HEIGHT],
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )

    def read(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        for chunk in _chunks(crops):
            line, slots = paste_in_line(chunk)
            if self._line_reader is not None:
                out.extend(_per_slot(self._line_reader.read(line), slots))
                continue
            try:
                result = self._engine(line, use_det=False, use_cls=False, use_rec=True, return_word_box=True)
            except Exception as exc:  # noqa: BLE001 - engine errors differ between versions
                logger.warning("label OCR failed on a %dx%d line: %s", line.shape[1], line.shape[0], exc)
                out.extend(("", 0.0) for _ in chunk)
                continue
            texts = _split_by_slots(result, slots, line.shape[1])
            out.extend(texts if texts is not None else [self._read_one(crop) for crop in chunk])
        return out

    def _read_one(self, crop: np.ndarray) -> tuple[str, float]:
        line, _ = paste_in_line([crop])
        result = self._engine(line, use_det=False, use_cls=False, use_rec=True)
        txts = getattr(result, "txts", None) or ("",)
        scores = getattr(result, "scores", None) or (0.0,)
        return _ascii(txts[0]), float(scores[0])


class TesserocrLabelReader:
    """Debian tesseract in-process (``apt-get install tesseract-ocr``, ``pip install tesserocr``)."""

    name = "tesserocr"

    def __init__(self, tessdata: str = "/usr/share/tesseract-ocr/5/tessdata") -> None:
        tesserocr = require("tesserocr", extra="ocr", purpose="panel label OCR with tesseract")
        self._api = tesserocr.PyTessBaseAPI(path=tessdata, lang="eng", psm=tesserocr.PSM.SINGLE_WORD)
        self._image = require("PIL.Image")

    def read(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        out = []
        for crop in crops:
            gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
            big = cv2.resize(gray, None, fx=4, fy=4, interpolation=cv2.INTER_LANCZOS4)
            big = cv2.copyMakeBorder(big, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)
            self._api.SetImage(self._image.fromarray(big))
            out.append((_ascii(self._api.GetUTF8Text()), self._api.MeanTextConf() / 100.0))
        return out


def _chunks(crops: Sequence[np.ndarray]) -> list[list[np.ndarray]]:
    """Groups of crops whose pasted line stays within MAX_LINE_WIDTH."""
    chunks: list[list[np.ndarray]] = []
    width = 0
    for crop in crops:
        h, w = crop.shape[:2]
        slot = round(SQUEEZE * w * LINE_HEIGHT / max(1, h)) + SLOT_GAP
        if not chunks or width + slot > MAX_LINE_WIDTH:
            chunks.append([])
            width = 0
        chunks[-1].append(crop)
        width += slot
    return chunks


def paste_in_line(crops: Sequence[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Crops scaled to the line height and pasted left to right with white gaps."""
    parts, slots, x = [], [], 0
    for crop in crops:
        h, w = crop.shape[:2]
        width = max(1, round(SQUEEZE * w * LINE_HEIGHT / max(1, h)))
        if parts:
            parts.append(np.full((LINE_HEIGHT, SLOT_GAP, 3), 255, np.uint8))
            x += SLOT_GAP
        # shrink by area averaging; enlarge small crops with cubic interpolation (sharper
        # strokes: +2 points of label accuracy on the dev and synthetic figures)
        method = cv2.INTER_AREA if h >= LINE_HEIGHT else cv2.INTER_CUBIC
        parts.append(cv2.resize(crop, (width, LINE_HEIGHT), interpolation=method))
        slots.append((x, x + width))
        x += width
    if x < LINE_HEIGHT:
        parts.append(np.full((LINE_HEIGHT, LINE_HEIGHT - x, 3), 255, np.uint8))
    return np.ascontiguousarray(np.concatenate(parts, axis=1)), slots


def _per_slot(read: LineRead, slots: list[tuple[int, int]]) -> list[tuple[str, float]]:
    """Each character to the crop its column falls in. Every crop gets the line's score:
    per-crop scores reorder competing reads and were 1.4 points worse on the dev figures."""
    bounds = _slot_bounds(slots)
    chars: list[list[str]] = [[] for _ in slots]
    for char, x in zip(read.chars, read.xs):
        chars[bisect.bisect_right(bounds, x)].append(char)
    return [("".join(c), read.score) for c in chars]


def _slot_bounds(slots: list[tuple[int, int]]) -> list[float]:
    """The middle of the white gap between neighbouring crops: a character at x belongs
    to crop ``bisect_right(bounds, x)``. (The recogniser places a character up to ~5 px
    past its crop's end, within the 6 px to the gap's middle. Half-way between the crops'
    middles instead fell inside a crop twice as wide as the next one: the "/" ending
    "D1R/" was read as the start of the next crop's "/D".)"""
    return [(slots[i][1] + slots[i + 1][0]) / 2 for i in range(len(slots) - 1)]


def _split_by_slots(result, slots: list[tuple[int, int]], line_width: int) -> list[tuple[str, float]] | None:
    """Give each recognised character to the crop its column falls in."""
    try:
        words = result.word_results[0]
        length = float(words.line_txt_len)
        score = float(result.scores[0])
        per_slot = [[] for _ in slots]
        bounds = _slot_bounds(slots)
        for chars, cols in zip(words.words, words.word_cols):
            for char, col in zip(chars, cols):
                x = (col + 0.5) * line_width / length if length else 0.0
                per_slot[bisect.bisect_right(bounds, x)].append(char)
    except (AttributeError, IndexError, TypeError, ValueError, ZeroDivisionError):
        txts = getattr(result, "txts", None)
        if not txts:
            return [("", 0.0) for _ in slots]
        tokens = txts[0].split()
        if len(tokens) != len(slots):
            return None
        return [(_ascii(t), float(result.scores[0])) for t in tokens]
    return [(_ascii("".join(chars)), score) for chars in per_slot]


def _ascii(text: str) -> str:
    return "".join(ch for ch in text if ch.isascii() and ch.isprintable() and not ch.isspace())


_READERS = {"rapidocr": RapidOCRLabelReader, "tesserocr": TesserocrLabelReader, "none": NullLabelReader}


@functools.lru_cache(maxsize=4)
def get_label_reader(name: str = "rapidocr", threads: int = 1, runtime: str = "auto") -> LabelReader:
    """A cached reader per process (engines take ~1 s to load). ``runtime`` picks the
    engine under RapidOCR's recogniser (``line_recogniser.RUNTIMES``)."""
    if name not in _READERS:
        raise ValueError(f"unknown label reader {name!r}; choose from {sorted(_READERS)}")
    if name == "rapidocr":
        return RapidOCRLabelReader(threads=threads, runtime=runtime)
    return _READERS[name]()
