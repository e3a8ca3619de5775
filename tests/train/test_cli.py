"""``panel2patch train``: options documented, the issue's command forms work, torch stays out of the rest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="training tests need the [train] extra")
pytest.importorskip("open_clip", reason="training tests need the [train] extra")

from typer.testing import CliRunner  # noqa: E402

from panel2patch.cli import _register_commands, app  # noqa: E402

_register_commands()
runner = CliRunner()


def test_help_explains_every_option() -> None:
    result = runner.invoke(app, ["train", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    from panel2patch.cli.train import train_command

    import inspect

    for name, param in inspect.signature(train_command).parameters.items():
        default = param.default
        flags = getattr(default, "param_decls", None) or ()
        for flag in flags:
            long = flag.split("/")[0]
            if long.startswith("--"):
                assert long in result.output, long
        assert getattr(default, "help", None), f"{name} has no help"
    for needle in ("--preset", "--model", "--pretrained", "--max-steps", "--batch-size", "--lr", "--warmup",
                   "--lock-text", "--vision-trainable-blocks", "--grad-clip", "--accum-steps", "--precision",
                   "--grad-checkpointing", "--seed", "--schedule", "--level-ratios", "--w-patch", "torchrun"):
        assert needle in result.output


def test_the_issue_command_forms_work(hier_run: Path, tmp_path: Path) -> None:
    """`train RUN --preset P --max-steps N --out DIR`, then `--model ARCH --pretrained PATH` from its weights."""
    first = tmp_path / "first"
    result = runner.invoke(app, ["train", str(hier_run), "--preset", "tiny-vit", "--max-steps", "2", "--out", str(first),
                                 "--workers", "0", "--no-tensorboard"])
    assert result.exit_code == 0, result.output
    weights = first / "final" / "open_clip_model.safetensors"
    assert weights.exists() and "final weights" in result.output
    second = tmp_path / "second"
    result = runner.invoke(app, ["train", str(hier_run), "--model", "p2p-tiny-vit", "--pretrained", str(weights),
                                 "--max-steps", "2", "--out", str(second), "--workers", "0", "--no-tensorboard",
                                 "--schedule", "mixed", "--batch-size", "6", "--vision-trainable-blocks", "1",
                                 "--accum-steps", "2"])
    assert result.exit_code == 0, result.output
    config = json.loads((second / "train_config.json").read_text())
    assert config["arch"] == "p2p-tiny-vit" and config["config"]["model"]["pretrained"] == str(weights)
    rows = (second / "train_log.csv").read_text().splitlines()
    assert rows[1].split(",")[1] == "mixed"


def test_bad_arguments_are_refused(hier_run: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["train", str(hier_run), "--preset", "nope", "--out", str(tmp_path / "x")])
    assert result.exit_code != 0 and "unknown preset" in result.output
    result = runner.invoke(app, ["train", str(hier_run), "--preset", "tiny-vit", "--model", "ViT-B-32",
                                 "--out", str(tmp_path / "x")])
    assert result.exit_code != 0


def test_extraction_commands_do_not_import_the_training_stack() -> None:
    code = ("import sys; from panel2patch.cli import _register_commands; _register_commands(); "
            "print(sorted(m for m in ('open_clip', 'timm', 'transformers', 'panel2patch.train.loop') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
