"""Training on a run with splits.json never loads a val or test article."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch", reason="training tests need the [train] extra")
pytest.importorskip("open_clip", reason="training tests need the [train] extra")

from panel2patch.eval.splits import SplitRule, write_splits  # noqa: E402
from panel2patch.train.hierarchy import article_of  # noqa: E402


def test_training_reads_only_the_train_split(hier_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from panel2patch.train import data as train_data
    from panel2patch.train import loop, stream
    from tests.train.test_train import tiny_config

    run = tmp_path / "run"
    shutil.copytree(hier_run, run)
    splits = write_splits(run, SplitRule.parse("0.6,0.2,0.2"))
    held = {a for a, s in splits.articles.items() if s != "train"}
    test_articles = {a for a, s in splits.articles.items() if s == "test"}
    assert test_articles and splits.figures.get("test", 0) > 0, "the fixture must have test figures to hide"

    parsed: list[str] = []  # every sample whose JSON and image header training parsed
    yielded: list[str] = []  # every item key a training batch carried

    original_parse = stream.parse_figure

    def recording_parse(sample, *args, **kwargs):
        parsed.append(sample.get("__key__", ""))
        return original_parse(sample, *args, **kwargs)

    monkeypatch.setattr(stream, "parse_figure", recording_parse)
    monkeypatch.setattr(train_data, "parse_figure", recording_parse)
    original_build = train_data.BatchBuilder.build

    def recording_build(self, items, micro):
        batch = original_build(self, items, micro)
        yielded.extend(batch["keys"])
        return batch

    monkeypatch.setattr(train_data.BatchBuilder, "build", recording_build)
    result = loop.train(tiny_config(run, tmp_path / "ck", max_steps=6, save_every=100))
    assert result.steps == 6
    assert parsed and yielded
    assert not {article_of(k) for k in parsed} & held
    assert not {article_of(k) for k in yielded} & held
    import json

    saved = json.loads((tmp_path / "ck" / "train_config.json").read_text())["config"]["data"]
    assert saved["split_fractions"] == [0.6, 0.2, 0.2] and saved["split_seed"] == 0


def test_ignore_splits_trains_on_everything(hier_run: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    from panel2patch.train.loop import with_run_splits
    from tests.train.test_train import tiny_config

    config = tiny_config(hier_run, tmp_path / "ck")
    assert with_run_splits(config) == config  # no splits.json: nothing changes
    import shutil

    run = tmp_path / "run"
    shutil.copytree(hier_run, run)
    write_splits(run, SplitRule())
    config = tiny_config(run, tmp_path / "ck")
    assert with_run_splits(config).data.split_fractions == SplitRule().fractions
    off = replace(config, data=replace(config.data, use_run_splits=False))
    assert with_run_splits(off).data.split_fractions is None
