"""``panel2patch split`` and ``panel2patch eval`` as the issue writes them, on the bundled sample."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="evaluation needs the [train] extra")
pytest.importorskip("open_clip", reason="evaluation needs the [train] extra")

from typer.testing import CliRunner  # noqa: E402

from panel2patch.cli import _register_commands, app  # noqa: E402
from tests.eval.test_registry import toy_data  # noqa: E402

_register_commands()
runner = CliRunner()


@pytest.fixture(scope="module")
def split_run(hier_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample (with synthetic regions) split half train, half test by ``panel2patch split``."""
    run = tmp_path_factory.mktemp("eval") / "run"
    shutil.copytree(hier_run, run)
    result = runner.invoke(app, ["split", str(run), "--fractions", "0.5,0,0.5"])
    assert result.exit_code == 0, result.output
    assert "splits.json" in result.output and "test" in result.output
    return run


@pytest.fixture(scope="module")
def tiny_checkpoint(split_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from panel2patch.train.loop import train
    from tests.train.test_train import tiny_config

    out = tmp_path_factory.mktemp("eval") / "ckpt"
    assert train(tiny_config(split_run, out, max_steps=2, save_every=100)).final_weights is not None
    return out


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_the_issue_command_form(split_run: Path, tiny_checkpoint: Path) -> None:
    """`eval --model PRESET --model CHECKPOINT --run RUN --tasks retrieval --json`: one object per model."""
    result = runner.invoke(app, ["eval", "--model", "tiny-vit", "--model", str(tiny_checkpoint), "--run",
                                 str(split_run), "--tasks", "retrieval", "--json"])
    assert result.exit_code == 0, result.output
    objects = json_lines(result.stdout)
    assert [o["model"] for o in objects] == ["tiny-vit", str(tiny_checkpoint)]
    splits = json.loads((split_run / "splits.json").read_text())["articles"]
    for obj in objects:
        assert obj["task"] == "retrieval" and obj["split"] == "test" and obj["status"] == "ok"
        assert {"panel2patch", "torch", "open_clip_torch", "python"} <= set(obj["versions"])
        assert obj["split_rule"]["from"] == "splits.json"
        assert {"figure", "panel", "region", "box_text"} <= set(obj["levels"])
        for level in obj["levels"].values():
            assert level["candidates"] >= 2
            for direction in ("image_to_text", "text_to_image"):
                scores = level[direction]
                assert 0.0 <= scores["recall@1"] <= scores["recall@10"] <= scores["recall@100"] <= 1.0
                assert scores["candidates"] >= 1 and "recall@5" in scores
    assert sum(1 for s in splits.values() if s == "test") >= 1


def test_a_checkpoint_loads_the_same_by_folder_or_as_arch_and_weights(split_run: Path, tiny_checkpoint: Path) -> None:
    weights = tiny_checkpoint / "final" / "open_clip_model.safetensors"
    result = runner.invoke(app, ["eval", "-m", f"folder={tiny_checkpoint}", "-m", f"file=p2p-tiny-vit:{weights}",
                                 "--run", str(split_run), "--levels", "panel", "--json"])
    assert result.exit_code == 0, result.output
    folder, file = (o["levels"]["panel"] for o in json_lines(result.stdout))
    assert folder == file


def test_a_run_without_splits_uses_the_default_rule(hier_run: Path, caplog: pytest.LogCaptureFixture) -> None:
    result = runner.invoke(app, ["eval", "-m", "tiny-vit", "--run", str(hier_run), "--tasks", "retrieval", "--json",
                                 "--levels", "panel"])
    assert result.exit_code == 0, result.output
    (obj,) = json_lines(result.stdout)
    assert obj["split_rule"]["from"].startswith("default")
    assert "panel2patch split" in caplog.text  # the warning says how to write the splits


def test_a_checkpoint_trained_on_the_test_articles_is_flagged(split_run: Path, tiny_checkpoint: Path,
                                                               tmp_path: Path) -> None:
    """A checkpoint that read the test articles (trained with --ignore-splits) is named in the result;
    the one trained on the train split is not."""
    from dataclasses import replace

    from panel2patch.train.loop import train
    from tests.train.test_train import tiny_config

    config = tiny_config(split_run, tmp_path / "leaky", max_steps=1, save_every=100)
    leaky = tmp_path / "leaky"
    assert train(replace(config, data=replace(config.data, use_run_splits=False))).final_weights is not None
    result = runner.invoke(app, ["eval", "-m", f"clean={tiny_checkpoint}", "-m", f"leaky={leaky}", "--run",
                                 str(split_run), "--levels", "figure,panel", "--json"])
    assert result.exit_code == 0, result.output
    clean, dirty = json_lines(result.stdout)
    assert "trained_on_evaluated_articles" not in clean
    test_articles = {a for a, s in json.loads((split_run / "splits.json").read_text())["articles"].items() if s == "test"}
    assert set(dirty["trained_on_evaluated_articles"]) == test_articles


def test_zeroshot_side_by_side_with_reports(tmp_path: Path) -> None:
    registry = toy_data(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["eval", "-m", "a=tiny-vit", "-m", "b=tiny-vit", "--registry", str(registry),
                                 "--data-root", str(tmp_path), "--tasks", "zeroshot", "--bootstrap", "50",
                                 "--out", str(out)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"results.jsonl", "results.csv", "results.md", "results.png"}
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    by_task = {(r["model"], r["task"]): r for r in results}
    for model in ("a", "b"):
        for task in ("toy_npz", "toy_csv", "toy_folder"):
            metrics = by_task[(model, task)]["metrics"]
            assert set(metrics) == {"accuracy", "balanced_accuracy", "macro_f1"}
            assert metrics["accuracy"]["ci_low"] <= metrics["accuracy"]["value"] <= metrics["accuracy"]["ci_high"]
            assert by_task[(model, task)]["images"] == 8
        missing = by_task[(model, "toy_missing")]
        assert missing["status"] == "skipped" and "data not found at" in missing["message"]
    assert by_task[("a", "toy_npz")]["metrics"] == by_task[("b", "toy_npz")]["metrics"]  # same seeded preset
    table = (out / "results.md").read_text()
    assert "| task | metric | n | a | b |" in table and "toy_csv" in table
    assert "skipped: data not found" in table
    assert "accuracy" in result.stdout  # the terminal table


def test_missing_data_root_is_a_status_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PANEL2PATCH_EVAL_DATA", raising=False)
    result = runner.invoke(app, ["eval", "-m", "tiny-vit", "--tasks", "pneumoniamnist", "--json"])
    assert result.exit_code == 0, result.output
    (obj,) = json_lines(result.stdout)
    assert obj["status"] == "skipped" and "data not found at" in obj["message"] and "--data-root" in obj["message"]


@pytest.mark.parametrize("args, message", [
    (["-m", "no-such-model", "--tasks", "zeroshot"], "unknown model"),
    (["-m", "tiny-vit", "--tasks", "nosuchtask"], "unknown task"),
    (["-m", "tiny-vit", "--tasks", "retrieval"], "needs --run"),
    (["--tasks", "zeroshot"], "at least one --model"),
])
def test_clear_errors(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["eval", *args], env={"COLUMNS": "200"})
    assert result.exit_code != 0
    assert message in result.output


def test_help_explains() -> None:
    result = runner.invoke(app, ["eval", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    for needle in ("--model", "--run", "--tasks", "--json", "--out", "--data-root", "--split", "Recall@1",
                   "CKPT", "ARCH:PRETRAINED", "bootstrap"):
        assert needle in result.output, needle
    listed = runner.invoke(app, ["eval", "--list-tasks"])
    assert "pneumoniamnist" in listed.output and "medpix_ct_mr" in listed.output
    split_help = runner.invoke(app, ["split", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert "--fractions" in split_help.output and "splits.json" in split_help.output
