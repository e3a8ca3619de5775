"""End to end on the bundled real sample: outputs, resume, determinism."""

import json
from pathlib import Path

import pytest

from panel2patch.errors import RunConfigMismatchError
from tests.conftest import EXAMPLES
from tests.pipeline.helpers import extract, index_rows, sample_json, samples


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("examples") / "run"
    summary = extract(EXAMPLES, out, workers=2, shard_size=4)
    assert summary.failed_shards == {}
    return out


def test_output_contract(example_run: Path) -> None:
    for name in ("config.json", "sizes.json", "stats.json", "report.md", "shards/sizes.json"):
        assert (example_run / name).is_file(), name
    sizes = json.loads((example_run / "shards" / "sizes.json").read_text())
    got = samples(example_run)
    assert sum(sizes.values()) == len(got) > 0
    for key, members in got.items():
        assert set(members) == {"jpg", "txt", "json"}
        assert "." not in key
        meta = json.loads(members["json"])
        assert meta["key"] == key
        width, height = meta["image"]["width"], meta["image"]["height"]
        assert meta["panel_text"] in ("label", "reading_order", "unmatched", "single_panel")
        assert (meta["panels"] == []) == (meta["panel_text"] == "single_panel")
        for panel in meta["panels"]:
            x0, y0, x1, y1 = panel["bbox"]
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
            assert panel["key"].startswith(key + "_p") and "." not in panel["key"]
            for region in panel["regions"]:
                assert region["key"].startswith(panel["key"] + "_r")
                rx0, ry0, rx1, ry1 = region["bbox"]
                assert 0 <= rx0 < rx1 <= width and 0 <= ry0 < ry1 <= height
        assert members["txt"].decode() == meta["figure"]["caption"]
        assert members["jpg"][:2] == b"\xff\xd8"


def test_every_item_is_in_the_index(example_run: Path) -> None:
    rows = index_rows(example_run)
    written = {r["key"] for r in rows if r["status"] == "ok" and r["item"] != "article"}
    assert written == set(samples(example_run))
    articles = {Path(r["package"]).name: r for r in rows if r["item"] == "article"}
    assert articles["PMC3040697"]["status"] == "no_figures"
    assert articles["PMC3003633.tar.gz"]["status"] == "ok"
    assert articles["2212.00741-OpenApePose.meca.zip"]["package_format"] == "meca"
    # the corrupt t003 member of the bad PLOS zip is an image error; its figures still come out
    bad = [r for r in rows if Path(r["package"]).name == "pone.0060593.zip" and r["item"] != "article"]
    assert any(r["item"] == "image_file" and r["status"] == "image_error" and "t003" in (r["member"] or "") for r in bad)
    assert sum(r["status"] == "ok" and r["item"] == "figure" for r in bad) == 2


def test_panels_get_their_subcaptions(example_run: Path) -> None:
    """A real microscopy figure with printed A-D labels: each panel gets its own text."""
    meta = sample_json(example_run, "PMC2467486_pone-0002804-g001")
    assert meta["panel_text"] == "label"
    panels = {p["label"]: p for p in meta["panels"]}
    assert set(panels) >= {"A", "B"}
    assert panels["A"]["subcaption"] and panels["A"]["subcaption"] != panels["B"]["subcaption"]
    assert panels["A"]["text"].startswith(meta["caption_parse"]["preamble"][:20])
    assert meta["caption_parse"]["subcaptions"]


def test_full_size_image_wins_over_thumbnail(example_run: Path) -> None:
    meta = sample_json(example_run, "PMC2467486_pone-0002804-g001")
    assert meta["source"]["member"].endswith(".jpg")  # not the .gif thumbnail
    plos = [r for r in index_rows(example_run) if r["pmcid"] is None and (r["member"] or "").startswith("pone.0056489.g")]
    assert plos and all(r["member"].endswith(".tif") for r in plos)


def test_rerun_skips_finished_shards_and_rebuilds_a_deleted_one(example_run: Path, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in (example_run / "shards").glob("*.tar")}
    summary = extract(EXAMPLES, example_run, workers=1, shard_size=4)
    assert summary.shards_skipped == summary.shards
    victim = sorted(before)[1]
    (example_run / "shards" / victim).unlink()
    summary = extract(EXAMPLES, example_run, workers=1, shard_size=4)
    assert summary.shards_skipped == summary.shards - 1
    after = {p.name: p.read_bytes() for p in (example_run / "shards").glob("*.tar")}
    assert after == before  # same bytes, the deleted one rebuilt identically


def test_two_runs_give_byte_identical_shards(example_run: Path, tmp_path: Path) -> None:
    other = tmp_path / "again"
    extract(EXAMPLES, other, workers=1, shard_size=4)
    for name in ("tar", "parquet"):
        first = {p.name: p.read_bytes() for p in (example_run / "shards").glob(f"*.{name}")}
        second = {p.name: p.read_bytes() for p in (other / "shards").glob(f"*.{name}")}
        assert first == second


def test_other_settings_on_the_same_run_dir_are_refused(example_run: Path) -> None:
    with pytest.raises(RunConfigMismatchError):
        extract(EXAMPLES, example_run, shard_size=5)
