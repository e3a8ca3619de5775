"""The export as open_clip's own training loader reads it, and the ``export`` command."""

from __future__ import annotations

import json
from argparse import Namespace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from panel2patch.cli import _register_commands, app


@pytest.fixture(scope="module")
def cli_export(fixture_run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "flat"
    _register_commands()
    result = CliRunner().invoke(app, [
        "export", str(fixture_run_dir), "--out", str(out), "--levels", "figure,panel,region", "--license", "commercial",
        "--min-side", "panel=40,region=16", "--min-text-chars", "5", "--drop-concepts", "Tables", "--cap-per-concept", "8",
        "--shard-size", "6",
    ])
    assert result.exit_code == 0, result.output
    assert "commercial" in result.output and "--train-data" in result.output
    return out


def test_cli_export_options_reach_the_export(cli_export: Path) -> None:
    stats = json.loads((cli_export / "export.json").read_text())
    assert stats["config"]["filters"]["limits"]["panel"] == {"min_side": 40, "min_text_chars": 5}
    assert stats["config"]["filters"]["limits"]["figure"]["min_side"] == 64  # untouched levels keep their default
    assert set(stats["train_data"]) == {"commercial"}
    assert all(n <= 8 for level in ("panel", "region") for c, n in stats["concepts_after"][level].items())
    assert max(stats["shards"]["commercial"].values()) <= 6


def test_cli_rejects_bad_options(fixture_run_dir: Path, tmp_path: Path) -> None:
    _register_commands()
    for bad in (["--levels", "figure,patch"], ["--license", "public"], ["--min-side", "panel=x"]):
        result = CliRunner().invoke(app, ["export", str(fixture_run_dir), "--out", str(tmp_path / "x"), *bad])
        assert result.exit_code == 2, (bad, result.output)


def test_open_clip_get_wds_dataset_reads_the_export(cli_export: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """open_clip_train's own loader: sizes.json for the sample count, jpg/txt keys, batches out."""
    pytest.importorskip("open_clip_train.data", reason="needs the [train] extra")
    import inspect
    from functools import partial

    import open_clip_train.data as oc_data
    import torch
    from open_clip_train.data import get_dataset_size, get_wds_dataset

    if "eof_value" in inspect.signature(oc_data.tar_file_expander).parameters:
        # webdataset >= 1.0 ends each shard with an empty EOF marker that open_clip_train's
        # group_by_keys_nothrow cannot read (it pins webdataset<=0.2.86): the 0.2.x behaviour
        monkeypatch.setattr(oc_data, "tar_file_expander", partial(oc_data.tar_file_expander, eof_value=None))

    stats = json.loads((cli_export / "export.json").read_text())
    pattern = str(cli_export / stats["train_data"]["commercial"])
    args = Namespace(
        train_data=pattern, val_data=None, train_num_samples=None, val_num_samples=None, dataset_resampled=False,
        train_data_upsampling_factors=None, seed=0, batch_size=4, workers=0, world_size=1,
    )

    def preprocess(image: object) -> torch.Tensor:
        return torch.zeros(3, 8, 8)

    def tokenizer(texts: str | list[str]) -> torch.Tensor:
        return torch.zeros(1, 4, dtype=torch.long)

    total = sum(stats["shards"]["commercial"].values())
    assert get_dataset_size(pattern) == (total, len(stats["shards"]["commercial"]))  # from our sizes.json
    info = get_wds_dataset(args, preprocess, is_train=True, epoch=0, tokenizer=tokenizer)
    assert info.dataloader.num_samples == -(-total // 4) * 4  # whole batches, rounded up
    images, texts = next(iter(info.dataloader))
    assert images.shape == (4, 3, 8, 8) and texts.shape == (4, 4)
