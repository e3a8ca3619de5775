"""Scale bars: values, units, the panels they apply to."""

from __future__ import annotations

import pytest

from panel2patch.captions import parse_caption


def bars(caption: str) -> list[tuple[float, str, tuple[str, ...]]]:
    return [(b.value, b.unit, b.labels) for b in parse_caption(caption).scale_bars]


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("(A) H&E. (B) IHC. Scale bar, 50 \u00b5m.", [(50.0, "µm", ())]),
        ("(A\u2013C) H&E. (D) IHC. Scale bars = 10 \u03bcm (A\u2013C) and 2 \u00b5m (D).",
         [(10.0, "µm", ("A", "B", "C")), (2.0, "µm", ("D",))]),
        ("(A) TEM of junctions; bar: 100 nm. (B) Blot.", [(100.0, "nm", ("A",))]),
        ("(A) Tissue. (B) Cells. Scale bars: 50 um for A, 10 um for B.",
         [(50.0, "µm", ("A",)), (10.0, "µm", ("B",))]),
        ("(A) X. (B) Y. Scale bars: (A) 1 mm; (B) 0.5 cm.",
         [(1.0, "mm", ("A",)), (0.5, "cm", ("B",))]),
        ("Whole mounts. Scale bar represents 200 microns.", [(200.0, "µm", ())]),
        ("(A) X. (B) Y (scale bar = 25 \u03bcm).", [(25.0, "µm", ("B",))]),
        ("(A) X. (B) Y. Bar = 1,5 mm.", [(1.5, "mm", ())]),
    ],
)
def test_scale_bar_statements(caption: str, expected: list[object]) -> None:
    assert bars(caption) == expected


@pytest.mark.parametrize(
    "caption",
    [
        "(A) Mean \u00b1 SD; error bars represent SEM of 5 mm tumours.",
        "(A) Bar graph of tumour size (5 mm).",
        "(A) A 5 mm lesion in the peripheral zone.",
    ],
)
def test_not_scale_bars(caption: str) -> None:
    assert bars(caption) == []


def test_unit_is_normalised_to_micro_sign() -> None:
    for unit in ("\u00b5m", "\u03bcm", "um", "microns", "micrometers"):
        (bar,) = parse_caption(f"Scale bar, 5 {unit}.").scale_bars
        assert bar.unit == "\u00b5m"
