"""Read the items of a run's WebDataset shards: each figure and each of its panels.

A figure sample is ``KEY.jpg`` + ``KEY.txt`` + ``KEY.json`` (whose ``panels`` hold a
``bbox`` each). An *item* is a figure or one panel crop of it, with its text.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

Level = Literal["figure", "panel", "all"]


@dataclass(frozen=True)
class Item:
    key: str  # the figure key, or the panel's key
    figure_key: str
    level: Literal["figure", "panel"]
    panel_index: int | None
    bbox: tuple[int, int, int, int] | None
    text: str
    image: np.ndarray  # RGB uint8


def shard_paths(run_dir: str | Path) -> list[Path]:
    """``RUN_DIR/shards/*.tar`` sorted (or the tars of a folder given directly)."""
    run_dir = Path(run_dir)
    folder = run_dir / "shards" if (run_dir / "shards").is_dir() else run_dir
    return sorted(folder.glob("*.tar"))


def iter_samples(tar_path: Path) -> Iterator[dict[str, bytes]]:
    """Group the members of one WebDataset tar by key (the basename up to its first dot)."""
    current: dict[str, bytes] = {}
    current_key: str | None = None
    with tarfile.open(tar_path) as tar:
        for member in tar:
            if not member.isfile():
                continue
            name = member.name.rsplit("/", 1)[-1]
            key, _, ext = name.partition(".")
            if key != current_key and current:
                yield current
                current = {}
            current_key = key
            handle = tar.extractfile(member)
            current["__key__"] = key.encode()
            current[ext] = handle.read() if handle else b""
    if current:
        yield current


def iter_items(run_dir: str | Path, level: Level = "all") -> Iterator[Item]:
    """Every figure (``figure``), every panel of a compound figure (``panel``), or both.

    A figure with fewer than two panels has no panel level: with ``level="panel"`` the
    figure itself stands in, so every figure is covered once.
    """
    for tar_path in shard_paths(run_dir):
        for sample in iter_samples(tar_path):
            if "jpg" not in sample:
                continue
            key = sample["__key__"].decode()
            try:
                with Image.open(io.BytesIO(sample["jpg"])) as image:
                    rgb = np.asarray(image.convert("RGB"))
            except (OSError, ValueError, Image.DecompressionBombError):
                continue
            caption = sample.get("txt", b"").decode("utf-8", "replace")
            try:
                meta = json.loads(sample.get("json", b"{}") or b"{}")
            except json.JSONDecodeError:
                meta = {}
            panels = [p for p in meta.get("panels") or [] if isinstance(p, dict) and p.get("bbox")]
            compound = len(panels) >= 2
            if level in ("figure", "all") or not compound:
                yield Item(key, key, "figure", None, None, caption, rgb)
            if level in ("panel", "all") and compound:
                for index, panel in enumerate(panels):
                    box = _clip(panel["bbox"], rgb.shape)
                    if box is None:
                        continue
                    x0, y0, x1, y1 = box
                    text = panel.get("text") or panel.get("subcaption") or caption
                    panel_key = panel.get("key") or f"{key}_p{index}"
                    yield Item(panel_key, key, "panel", index, box, text, rgb[y0:y1, x0:x1])


def _clip(bbox: list, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    try:
        x0, y0, x1, y1 = (int(v) for v in bbox[:4])
    except (TypeError, ValueError):
        return None
    height, width = shape[:2]
    x0, x1 = max(0, min(x0, width)), max(0, min(x1, width))
    y0, y1 = max(0, min(y0, height)), max(0, min(y1, height))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return x0, y0, x1, y1
