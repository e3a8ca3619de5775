"""The BIOMEDICA-style cluster path end to end, through the command line."""

from __future__ import annotations

import csv
import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image
from typer.testing import CliRunner

import panel2patch.cli.concepts  # noqa: F401  (registers `concepts` on the app)
from panel2patch.cli.app import app
from panel2patch.concepts.clusters import ClusterModel, TableError, read_table
from panel2patch.concepts.embedders import HistogramEmbedder, get_embedder
from panel2patch.concepts.shards import iter_items
from tests.conftest import EXAMPLES

pytest.importorskip("sklearn")

# Real example figures, with short captions of our own (what matters is that they name a concept).
CAPTIONS = {
    "PMC3192425": "Habitus of the larva, dorsal view. Scale bar 1 mm.",
    "PMC2467486": "Confocal images of cells stained with DAPI (blue) and GFP (green).",
    "elife-32671": "Two-photon imaging of dendrites in vivo.",
}


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def make_run(root: Path) -> Path:
    """A run directory whose shard holds example figures (downscaled), some with two panels."""
    run = root / "run"
    (run / "shards").mkdir(parents=True)
    with tarfile.open(run / "shards" / "000000.tar", "w") as tar:
        for article, caption in CAPTIONS.items():
            for path in sorted(EXAMPLES.rglob(f"*{article}*/*.jpg"))[:4]:
                image = Image.open(path).convert("RGB")
                image.thumbnail((320, 320))
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=85)
                key = f"{article}_{path.stem.replace('.', '-')}"
                w, h = image.size
                panels = []
                if article == "PMC2467486":
                    panels = [
                        {"bbox": [0, 0, w // 2, h], "key": f"{key}_pA"},
                        {"bbox": [w // 2, 0, w, h], "key": f"{key}_pB", "text": "Confocal image, DAPI"},
                    ]
                _add(tar, f"{key}.jpg", buffer.getvalue())
                _add(tar, f"{key}.txt", caption.encode())
                _add(tar, f"{key}.json", json.dumps({"key": key, "panels": panels}).encode())
    return run


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("concepts"))


def test_items_cover_figures_and_panels(run_dir: Path) -> None:
    items = list(iter_items(run_dir, "all"))
    levels = {item.level for item in items}
    assert levels == {"figure", "panel"}
    panel = next(item for item in items if item.level == "panel")
    assert panel.key.endswith("_pA") and panel.bbox is not None and panel.image.shape[0] > 0
    figures_only = list(iter_items(run_dir, "figure"))
    assert len(figures_only) == sum(item.level == "figure" for item in items)


def test_fit_then_apply(run_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    model = tmp_path / "model"
    result = runner.invoke(
        app, ["concepts", "fit", str(run_dir), "--clusters", "4", "--out", str(model), "--embedder", "builtin"]
    )
    assert result.exit_code == 0, result.output
    for name in ("model.json", "model.npz", "clusters.csv"):
        assert (model / name).is_file()
    rows = list(csv.DictReader((model / "clusters.csv").open()))
    assert [int(r["cluster"]) for r in rows] == [0, 1, 2, 3]
    assert sum(int(r["size"]) for r in rows) == len(list(iter_items(run_dir, "all")))
    named = {r["global_class"] for r in rows}
    assert named & {"Natural Images", "Microscopy"}  # pre-filled from the captions
    assert all(r["examples"] for r in rows)

    # a person edits the table: cluster 0 becomes Tables / table
    rows[0]["global_class"], rows[0]["local_class"], rows[0]["confidence"] = "Tables", "table", "1.0"
    with (model / "clusters.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    out = tmp_path / "labels.parquet"
    result = runner.invoke(app, ["concepts", "apply", str(run_dir), "--model", str(model), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out).to_pylist()
    assert len(table) == sum(int(r["size"]) for r in rows)
    assert {r["source"] for r in table} == {"cluster"}
    edited = [r for r in table if r["cluster"] == 0]
    assert edited and all((r["global_class"], r["local_class"]) == ("Tables", "table") for r in edited)
    assert all(r["kind"] for r in table)
    # applying again gives the same clusters (deterministic)
    runner.invoke(
        app,
        [
            "concepts",
            "apply",
            str(run_dir),
            "--model",
            str(model),
            "--out",
            str(tmp_path / "again.parquet"),
            "--no-kind",
        ],
    )
    assert [r["cluster"] for r in pq.read_table(tmp_path / "again.parquet").to_pylist()] == [
        r["cluster"] for r in table
    ]


def test_bad_table_and_inputs(run_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    model = tmp_path / "model"
    assert runner.invoke(app, ["concepts", "fit", str(run_dir), "-k", "2", "--out", str(model)]).exit_code == 0
    text = (model / "clusters.csv").read_text().splitlines()
    text[1] = "0,1,Microscopy,bar plot,1.0,0,,x"
    (model / "clusters.csv").write_text("\n".join(text) + "\n")
    with pytest.raises(TableError):
        read_table(model / "clusters.csv", 2)
    result = runner.invoke(
        app, ["concepts", "apply", str(run_dir), "--model", str(model), "--out", str(tmp_path / "x.parquet")]
    )
    assert result.exit_code == 2 and "not in the taxonomy" in result.output
    empty = tmp_path / "empty"
    (empty / "shards").mkdir(parents=True)
    result = runner.invoke(app, ["concepts", "fit", str(empty), "-k", "2", "--out", str(tmp_path / "m2")])
    assert result.exit_code == 2 and "need at least 2" in result.output
    result = runner.invoke(
        app,
        ["concepts", "fit", str(run_dir), "-k", "2", "--out", str(tmp_path / "m3"), "--embedder", "/no/such/model.pt"],
    )
    assert result.exit_code != 0


def test_model_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    model = ClusterModel(
        "builtin", rng.normal(size=6), rng.normal(size=(3, 6)), rng.normal(size=(4, 3)), {"level": "all"}
    )
    model.save(tmp_path)
    loaded = ClusterModel.load(tmp_path)
    x = rng.normal(size=(5, 6))
    assert np.array_equal(model.assign(x)[0], loaded.assign(x)[0])
    assert loaded.meta["level"] == "all"


def test_builtin_embedder_never_raises() -> None:
    embedder = get_embedder("builtin")
    assert isinstance(embedder, HistogramEmbedder)
    rows = embedder.embed(
        [np.zeros((1, 1, 3), np.uint8), np.full((80, 90, 3), 255, np.uint8), np.zeros((0, 0, 3), np.uint8)]
    )
    assert rows.shape == (3, embedder.dim) and np.isfinite(rows).all()
