"""Settings of the classical layout backend. Every threshold is relative to the figure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayoutConfig:
    # Analysis runs on a copy whose longer side is at most this many pixels; boxes are
    # mapped back to the original. Label crops for OCR are cut from the original.
    work_max_side: int = 1100
    # A row / column is "uniform" (background, gutter or a ruled separator line) when the
    # spread of its grey values stays within this many levels (JPEG noise is ~±15).
    uniform_tolerance: int = 40
    # Smallest gutter worth cutting at, as a fraction of the figure's longer side
    # (separator lines of one pixel are always accepted).
    min_gutter_fraction: float = 0.004
    # A piece counts as a panel of its own when both sides reach this fraction of the
    # figure's longer side and its area this fraction of the figure's area.
    min_panel_side_fraction: float = 0.06
    min_panel_area_fraction: float = 0.008
    # Figures whose longer side is below this many pixels are returned as one panel.
    min_figure_side: int = 24
    # Panel-label candidates: glyph height at most a fraction of the longer side of the
    # work image, at least 0.008 of its mean side (``label_hits``) and at least
    # ``label_min_height_px`` work pixels (5 keeps the 7-px
    # labels of small renders; scored on the dev figures shrunk to 60%, 0.71 vs 0.67).
    label_min_height_px: int = 5
    label_max_height_fraction: float = 0.06
    # Candidate labels sent to OCR per figure (best-ranked first): a base number plus more
    # per megapixel of the original (bigger figures hold more panels and take longer to
    # decode anyway), up to a ceiling.
    label_candidates_base: int = 12
    label_candidates_per_megapixel: float = 6.0
    max_label_candidates: int = 40
    # Read labels with an OCR engine ("rapidocr", "tesserocr" or "none").
    label_reader: str = "rapidocr"
    # Threads of the OCR engine. 1 suits a process pool (one worker per core) and stays
    # fast on a busy machine; 2 lowers the latency of a single call on an idle one.
    ocr_threads: int = 1
    # What runs RapidOCR's recogniser: "auto" (OpenVINO where the CPU computes in bf16,
    # ~1.8x faster there; else onnxruntime), "openvino" or "onnxruntime".
    ocr_runtime: str = "auto"
