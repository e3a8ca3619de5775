"""``panel2patch caption`` through typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from panel2patch.cli.app import app
from panel2patch.cli.caption import caption_command

runner = CliRunner()
# The command on a two-command app, so typer keeps "caption" as a sub-command whatever else
# is registered on the shared app in this process.
cli = typer.Typer()
cli.command("caption")(caption_command)
cli.command("noop")(lambda: None)


def test_caption_is_registered_on_the_shared_app() -> None:
    assert any(command.name == "caption" for command in app.registered_commands)
CAPTION = "Title. (A) H&E; arrowheads mark mitoses. (B) Ki-67. Scale bar, 20 \u00b5m."


def test_text_option_prints_the_json_shape() -> None:
    result = runner.invoke(cli, ["caption", "--text", CAPTION])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["preamble", "subcaptions", "marker_phrases", "scale_bars"]
    assert data["subcaptions"][0] == {"labels": ["A"], "text": "H&E; arrowheads mark mitoses."}
    assert data["marker_phrases"][0] == {
        "marker": "arrowhead", "color": None, "phrase": "mitoses",
        "clause": "arrowheads mark mitoses.", "labels": ["A"]}
    assert data["scale_bars"] == [{"value": 20.0, "unit": "\u00b5m", "labels": []}]


def test_caption_from_stdin_with_label_hint() -> None:
    result = runner.invoke(cli, ["caption", "--labels", "A,B"], input="Cores. A Tumour. B Normal.")
    assert result.exit_code == 0, result.output
    assert [s["labels"] for s in json.loads(result.output)["subcaptions"]] == [["A"], ["B"]]


def test_jsonl_keeps_ids_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "PMC1_F1", "caption": CAPTION}),
        "{not json",
        json.dumps({"id": 7}),
        "",
        json.dumps({"id": 8, "caption": "a Low power. b High power.", "labels": ["a", "b"]}),
        json.dumps(["a list"]),
    ]
    result = runner.invoke(cli, ["caption", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert [o["id"] for o in out] == ["PMC1_F1", None, 7, 8, None]
    assert "error" in out[1] and "error" in out[2] and "error" in out[4]
    assert [s["labels"] for s in out[3]["subcaptions"]] == [["a"], ["b"]]
    path = tmp_path / "captions.jsonl"
    path.write_text(lines[0] + "\n", encoding="utf-8")
    from_file = runner.invoke(cli, ["caption", "--jsonl", "--input", str(path)])
    assert json.loads(from_file.output)["id"] == "PMC1_F1"


def test_input_file_holds_one_caption(tmp_path: Path) -> None:
    path = tmp_path / "caption.txt"
    path.write_text(CAPTION, encoding="utf-8")
    result = runner.invoke(cli, ["caption", "--input", str(path)])
    assert json.loads(result.output)["preamble"] == "Title."


def test_help_explains_every_option() -> None:
    result = runner.invoke(cli, ["caption", "--help"])
    assert result.exit_code == 0
    for option in ("--text", "--jsonl", "--input", "--labels"):
        assert option in result.output


def test_text_and_jsonl_conflict() -> None:
    result = runner.invoke(cli, ["caption", "--jsonl", "--text", "x"])
    assert result.exit_code != 0
