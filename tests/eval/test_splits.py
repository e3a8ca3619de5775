"""Article-level splits: one stable hash, the holdout of training is the test split, splits.json."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from panel2patch.eval.splits import (
    SPLITS_FILE,
    RunSplits,
    SplitError,
    SplitRule,
    article_bucket,
    assign,
    is_heldout,
    read_rule,
    rule_for_sources,
    write_splits,
)


def make_run(folder: Path, keys: list[str], done: bool = True) -> Path:
    """A run directory with one shard of figure samples (tiny JSON only) and its completion marker."""
    (folder / "shards").mkdir(parents=True)
    with tarfile.open(folder / "shards" / "000000.tar", "w") as tar:
        for key in keys:
            for ext, data in (("json", b"{}"), ("txt", b"caption")):
                info = tarfile.TarInfo(f"{key}.{ext}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    if done:
        (folder / "done").mkdir()
        (folder / "done" / "000000.json").write_text("{}")
    return folder


def test_bucket_is_stable_across_versions() -> None:
    # sha1("PMC1234567") mod 10000, pinned: a change of hash would move articles between the
    # splits of existing runs (and make training read test articles)
    assert article_bucket("PMC1234567") == 9248
    assert article_bucket("PMC1234567", seed=3) == 898


def test_holdout_percent_is_the_test_split_of_the_same_hash() -> None:
    rule = SplitRule((0.75, 0.0, 0.25))
    for i in range(2000):
        article = f"PMC{1000000 + i}"
        assert is_heldout(article, 25.0) == (rule.split_of(article) == "test")


def test_fractions_are_respected_and_every_article_has_one_split() -> None:
    rule = SplitRule((0.7, 0.2, 0.1), seed=5)
    splits = [rule.split_of(f"doi-10-1000-{i}") for i in range(20000)]
    for name, fraction in zip(("train", "val", "test"), rule.fractions):
        assert abs(splits.count(name) / len(splits) - fraction) < 0.015


def test_figures_of_an_article_stay_together() -> None:
    keys = [f"PMC{a}_F{f}" for a in range(50) for f in range(3)]
    result = assign(keys, SplitRule())
    assert len(result.articles) == 50
    assert sum(result.figures.values()) == 150
    assert all(count % 3 == 0 for count in result.figures.values())


def test_bad_fractions_are_refused() -> None:
    for text in ("0.8,0.1", "0.5,0.5,0.5", "a,b,c", "1.2,-0.1,-0.1"):
        with pytest.raises(SplitError):
            SplitRule.parse(text)


def test_splits_file_round_trip(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", [f"PMC{a}_F{f}" for a in range(30) for f in range(2)])
    assert read_rule(run) is None
    written = write_splits(run, SplitRule.parse("0.6,0.2,0.2", seed=1))
    data = json.loads((run / SPLITS_FILE).read_text())
    assert data["rule"]["fractions"] == {"train": 0.6, "val": 0.2, "test": 0.2} and data["rule"]["seed"] == 1
    assert sum(c["articles"] for c in data["counts"].values()) == 30
    assert sum(c["figures"] for c in data["counts"].values()) == 60
    assert read_rule(run) == written.rule
    assert all(written.rule.split_of(a) == s for a, s in data["articles"].items())


def test_a_run_copied_without_markers_is_read_whole(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", ["PMC1_F1", "PMC2_F1"], done=False)
    assert sum(write_splits(run, SplitRule()).figures.values()) == 2


def test_sources_must_agree_on_their_splits(tmp_path: Path) -> None:
    a, b = make_run(tmp_path / "a", ["PMC1_F1"]), make_run(tmp_path / "b", ["PMC2_F1"])
    assert rule_for_sources([str(a), str(b)]) is None
    write_splits(a, SplitRule())
    assert rule_for_sources([str(a), str(b)]) == SplitRule()
    write_splits(b, SplitRule(seed=2))
    with pytest.raises(SplitError):
        rule_for_sources([str(a), str(b)])


def test_counts_cover_every_split() -> None:
    counts = RunSplits(SplitRule(), {"PMC1": "train"}, {"train": 4}).counts()
    assert counts == {"train": {"articles": 1, "figures": 4}, "val": {"articles": 0, "figures": 0},
                      "test": {"articles": 0, "figures": 0}}


def test_split_registry_and_readers_do_not_import_torch() -> None:
    import subprocess
    import sys

    code = ("import sys, panel2patch.cli.split, panel2patch.cli.eval, panel2patch.eval.splits, "
            "panel2patch.eval.tasks, panel2patch.eval.readers; print('torch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
