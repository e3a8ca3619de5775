"""Real labelled panels for the concept / panel-kind benchmark.

Two sources, both read from ``../shared/data`` and never copied into the repository:

* **soda_mmqc** (``figures/soda_mmqc``): 101 panels with a human "is this a micrograph" answer
  (the ``micrograph-scale-bar`` check). Panel boxes come from the hand-drawn
  ``benchmarks/layout/real_annotations.json``, matched by printed label.
* **panel kinds** (``benchmarks/markers/panel_kinds.json``): the same hand-drawn boxes over the
  article figures, each judged by eye as image / blot / plot / diagram / table / render / mixed.

The split is the layout work's: ``dev`` figures were looked at while building the classifier,
``test`` figures (articles chosen at random and kept aside) are only scored.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "layout"))

from real_figures import DATA_ROOT, load_figure  # noqa: E402

LAYOUT_ANNOTATIONS = HERE.parent / "layout" / "real_annotations.json"
PANEL_KINDS = HERE.parent / "markers" / "panel_kinds.json"
SODA = DATA_ROOT / "figures" / "soda_mmqc"


@dataclass(frozen=True)
class PanelCase:
    figure_id: str
    label: str | None
    bbox: tuple[int, int, int, int]
    split: str  # "dev" or "test"
    truth: str  # soda: "micrograph" / "not"; panel kinds: image, blot, plot, ...
    caption: str = ""

    def crop(self) -> np.ndarray:
        return _crop(self.figure_id, self.bbox)


@lru_cache(maxsize=4)
def _figure_array(figure_id: str) -> np.ndarray:
    return np.asarray(load_figure(figure_id))


def _crop(figure_id: str, bbox: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = bbox
    return _figure_array(figure_id)[y0:y1, x0:x1]


def _layout_figures() -> dict[str, dict]:
    data = json.loads(LAYOUT_ANNOTATIONS.read_text())
    return {figure["id"]: figure for figure in data["figures"]}


def soda_checks(check: str) -> list[Path]:
    """The ``expected_output.json`` of one soda_mmqc check, for every figure that has it."""
    return sorted(SODA.glob(f"*/content/*/checks/{check}/expected_output.json"))


def soda_figure(check: Path) -> tuple[Path, str]:
    """The figure image and caption a soda_mmqc check file belongs to."""
    content = check.parents[2] / "content"
    image = next(p for p in sorted(content.iterdir()) if p.suffix in (".png", ".jpg"))
    return image, (content / "caption.txt").read_text(encoding="utf-8")


def soda_cases() -> list[PanelCase]:
    """The 101 soda_mmqc panels with their micrograph answer and box."""
    figures = _layout_figures()
    cases: list[PanelCase] = []
    for check in soda_checks("micrograph-scale-bar"):
        image, caption = soda_figure(check)
        figure_id = image.relative_to(DATA_ROOT).as_posix()
        figure = figures[figure_id]
        boxes = {panel["label"]: tuple(panel["bbox"]) for panel in figure["panels"] if panel["label"]}
        for output in json.loads(check.read_text())["outputs"]:
            label = output["panel_label"]
            truth = "micrograph" if output["micrograph"] == "yes" else "not"
            cases.append(PanelCase(figure_id, label, boxes[label], figure["split"], truth, caption))
    return cases


def kind_cases(include_soda: bool = False) -> list[PanelCase]:
    """Hand-judged panel kinds of the article figures (soda figures left out by default)."""
    figures = _layout_figures()
    cases: list[PanelCase] = []
    for figure in json.loads(PANEL_KINDS.read_text())["figures"]:
        if "soda_mmqc" in figure["id"] and not include_soda:
            continue
        split = figures.get(figure["id"], {}).get("split", "dev")
        if split == "excluded":
            continue
        for panel in figure["panels"]:
            cases.append(PanelCase(figure["id"], panel["label"], tuple(panel["bbox"]), split, panel["kind"]))
    return cases
