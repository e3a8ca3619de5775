"""Plausible panels and regions added to real figure samples, where the extraction has none yet.

Real panels are kept. A figure without panels is split into two (side by side when it is wide,
stacked when tall), each with the caption's first sentence as preamble plus one more sentence as
its sub-caption. Every panel without regions gets one arrow-marked region in its middle whose two
texts are fragments of the panel text. Figures and captions stay as they are.
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

SENTENCE = re.compile(r"(?<=[.;])\s+")


def _sentences(caption: str) -> list[str]:
    parts = [p.strip() for p in SENTENCE.split(caption) if len(p.strip()) > 3]
    return parts or [caption.strip() or "figure"]


def synthetic_region(panel_key: str, box: list[int], text: str) -> dict:
    """An arrow-marked region in the middle of a panel, described by two fragments of ``text``."""
    x0, y0, x1, y1 = box
    cx, cy, w, h = (x0 + x1) // 2, (y0 + y1) // 2, max(8, (x1 - x0) // 4), max(8, (y1 - y0) // 4)
    words = text.split() or ["region"]
    short = " ".join(words[: max(3, len(words) // 2)])
    return {
        "key": f"{panel_key}_r1",
        "bbox": [max(x0, cx - w), max(y0, cy - h), min(x1, cx + w), min(y1, cy + h)],
        "marker": {"type": "arrow", "color": "white", "tip": [cx, cy], "bbox": [cx, cy, cx + 10, cy + 10], "score": 0.9},
        "text": short,
        "texts": [short, " ".join(words[-max(3, len(words) // 2):])],
    }


def add_regions(panels: list[dict]) -> list[dict]:
    """Real panels (from the extraction) with one synthetic region each where they have none."""
    return [dict(p, regions=p.get("regions") or [synthetic_region(p["key"], p["bbox"], p.get("text") or p.get("subcaption") or "")])
            for p in panels]


def synthetic_panels(key: str, meta: dict, caption: str) -> list[dict]:
    width, height = meta["image"]["width"], meta["image"]["height"]
    sentences = _sentences(caption)
    preamble = sentences[0]
    if width >= height:
        boxes = [[0, 0, width // 2, height], [width // 2, 0, width, height]]
    else:
        boxes = [[0, 0, width, height // 2], [0, height // 2, width, height]]
    panels = []
    for index, (label, box) in enumerate(zip("AB", boxes)):
        sub = sentences[(index + 1) % len(sentences)]
        region = synthetic_region(f"{key}_p{label}", box, f"{label}: {sub}")
        panels.append({
            "key": f"{key}_p{label}", "index": index, "bbox": box, "label": label,
            "subcaption": sub, "text": f"{preamble} {sub}" if index or sub != preamble else sub,
            "mentions": [], "kind": "photo", "regions": [region],
        })
    return panels


def add_synthetic_hierarchy(run_dir: Path, out_dir: Path, shards: int = 1) -> Path:
    """Copy ``run_dir``'s samples into ``out_dir/shards/`` (``shards`` files), panels filled in."""
    samples: list[tuple[str, dict[str, bytes]]] = []
    for tar_path in sorted((run_dir / "shards").glob("*.tar")):
        with tarfile.open(tar_path) as tar:
            for member in tar.getmembers():
                key, _, ext = member.name.partition(".")
                data = tar.extractfile(member).read()
                if not samples or samples[-1][0] != key:
                    samples.append((key, {}))
                samples[-1][1][ext] = data
    shard_dir = out_dir / "shards"
    shard_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    per_shard = -(-len(samples) // shards)
    for s in range(shards):
        name = f"{s:06d}.tar"
        chunk = samples[s * per_shard:(s + 1) * per_shard]
        with tarfile.open(shard_dir / name, "w") as tar:
            for key, parts in chunk:
                meta = json.loads(parts["json"])
                caption = parts.get("txt", b"").decode()
                meta["panels"] = add_regions(meta.get("panels") or synthetic_panels(key, meta, caption))
                parts = dict(parts, json=json.dumps(meta).encode())
                for ext in sorted(parts):
                    info = tarfile.TarInfo(f"{key}.{ext}")
                    info.size = len(parts[ext])
                    tar.addfile(info, io.BytesIO(parts[ext]))
        sizes[name] = len(chunk)
    (shard_dir / "sizes.json").write_text(json.dumps(sizes))
    return out_dir
