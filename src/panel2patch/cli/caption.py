"""``panel2patch caption``: split captions into sub-captions, marker phrases and scale bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import typer

from panel2patch.captions import parse_caption
from panel2patch.cli.app import app


def _split_labels(labels: str | None) -> list[str] | None:
    if not labels:
        return None
    return [label.strip() for label in labels.split(",") if label.strip()]


def _line_result(line: str, default_labels: list[str] | None) -> dict[str, Any]:
    """One JSON-lines record -> its result, or {"id": ..., "error": ...}."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"invalid JSON: {exc.msg} (column {exc.colno})"}
    if not isinstance(record, dict):
        return {"id": None, "error": "expected a JSON object with 'id' and 'caption'"}
    record_id = record.get("id")
    caption = record.get("caption")
    if not isinstance(caption, str):
        return {"id": record_id, "error": "missing or non-string 'caption'"}
    labels = record.get("labels", default_labels)
    if labels is not None and not (
        isinstance(labels, list) and all(isinstance(label, str) for label in labels)
    ):
        return {"id": record_id, "error": "'labels' must be a list of strings"}
    return {"id": record_id, **parse_caption(caption, labels).to_dict()}


def _results(lines: Iterable[str], labels: list[str] | None) -> Iterator[dict[str, Any]]:
    for line in lines:
        if line.strip():
            yield _line_result(line, labels)


def _dump(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False)


@app.command("caption")
def caption_command(
    text: str | None = typer.Option(
        None, "--text", "-t",
        help="The caption to parse. Without it (and without --jsonl) the caption is read "
             "from standard input.",
    ),
    jsonl: bool = typer.Option(
        False, "--jsonl",
        help='Batch mode: read one JSON object per line, {"id": ..., "caption": ..., '
             '"labels": [...] (optional)}, and print one result per line with the same "id". '
             'A bad line prints {"id": ..., "error": ...} and the run goes on.',
    ),
    input_path: Path | None = typer.Option(
        None, "--input", "-i", exists=True, dir_okay=False, readable=True,
        help="Read the caption (or, with --jsonl, the JSON lines) from this file instead of "
             "standard input.",
    ),
    labels: str | None = typer.Option(
        None, "--labels", "-l",
        help="Comma-separated panel labels read from the image, e.g. A,B,C. A hint that "
             "settles borderline tokens; the parse works without it.",
    ),
) -> None:
    """Parse figure captions: preamble, per-panel sub-captions, marker phrases, scale bars.

    Prints one JSON object per caption with the keys preamble, subcaptions, marker_phrases
    and scale_bars.
    """
    hint = _split_labels(labels)
    if jsonl:
        if text is not None:
            raise typer.BadParameter("--text cannot be combined with --jsonl", param_hint="--text")
        if input_path is not None:
            with input_path.open(encoding="utf-8", errors="replace") as handle:
                for result in _results(handle, hint):
                    typer.echo(_dump(result))
        else:
            for result in _results(sys.stdin, hint):
                typer.echo(_dump(result))
        return
    if text is None:
        if input_path is not None:
            text = input_path.read_text(encoding="utf-8", errors="replace")
        else:
            text = sys.stdin.read()
    typer.echo(_dump(parse_caption(text, hint).to_dict()))
