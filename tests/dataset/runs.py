"""Small run directories for the dataset and report tests, built from the bundled examples.

``example_run``: the real pipeline on one bundled package (PMC2467486: 9 multi-panel figures).
``fixture_run``: a copy of it whose shard is rewritten with what the pipeline does not produce
yet or only rarely: plausible regions (markers + phrases) on two panels, panel concepts and kinds,
an exact copy of a figure under another article (noncommercial), a re-encoded near copy
(JPEG q60, 90% size), a tiny figure, and a table image under an unknown license.
"""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "examples" / "articles" / "pmc_oa_packages" / "PMC2467486"
FIG = "PMC2467486_pone-0002804-g00{}"
EXACT_COPY = "PMC9000001_F1"  # same pixels as g001
NEAR_COPY = "PMC9000002_F1"  # g003 re-encoded at q60 and 90% size
TINY = "PMC9000003_F1"
TABLE = "PMC9000004_T1"

_BUILT: dict[str, Path] = {}


def example_run(base: Path) -> Path:
    """The real pipeline's output for one bundled package (built once per test session)."""
    if "example" not in _BUILT:
        source = base / "example_in"
        shutil.copytree(PACKAGE, source / PACKAGE.name)
        out = base / "example_run"
        subprocess.run([sys.executable, "-m", "panel2patch", "run", str(source), "--out", str(out)],
                       check=True, capture_output=True, cwd=REPO)
        _BUILT["example"] = out
    return _BUILT["example"]


def fixture_run(base: Path) -> Path:
    if "fixture" not in _BUILT:
        source = example_run(base)
        out = base / "fixture_run"
        shutil.copytree(source, out)
        tar_path = out / "shards" / "000000.tar"
        samples = _read(tar_path)
        samples = _augment(samples)
        _write(tar_path, samples)
        (out / "sizes.json").write_text(json.dumps({"000000.tar": len(samples)}))
        _BUILT["fixture"] = out
    return _BUILT["fixture"]


def _read(path: Path) -> list[dict[str, Any]]:
    samples: dict[str, dict[str, Any]] = {}
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            key, ext = member.name.split(".", 1)
            handle = tar.extractfile(member)
            assert handle is not None
            samples.setdefault(key, {"__key__": key})[ext] = handle.read()
    return list(samples.values())


