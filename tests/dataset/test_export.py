"""The flat export on a small run made from a bundled example (plus regions, copies, licenses)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import webdataset as wds
from PIL import Image

from panel2patch.dataset import DedupConfig, ExportConfig, FilterConfig, Level, LevelLimits, SubsetConfig, export_run
from tests.dataset.runs import EXACT_COPY, FIG, NEAR_COPY, TABLE, TINY


def _export(run: Path, out: Path, **options: Any) -> dict[str, Any]:
    return export_run(run, out, ExportConfig(**options))


@pytest.fixture(scope="module")
def exported(fixture_run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("export")
    return out, _export(fixture_run_dir, out)


def _members(tar_path: Path) -> dict[str, dict[str, bytes]]:
    samples: dict[str, dict[str, bytes]] = {}
    with tarfile.open(tar_path) as tar:
        for member in tar.getmembers():
            key, ext = member.name.split(".", 1)
            handle = tar.extractfile(member)
            assert handle is not None
            samples.setdefault(key, {})[ext] = handle.read()
    return samples


def _drops(out: Path) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in pq.read_table(out / "drops.parquet").to_pylist()}


def test_export_loads_with_webdataset_and_sizes_match(exported: tuple[Path, dict[str, Any]]) -> None:
    out, stats = exported
    total = 0
    for group, pattern in stats["train_data"].items():
        sizes = json.loads((out / group / "sizes.json").read_text())
        dataset = wds.WebDataset(str(out / pattern), shardshuffle=False, empty_check=False).decode("pil").to_tuple("jpg", "txt")
        pairs = list(dataset)
        assert len(pairs) == sum(sizes.values()) == sum(stats["shards"][group].values())
        for image, text in pairs:
            assert isinstance(image, Image.Image) and image.width > 0
            assert isinstance(text, str) and text.strip()
        total += len(pairs)
    assert total == sum(stats["kept"].values())
    assert stats["kept"]["figure"] >= 9 and stats["kept"]["panel"] > 20 and stats["kept"]["region"] == 2
    assert json.loads((out / "export.json").read_text()) == stats


def test_flat_json_has_level_parent_box_license_provenance(exported: tuple[Path, dict[str, Any]]) -> None:
    out, _ = exported
    samples = _members(out / "commercial" / "shards-000000.tar")
    panel = json.loads(samples[f"{FIG.format(1)}_pA"]["json"])
    assert panel["level"] == "panel" and panel["parent"] == FIG.format(1) and panel["figure_key"] == FIG.format(1)
    assert panel["license"]["group"] == "commercial" and panel["article"]["pmcid"] == "PMC2467486"
    assert panel["provenance"]["run_shard"] == "000000.tar" and panel["provenance"]["member"]
    assert panel["concepts"] == ["Microscopy"] and panel["kind"] == "micrograph"
    region = json.loads(samples[f"{FIG.format(1)}_pA_r1"]["json"])
    assert region["level"] == "region" and region["parent"] == f"{FIG.format(1)}_pA"
    assert region["marker"]["type"] == "arrowhead"
    assert samples[f"{FIG.format(1)}_pA_r1"]["txt"].decode() == "arrowheads indicate mitochondria in the axon"
    figure = json.loads(samples[FIG.format(1)]["json"])
    assert figure["level"] == "figure" and figure["parent"] is None and figure["box"] == [0, 0, *figure["figure_size"]]


def test_crops_have_the_sizes_of_their_boxes(exported: tuple[Path, dict[str, Any]], fixture_run_dir: Path) -> None:
    out, _ = exported
    run_boxes = {}
    for sample in _members(fixture_run_dir / "shards" / "000000.tar").values():
        meta = json.loads(sample["json"])
        run_boxes.update({p["key"]: p["bbox"] for p in meta["panels"]})
    checked = 0
    for key, sample in _members(out / "commercial" / "shards-000000.tar").items():
        meta = json.loads(sample["json"])
        x0, y0, x1, y1 = meta["box"]
        assert Image.open(io.BytesIO(sample["jpg"])).size == (x1 - x0, y1 - y0) == tuple(meta["size"])
        if meta["level"] == "panel":
            assert meta["box"] == run_boxes[key]
            checked += 1
    assert checked > 20


def test_dedup_drops_exact_and_near_copies_naming_the_kept_key(exported: tuple[Path, dict[str, Any]]) -> None:
    out, stats = exported
    drops = _drops(out)
    assert drops[EXACT_COPY]["reason"] == "duplicate_exact" and drops[EXACT_COPY]["detail"] == FIG.format(1)
    assert drops[NEAR_COPY]["reason"] == "duplicate_near" and drops[NEAR_COPY]["detail"].startswith(FIG.format(3) + " ")
    assert stats["dropped"]["figure"]["duplicate_exact"] == 1 and stats["dropped"]["figure"]["duplicate_near"] == 1
    duplicates = {k: r for k, r in drops.items() if r["reason"].startswith("duplicate") and r["level"] == "panel"}
    assert duplicates, "the copied figures' panels are copies too"
    for key, row in duplicates.items():
        # each copied panel names the same panel of the original figure ...
        if key.startswith(EXACT_COPY):
            assert row["reason"] == "duplicate_exact" and row["detail"] == key.replace(EXACT_COPY, FIG.format(1))
        else:
            # ... and only the copies are duplicates: the article's other figures look alike but are not copies
            assert key.startswith(NEAR_COPY) and row["detail"].startswith(key.replace(NEAR_COPY, FIG.format(3)) + " ")


def test_no_dedup_keeps_copies(fixture_run_dir: Path, tmp_path: Path) -> None:
    stats = _export(fixture_run_dir, tmp_path / "out", dedup=None)
    assert "duplicate_exact" not in stats["dropped"].get("figure", {})
    assert stats["kept_by_license_group"]["noncommercial"]["figure"] == 1


def test_filters_count_named_reasons(exported: tuple[Path, dict[str, Any]], fixture_run_dir: Path, tmp_path: Path) -> None:
    out, stats = exported
    drops = _drops(out)
    assert drops[TINY]["reason"] == "too_small"
    assert drops[f"{FIG.format(1)}_pA_r3"]["reason"] == "empty_text"  # the asterisk no phrase defines
    strict = FilterConfig(limits={level: LevelLimits(min_side=0, min_text_chars=400) for level in Level})
    stats = _export(fixture_run_dir, tmp_path / "strict", filters=strict, dedup=None)
    assert stats["dropped"]["region"] == {"empty_text": 1, "text_too_short": 2}
    assert stats["dropped"]["figure"]["text_too_short"] >= 1
    # every candidate is either kept or dropped under exactly one reason
    for level, n in stats["candidates"].items():
        assert stats["kept"][level] + sum(stats["dropped"].get(level, {}).values()) == n


def test_license_groups_kept_apart_and_selectable(fixture_run_dir: Path, tmp_path: Path) -> None:
    stats = _export(fixture_run_dir, tmp_path / "all", dedup=None)
    assert set(stats["train_data"]) == {"commercial", "noncommercial", "other"}
    for group in stats["train_data"]:
        for sample in _members(tmp_path / "all" / group / "shards-000000.tar").values():
            assert json.loads(sample["json"])["license"]["group"] == group
    only = _export(fixture_run_dir, tmp_path / "comm", dedup=None, filters=FilterConfig(license_groups=("commercial",)))
    assert set(only["train_data"]) == {"commercial"}
    assert only["dropped"]["figure"]["license_not_selected"] == 2  # the noncommercial copy and the table
    _export(fixture_run_dir, tmp_path / "flat", dedup=None, split_license=False)
    assert (tmp_path / "flat" / "shards-000000.tar").exists() and (tmp_path / "flat" / "sizes.json").exists()


def test_concept_filter_and_cap_report_counts(fixture_run_dir: Path, tmp_path: Path) -> None:
    stats = _export(fixture_run_dir, tmp_path / "f", subsets=SubsetConfig(drop_concepts=("plots and charts", "Tables")))
    assert "Plots and Charts" not in stats["concepts_after"]["panel"]
    micro_drops = sum(1 for r in _drops(tmp_path / "f").values() if r["level"] == "panel" and r["concept"] == "Microscopy")
    assert 0 < stats["concepts_after"]["panel"]["Microscopy"] == stats["concepts_before"]["panel"]["Microscopy"] - micro_drops
    assert stats["dropped"]["figure"]["concept_dropped"] == 1  # the table
    drops = _drops(tmp_path / "f")
    dropped_plots = [row for row in drops.values() if row["level"] == "panel" and row["concept"] == "Plots and Charts"]
    reasons = {row["reason"] for row in dropped_plots}
    assert "concept_dropped" in reasons and reasons <= {"concept_dropped", "too_small", "empty_text", "text_too_short", "bad_box"}
    assert len(dropped_plots) == stats["concepts_before"]["panel"]["Plots and Charts"]
    capped = _export(fixture_run_dir, tmp_path / "c", subsets=SubsetConfig(cap_per_concept=5))
    assert capped["concepts_after"]["panel"] == {"Microscopy": 5, "Plots and Charts": 5}
    assert capped["concepts_after"]["figure"]["(unlabelled)"] == 9  # unlabelled samples are never capped
    kept_before_cap = export_run(fixture_run_dir, tmp_path / "u", ExportConfig())["concepts_after"]["panel"]
    assert capped["dropped"]["panel"]["concept_cap"] == sum(kept_before_cap.values()) - 10
    again = _export(fixture_run_dir, tmp_path / "c2", subsets=SubsetConfig(cap_per_concept=5))
    assert again["concepts_after"] == capped["concepts_after"]
    assert (tmp_path / "c" / "commercial" / "shards-000000.tar").read_bytes() == (tmp_path / "c2" / "commercial" / "shards-000000.tar").read_bytes()


@pytest.mark.parametrize("workers", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_export_is_deterministic_and_rolls_shards(fixture_run_dir: Path, tmp_path: Path, workers: int) -> None:
    first = _export(fixture_run_dir, tmp_path / "a", shard_max_count=10)
    second = export_run(fixture_run_dir, tmp_path / "b", ExportConfig(shard_max_count=10), workers=workers)
    assert first["shards"] == second["shards"] and len(first["shards"]["commercial"]) >= 4
    assert all(n <= 10 for n in first["shards"]["commercial"].values())
    for name in first["shards"]["commercial"]:
        assert (tmp_path / "a" / "commercial" / name).read_bytes() == (tmp_path / "b" / "commercial" / name).read_bytes()
    last = len(first["shards"]["commercial"]) - 1
    assert first["train_data"]["commercial"] == f"commercial/shards-{{000000..{last:06d}}}.tar"


def test_refuses_a_non_empty_out(fixture_run_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        export_run(fixture_run_dir, tmp_path, ExportConfig(levels=(Level.FIGURE,)), overwrite=True)
    assert (tmp_path / "mine.txt").exists()


def test_table_goes_to_other_group(exported: tuple[Path, dict[str, Any]]) -> None:
    out, _ = exported
    samples = _members(out / "other" / "shards-000000.tar")
    assert list(samples) == [TABLE]
    assert json.loads(samples[TABLE]["json"])["concepts"] == ["Tables"]


def test_near_dedup_threshold_zero_still_catches_exact(fixture_run_dir: Path, tmp_path: Path) -> None:
    stats = _export(fixture_run_dir, tmp_path / "t0", levels=(Level.FIGURE,), dedup=DedupConfig(phash_threshold=0, fine_threshold=0))
    assert stats["dropped"]["figure"]["duplicate_exact"] == 1


def test_unfinished_shards_are_not_read(fixture_run_dir: Path, tmp_path: Path) -> None:
    import shutil

    run = tmp_path / "run"
    shutil.copytree(fixture_run_dir, run)
    (run / "done" / "000000.json").unlink()  # the tar is there, its completion marker is not
    with pytest.raises(FileNotFoundError, match="no finished shard"):
        export_run(run, tmp_path / "out")
