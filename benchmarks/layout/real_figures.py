"""Real figures from ../shared/data and our hand-made panel annotations of them.

Figure ids are paths relative to the shared data root; a member of a zip is written
``path/to/file.zip::member``. The images are never copied into the repository.
``real_annotations.json`` (next to this file) holds the boxes we drew ourselves, split
into ``dev`` (looked at while tuning) and ``test`` (kept aside, scored only).
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_ROOT = REPO_ROOT.parent / "shared" / "data"
ANNOTATIONS = Path(__file__).with_name("real_annotations.json")

FIGURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
# Inline formulae (e001), tables (t001, _tbl1a) and equation images are not figures.
_NOT_FIGURE = re.compile(r"(^|[/.])[et]\d{3}\.|_tbl\d|_ieqn\d")


@dataclass(frozen=True)
class TrueFigure:
    id: str
    split: str  # "dev" or "test"
    width: int
    height: int
    panels: list[tuple[tuple[int, int, int, int], str | None]]
    note: str = ""


def read_bytes(figure_id: str, root: Path = DATA_ROOT) -> bytes:
    if "::" in figure_id:
        archive, member = figure_id.split("::", 1)
        with zipfile.ZipFile(root / archive) as zf:
            return zf.read(member)
    return (root / figure_id).read_bytes()


def load_figure(figure_id: str, root: Path = DATA_ROOT) -> Image.Image:
    """Decode a figure to RGB the way the pipeline does (RGBA composited on white)."""
    Image.MAX_IMAGE_PIXELS = 200_000_000
    with Image.open(io.BytesIO(read_bytes(figure_id, root))) as image:
        image.load()
        if image.mode in ("RGBA", "LA", "P", "PA"):
            rgba = image.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            return Image.alpha_composite(white, rgba).convert("RGB")
        return image.convert("RGB")


def timed_decode(data: bytes) -> tuple[Image.Image, float, float]:
    """The speed benchmarks' reference: ``data`` decoded to RGB by Pillow, with the decode's
    wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    with Image.open(io.BytesIO(data)) as raw:
        raw.load()
        image = raw.convert("RGB")
    return image, time.perf_counter() - wall, time.process_time() - cpu


def all_figure_ids(root: Path = DATA_ROOT) -> list[str]:
    """Every figure image under articles/ and figures/ (zip members included), sorted."""
    ids: list[str] = []
    for folder in ("articles", "figures"):
        for path in sorted((root / folder).rglob("*")):
            rel = path.relative_to(root).as_posix()
            if "bad_zips" in rel:
                continue
            if path.suffix.lower() in FIGURE_SUFFIXES and _is_figure(rel):
                ids.append(rel)
            elif path.suffix.lower() == ".zip":
                try:
                    with zipfile.ZipFile(path) as zf:
                        members = zf.namelist()
                except zipfile.BadZipFile:
                    continue
                ids.extend(
                    f"{rel}::{m}" for m in sorted(members) if m.lower().endswith(FIGURE_SUFFIXES) and _is_figure(m)
                )
    return ids


def _is_figure(name: str) -> bool:
    return _NOT_FIGURE.search(name.lower()) is None


def load_annotations(path: Path = ANNOTATIONS) -> list[TrueFigure]:
    data = json.loads(path.read_text())
    return [
        TrueFigure(
            id=f["id"],
            split=f["split"],
            width=f["width"],
            height=f["height"],
            panels=[(tuple(p["bbox"]), p.get("label")) for p in f["panels"]],
            note=f.get("note", ""),
        )
        for f in data["figures"]
    ]