def _write(path: Path, samples: list[dict[str, Any]]) -> None:
    with tarfile.open(path, "w") as tar:
        for sample in samples:
            for ext in ("jpg", "txt", "json"):
                data = sample[ext] if isinstance(sample[ext], bytes) else json.dumps(sample[ext]).encode()
                info = tarfile.TarInfo(f"{sample['__key__']}.{ext}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))


def _jpeg(image: Image.Image, quality: int = 92) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _clone(sample: dict[str, Any], key: str, jpeg: bytes, size: tuple[int, int], license_group: str, code: str | None) -> dict[str, Any]:
    meta = copy.deepcopy(json.loads(sample["json"]))
    old_key = meta["key"]
    meta["key"] = key
    meta["article"]["pmcid"] = key.split("_")[0]
    meta["article"]["license"].update(group=license_group, code=code)
    meta["image"].update(width=size[0], height=size[1])
    sx, sy = size[0] / json.loads(sample["json"])["image"]["width"], size[1] / json.loads(sample["json"])["image"]["height"]
    for panel in meta["panels"]:
        panel["key"] = panel["key"].replace(old_key, key)
        x0, y0, x1, y1 = panel["bbox"]
        panel["bbox"] = [round(x0 * sx), round(y0 * sy), round(x1 * sx), round(y1 * sy)]
        panel["regions"] = []
    return {"__key__": key, "jpg": jpeg, "txt": sample["txt"], "json": json.dumps(meta).encode()}


def _augment(samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_key = {s["__key__"]: s for s in samples}
    g1, g3 = by_key[FIG.format(1)], by_key[FIG.format(3)]
    for sample in samples:
        meta = json.loads(sample["json"])
        meta["regions"] = []  # the fixture's regions and concepts are exact: drop what the stages found
        meta["figure_concepts"] = None
        for index, panel in enumerate(meta["panels"]):
            panel["regions"] = []
            kind = "micrograph" if index % 2 == 0 else "plot"
            concept = "Microscopy" if kind == "micrograph" else "Plots and Charts"
            panel["kind"] = kind
            panel["concepts"] = [{"global": concept, "local": None, "source": "text", "confidence": 0.8}]
        if sample["__key__"] == FIG.format(1):
            _add_regions(meta["panels"][0])
        sample["json"] = json.dumps(meta).encode()

    image1 = Image.open(io.BytesIO(g1["jpg"])).convert("RGB")
    image3 = Image.open(io.BytesIO(g3["jpg"])).convert("RGB")
    near = image3.resize((round(image3.width * 0.9), round(image3.height * 0.9)), Image.Resampling.LANCZOS)
    tiny = image1.resize((40, 30))
    extra = [
        _clone(g1, EXACT_COPY, g1["jpg"], image1.size, "noncommercial", "CC BY-NC"),
        _clone(g3, NEAR_COPY, _jpeg(near, 60), near.size, "commercial", "CC BY"),
        _clone(g1, TINY, _jpeg(tiny), tiny.size, "commercial", "CC BY"),
    ]
    extra[2]["json"] = _without_panels(extra[2]["json"])
    table = _clone(g3, TABLE, _jpeg(image3.rotate(90, expand=True)), (image3.height, image3.width), "other", None)
    meta = json.loads(_without_panels(table["json"]))
    meta["figure"]["kind"] = "table"
    table["json"] = json.dumps(meta).encode()
    return samples + extra + [table]


def _without_panels(data: bytes) -> bytes:
    meta = json.loads(data)
    meta["panels"], meta["panel_text"] = [], "single_panel"
    return json.dumps(meta).encode()


def _add_regions(panel: dict[str, Any]) -> None:
    """Two arrowheads with their caption phrase, one asterisk no phrase defines."""
    x0, y0, x1, y1 = panel["bbox"]
    w, h = x1 - x0, y1 - y0
    key = panel["key"]
    panel["regions"] = [
        {"key": f"{key}_r1", "bbox": [x0 + w // 4, y0 + h // 4, x0 + w // 4 + 60, y0 + h // 4 + 50],
         "marker": {"type": "arrowhead", "color": "white", "tip": [x0 + w // 4 + 62, y0 + h // 4 + 25],
                    "bbox": [x0 + w // 4 + 60, y0 + h // 4 + 15, x0 + w // 4 + 80, y0 + h // 4 + 35], "score": 0.9},
         "text": "arrowheads indicate mitochondria in the axon", "texts": ["arrowheads indicate mitochondria in the axon"]},
        {"key": f"{key}_r2", "bbox": [x0 + w // 2, y0 + h // 2, x0 + w // 2 + 50, y0 + h // 2 + 40],
         "marker": {"type": "arrowhead", "color": "white", "tip": [x0 + w // 2 - 2, y0 + h // 2 + 20],
                    "bbox": [x0 + w // 2 - 22, y0 + h // 2 + 10, x0 + w // 2 - 2, y0 + h // 2 + 30], "score": 0.8},
         "text": "arrowheads indicate mitochondria in the axon", "texts": ["arrowheads indicate mitochondria in the axon"]},
        {"key": f"{key}_r3", "bbox": [x0 + 5, y0 + h - 40, x0 + 45, y0 + h - 5],
         "marker": {"type": "asterisk", "color": "red", "tip": None, "bbox": [x0 + 10, y0 + h - 30, x0 + 20, y0 + h - 20], "score": 0.6},
         "text": None, "texts": []},
    ]
