"""Real figures for the marker benchmark: soda_mmqc labels, panel kinds, captions.

Everything is read in place from ``../shared/data``; only our own annotations (panel
kinds, soda panel boxes) live next to this file.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "layout"))
from real_figures import DATA_ROOT, load_figure, read_bytes

SODA = DATA_ROOT / "figures" / "soda_mmqc"

# soda_mmqc symbol words -> our marker types (others, e.g. "filament", "overlay", "dark
# line", "dashed line", are not marker types of the detector and are left out).
_SODA_TYPES = {"arrowhead": "arrowhead", "arrow": "arrow", "box": "box", "rectangle": "box", "square": "box",
               "asterisk": "asterisk", "star": "star", "circle": "circle"}


@dataclass(frozen=True)
class SodaPanel:
    figure: str  # figure id (path below the data root)
    label: str
    bbox: tuple[int, int, int, int]
    micrograph: bool
    types: frozenset[str]  # marker types annotated on the panel
    colors: frozenset[tuple[str, str]]  # (type, colour) pairs annotated


def soda_type(symbol: str) -> tuple[str | None, str | None]:
    """("arrowhead", "orange") from "orange arrowheads"; (None, None) when not a marker."""
    words = symbol.lower().replace("arrow head", "arrowhead").split()
    if not words:
        return None, None
    noun = words[-1].rstrip("s") if words[-1] not in ("boxes",) else "box"
    kind = _SODA_TYPES.get(noun)
    colour = words[0] if kind and len(words) > 1 else None
    return kind, colour


def soda_panels() -> list[SodaPanel]:
    boxes = json.loads((HERE / "soda_panels.json").read_text())["figures"]
    out: list[SodaPanel] = []
    for figure, panels in sorted(boxes.items()):
        root = DATA_ROOT / figure.split("/content/")[0] / "content" / figure.split("/content/")[1].split("/")[0]
        expected = json.loads((root / "checks" / "micrograph-symbols-defined" / "expected_output.json").read_text())
        for item in expected["outputs"]:
            label = item["panel_label"]
            if label not in panels:
                continue
            kinds = [soda_type(symbol) for symbol in item["symbols"]]
            out.append(SodaPanel(figure, label, tuple(panels[label]), item["micrograph"] == "yes",
                                 frozenset(k for k, _ in kinds if k), frozenset((k, c) for k, c in kinds if k and c)))
    return out


def soda_caption(figure: str) -> str:
    root = DATA_ROOT / figure.split("/content/")[0] / "content" / figure.split("/content/")[1].split("/")[0]
    return (root / "content" / "caption.txt").read_text()


def panel_kinds() -> list[dict]:
    """[{id, panels: [{bbox, label, kind}]}] for every real figure we annotated."""
    return json.loads((HERE / "panel_kinds.json").read_text())["figures"]


def marked_figures() -> list[dict]:
    """[{id, split, tuned_on, markers: [{panel, type, color, bbox, found}], ignore: [{panel, bbox,
    what}], note}] for the real figures whose markers were marked by hand (``real_markers.json``)."""
    return json.loads((HERE / "real_markers.json").read_text())["figures"]


def article_captions() -> dict[str, str]:
    """Figure id -> caption, for the article figures whose image we can resolve."""
    from panel2patch.images.resolve import resolve_graphic
    from panel2patch.jats import parse_article
    from panel2patch.sources.discover import discover_packages
    from panel2patch.sources.packages import open_package

    known = {figure["id"] for figure in panel_kinds()}
    out: dict[str, str] = {}
    for ref in discover_packages(DATA_ROOT / "articles"):
        try:
            package = open_package(ref)
            article = parse_article(package.read_xml())
        except Exception as exc:  # noqa: BLE001 - a broken package is skipped, the benchmark goes on
            print(f"skipped {ref.path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        names = list(package.members.names())
        base = Path(ref.path).relative_to(DATA_ROOT).as_posix()
        for figure in article.figures:
            for href in figure.graphics:
                for name in resolve_graphic(href, names):
                    for candidate in (f"{base}/{name}", f"{base}::{name}"):
                        if candidate in known:
                            out[candidate] = figure.caption
    return out


__all__ = ["DATA_ROOT", "SodaPanel", "article_captions", "load_figure", "marked_figures", "panel_kinds", "read_bytes",
           "soda_caption", "soda_panels", "soda_type"]
