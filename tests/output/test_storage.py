"""The run storage (atomic local writes, listings, sweeping), stage timing and the run meter."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from panel2patch.cli.progress import RunMeter
from panel2patch.executors import Outcome
from panel2patch.output.stats import merge_stats, summarize
from panel2patch.output.storage import LocalStorage, open_run_storage
from panel2patch.pipeline.shards import ShardResult
from panel2patch.pipeline.timing import collect_stage_seconds, stage_timer


def test_a_file_is_visible_only_once_committed(tmp_path: Path) -> None:
    storage = open_run_storage(tmp_path / "run")
    assert isinstance(storage, LocalStorage) and storage.location == str((tmp_path / "run").resolve())
    pending = storage.open_write("shards/000000.tar")
    pending.handle.write(b"half")
    assert storage.list("shards") == [] and not storage.exists("shards/000000.tar")
    pending.handle.write(b" and the rest")
    pending.commit()
    assert storage.list("shards") == ["000000.tar"]
    assert storage.read_bytes("shards/000000.tar") == b"half and the rest"
    assert [p.name for p in (tmp_path / "run" / "shards").iterdir()] == ["000000.tar"]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    storage = open_run_storage(tmp_path)
    with pytest.raises(RuntimeError):
        with storage.open_write("a.bin") as handle:
            handle.write(b"x")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_listing_missing_folder_and_delete(tmp_path: Path) -> None:
    storage = open_run_storage(f"file://{tmp_path}")
    assert storage.list("stats") == []
    storage.write_bytes("stats/000001.json", b"{}")
    storage.delete("stats/000001.json")
    storage.delete("stats/000001.json")  # missing is fine
    assert storage.list("stats") == []


def test_sweep_removes_only_temporaries(tmp_path: Path) -> None:
    for name in ("shards/.000001.tar.tmp-12-ab", "downloads/.PMC1.tar.gz.part-3-4", ".config.json.tmp-1-2",
                 "shards/000001.tar", "notes.tmp-1"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    removed = open_run_storage(tmp_path).sweep_temporaries()
    assert removed == [".config.json.tmp-1-2", "downloads/.PMC1.tar.gz.part-3-4", "shards/.000001.tar.tmp-12-ab"]
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == ["notes.tmp-1", "shards/000001.tar"]


def test_stage_seconds_are_exclusive_and_collected_only_when_asked() -> None:
    with stage_timer("layout"):  # no collection: a no-op
        pass
    with collect_stage_seconds() as seconds:
        with stage_timer("layout"):
            time.sleep(0.02)
            with stage_timer("ocr"):
                time.sleep(0.03)
            with stage_timer("layout"):  # wrapped twice: counted once
                time.sleep(0.01)
        with stage_timer("write"):
            pass
    assert set(seconds) == {"layout", "ocr", "write"}
    assert 0.025 <= seconds["layout"] < 0.06 and 0.025 <= seconds["ocr"] < 0.06
    merged = summarize(merge_stats([{"seconds": 1.0, "seconds_by_stage": {"ocr": 0.5}}, {"seconds": 2.0, "seconds_by_stage": {"ocr": 1.0, "write": 0.1}}]))
    assert merged["seconds"] == 3.0 and merged["seconds_by_stage"] == {"ocr": 1.5, "write": 0.1}


def _outcome(index: int, stats: dict | None, skipped: bool = False, error: str | None = None) -> Outcome:
    result = None if stats is None else ShardResult(index, stats, skipped, 0.1)
    return Outcome(index, result, error, 1)


def test_meter_rates_failures_and_eta() -> None:
    meter = RunMeter(total_shards=4, started=time.perf_counter() - 10.0)
    assert meter.eta_seconds() is None
    meter.update(_outcome(0, {"samples": 999, "figures": 999}, skipped=True))  # done by an earlier run
    stats = {"samples": 8, "figures": 9, "tables": 1, "figures_by_status": {"ok": 8, "image_error": 1},
             "articles_by_status": {"ok": 2, "xml_error": 1, "no_figures": 1}, "tables_by_status": {"ok": 1}}
    meter.update(_outcome(1, stats))
    meter.update(_outcome(2, None, error="MemoryError"))
    assert (meter.shards_done, meter.shards_skipped, meter.shards_failed) == (3, 1, 1)
    assert meter.figures == 10 and meter.samples == 8
    assert meter.failures == {"figure image_error": 1, "article xml_error": 1}
    assert 0.9 < meter.figures_per_second <= 1.0
    assert meter.eta_seconds() == pytest.approx(1 * meter.elapsed / 2, rel=0.01)
    line = meter.describe()
    assert "figures (1.0/s)" in line and "ETA 0:00:0" in line and "figure image_error 1" in line
