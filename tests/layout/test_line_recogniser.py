"""The bundled recogniser run directly (ASCII output) and through RapidOCR's pipeline."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from panel2patch.images.fonts import drawing_font
from panel2patch.layout.line_recogniser import _ctc_decode

pytest.importorskip("rapidocr", reason="label OCR needs the [ocr] extra")
pytest.importorskip("onnxruntime", reason="label OCR needs the [ocr] extra")


def test_ctc_decoding_collapses_repeats_and_keeps_each_characters_column() -> None:
    alphabet = ["<blank>", "A", "b", "("]
    best = [3, 3, 0, 1, 1, 0, 0, 1, 2]  # "(", "A", "A" (after a blank), "b"
    probs = np.full((len(best), 4), 0.01, np.float32)
    probs[np.arange(len(best)), best] = 0.9
    read = _ctc_decode(probs, alphabet, width=90)
    assert read.chars == ["(", "A", "A", "b"]
    assert read.xs == [5.0, 35.0, 75.0, 85.0]
    assert read.score == pytest.approx(0.9)


def _crop(text: str, size: int = 40) -> np.ndarray:
    image = Image.new("RGB", (int(size * 0.9 * len(text)) + 16, size + 16), "white")
    ImageDraw.Draw(image).text((8, 4), text, fill="black", font=drawing_font(size))
    return np.asarray(image)


@pytest.mark.parametrize("direct", [True, False])
def test_label_crops_are_read_one_text_per_crop(direct: bool) -> None:
    from panel2patch.layout.label_reader import RapidOCRLabelReader

    reader = RapidOCRLabelReader(direct=direct)
    assert (reader._line_reader is not None) is direct
    texts = [text for text, _ in reader.read([_crop(t) for t in ["A", "(b)", "C.", "ii", "d)"]])]
    assert texts == ["A", "(b)", "C.", "ii", "d)"]


def test_the_direct_recogniser_never_returns_non_ascii() -> None:
    from panel2patch.layout.line_recogniser import AsciiLineRecogniser, find_rec_model

    recogniser = AsciiLineRecogniser(find_rec_model())
    assert len(recogniser.alphabet) == 95  # blank + 94 printable ASCII characters
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (48, 400, 3), dtype=np.uint8)
    read = recogniser.read(noise)
    assert all(ch.isascii() and ch.isprintable() for ch in read.chars)


@pytest.mark.parametrize("runtime", ["auto", "onnxruntime"])
def test_without_the_onnx_package_the_full_model_reads_the_same(monkeypatch: pytest.MonkeyPatch, runtime: str) -> None:
    from panel2patch.layout import line_recogniser
    from panel2patch.layout.label_reader import paste_in_line

    line, _ = paste_in_line([_crop(t) for t in ["A", "(b)", "C."]])
    pruned = line_recogniser.AsciiLineRecogniser(line_recogniser.find_rec_model(), runtime=runtime)
    monkeypatch.setattr(line_recogniser, "_onnx_model", lambda data: None)
    full = line_recogniser.AsciiLineRecogniser(line_recogniser.find_rec_model(), runtime=runtime)
    assert pruned._columns is None and full._columns is not None
    assert pruned.read(line).chars == full.read(line).chars


def test_openvino_and_onnxruntime_read_real_label_crops_alike() -> None:
    """Both engines under the recogniser: same characters, same columns, close scores, on
    label crops of six styles drawn from 11 to 40 px high (small labels are upscaled)."""
    pytest.importorskip("openvino", reason="the fast runtime comes with the [ocr] extra")
    from panel2patch.layout.label_reader import paste_in_line
    from panel2patch.layout.line_recogniser import AsciiLineRecogniser, find_rec_model

    crops = [_crop(t, size) for t, size in [("A", 14), ("(b)", 18), ("C.", 22), ("iii", 30), ("E", 11), ("F", 40)]]
    line, _ = paste_in_line(crops)
    ov = AsciiLineRecogniser(find_rec_model(), runtime="openvino")
    ort = AsciiLineRecogniser(find_rec_model(), runtime="onnxruntime")
    assert (ov.runtime, ort.runtime) == ("openvino", "onnxruntime")
    a, b = ov.read(line), ort.read(line)
    assert "".join(a.chars) == "".join(b.chars) == "A(b)C.iiiEF"
    assert a.xs == b.xs and a.score == pytest.approx(b.score, abs=0.02)


def test_auto_picks_openvino_when_it_imports_and_onnxruntime_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    import importlib.util

    from panel2patch.layout import line_recogniser

    real_import = builtins.__import__

    def no_openvino(name, *args, **kwargs):
        if name == "openvino" or name.startswith("openvino."):
            raise ImportError("no openvino here")
        return real_import(name, *args, **kwargs)

    class FakeCore:  # an OpenVINO whose CPU plugin has no bf16 arithmetic
        def get_property(self, device, name):
            return ["FP32", "INT8"]

    if importlib.util.find_spec("openvino") is not None:
        monkeypatch.setattr(line_recogniser, "_openvino_core", FakeCore)
        assert line_recogniser.pick_runtime("auto") == "onnxruntime"  # fp32 only: no faster
    monkeypatch.setattr(builtins, "__import__", no_openvino)
    assert line_recogniser.pick_runtime("auto") == "onnxruntime"
    assert line_recogniser.pick_runtime("onnxruntime") == "onnxruntime"
    with pytest.raises(ValueError, match="unknown recogniser runtime 'tensorrt'"):
        line_recogniser.AsciiLineRecogniser(line_recogniser.find_rec_model(), runtime="tensorrt")


def test_auto_falls_back_to_onnxruntime_when_openvino_cannot_load(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from panel2patch.layout import line_recogniser

    def broken(model, threads):
        raise RuntimeError("CPU plugin unavailable")

    monkeypatch.setattr(line_recogniser, "pick_runtime", lambda runtime: "openvino")
    monkeypatch.setattr(line_recogniser, "_openvino_infer", broken)
    recogniser = line_recogniser.AsciiLineRecogniser(line_recogniser.find_rec_model())
    assert recogniser.runtime == "onnxruntime" and "using onnxruntime" in caplog.text
    assert "".join(recogniser.read(np.full((48, 96, 3), 255, np.uint8)).chars) == ""
    with pytest.raises(RuntimeError, match="CPU plugin"):  # asked for by name: no silent switch
        line_recogniser.AsciiLineRecogniser(line_recogniser.find_rec_model(), runtime="openvino")


def test_a_misspelt_runtime_is_an_error_not_a_silent_fallback() -> None:
    """The reader falls back to RapidOCR's own pipeline when the direct recogniser cannot
    load; a misspelt ``ocr_runtime`` must not be taken for such a failure."""
    from panel2patch.layout.label_reader import RapidOCRLabelReader

    with pytest.raises(ValueError, match="openvino"):
        RapidOCRLabelReader(runtime="opnevino")
