"""The backend registry and the label-reader interface."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from panel2patch.errors import MissingExtraError
from panel2patch.layout import (
    LabelReader,
    LayoutBackend,
    LayoutConfig,
    NullLabelReader,
    Panel,
    PanelLayout,
    available_backends,
    get_backend,
    get_label_reader,
    parse_layout,
    register_backend,
)
from panel2patch.layout.classical import ClassicalBackend
from panel2patch.layout.label_reader import paste_in_line
from tests.layout.fakes import font, grid_figure


class WholeImage:
    """A stand-in for a learned detector: one panel, the whole image."""

    name = "whole"

    def __init__(self, config: LayoutConfig | None = None) -> None:
        self.config = config

    def parse(self, image: Image.Image | np.ndarray) -> PanelLayout:
        width, height = image.size if isinstance(image, Image.Image) else image.shape[1::-1]
        return PanelLayout(width, height, [Panel((0, 0, width, height))], backend=self.name)


def test_classical_is_the_default_and_satisfies_the_protocol() -> None:
    assert "classical" in available_backends()
    backend = get_backend()
    assert isinstance(backend, LayoutBackend) and backend.name == "classical"
    assert get_backend() is backend  # cached: OCR engines load once per process


def test_a_new_backend_plugs_in_without_touching_callers() -> None:
    register_backend("whole", WholeImage)
    layout = parse_layout(Image.new("RGB", (30, 20)), backend="whole")
    assert layout.backend == "whole" and [p.bbox for p in layout.panels] == [(0, 0, 30, 20)]


def test_unknown_backend_and_reader_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="unknown layout backend"):
        get_backend("nope")
    with pytest.raises(ValueError, match="unknown label reader"):
        get_label_reader("nope")


def test_a_custom_label_reader_is_used() -> None:
    class Fixed:
        name = "fixed"

        def read(self, crops):
            return [("A", 1.0) for _ in crops]

    assert isinstance(Fixed(), LabelReader) and isinstance(NullLabelReader(), LabelReader)
    fig = grid_figure(1, 2, ["plot"], labels=["A", "B"])
    layout = ClassicalBackend(reader=Fixed()).parse(fig.image)
    assert len(layout.panels) == 2 and "B" not in layout.labels  # it only ever says "A"


def test_tesserocr_reader_fails_loudly_when_missing() -> None:
    pytest.importorskip("rapidocr")
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        with pytest.raises(MissingExtraError, match="pip install"):
            get_label_reader("tesserocr")


def test_rapidocr_reads_many_crops_in_one_line() -> None:
    pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
    from PIL import ImageDraw

    crops = []
    for text in ["A", "(b)", "C.", "ii", "3", "F"]:
        image = Image.new("RGB", (60, 36), "white")
        ImageDraw.Draw(image).text((6, 4), text, fill="black", font=font(24))
        crops.append(np.asarray(image))
    line, slots = paste_in_line(crops)
    assert line.shape[0] == 48 and len(slots) == 6
    texts = [t for t, _ in get_label_reader("rapidocr").read(crops)]
    assert texts == ["A", "(b)", "C.", "ii", "3", "F"]


def test_a_character_just_past_a_wide_crop_stays_with_that_crop() -> None:
    """Characters go to the crop whose end or start is nearer, across the middle of the
    white gap: the recogniser places a last character up to ~5 px past its crop's end.
    (Half-way between the crops' middles fell inside a crop twice as wide as the next.)"""
    from panel2patch.layout.label_reader import _per_slot
    from panel2patch.layout.line_recogniser import LineRead

    slots = [(0, 60), (72, 84)]  # "D1R/" squeezed to 60 px, then "D", a 12 px gap between
    read = LineRead(["D", "1", "R", "/", "D"], [8.0, 22.0, 38.0, 63.0, 78.0], [0.9] * 5)
    assert [text for text, _ in _per_slot(read, slots)] == ["D1R/", "D"]
