"""Side-by-side tables of several models' results: terminal (rich), Markdown, CSV, and a bar plot."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from rich.table import Table

from panel2patch.eval.results import Row, TaskResult, rows_of
from panel2patch.extras import require
from panel2patch.output.atomic import write_bytes_atomic


def _grid(results: Sequence[TaskResult]) -> tuple[list[str], list[tuple[str, str]], dict, dict]:
    """Models (columns), (task, metric) keys (rows), cells and the count behind each row."""
    models = list(dict.fromkeys(r.model for r in results))
    keys: list[tuple[str, str]] = []
    cells: dict[tuple[str, str, str], Row] = {}
    counts: dict[tuple[str, str], str] = {}
    for result in results:
        for row in rows_of(result):
            key = (row.task, row.metric)
            if key not in keys:
                keys.append(key)
            cells[(row.task, row.metric, result.model)] = row
            if row.count:
                counts.setdefault(key, row.count)
    return models, keys, cells, counts


def _cell(row: Row | None) -> str:
    if row is None:
        return ""
    if row.value is None:
        return row.note
    text = f"{100 * row.value:.1f}"
    if row.ci is not None:
        text += f" [{100 * row.ci[0]:.1f}, {100 * row.ci[1]:.1f}]"
    return text


def rich_table(results: Sequence[TaskResult]) -> Table:
    models, keys, cells, counts = _grid(results)
    table = Table(title="panel2patch eval (percent; zero-shot with bootstrap 95% intervals)")
    for column in ("task", "metric", "n", *models):
        table.add_column(column, overflow="fold")
    for task, metric in keys:
        table.add_row(task, metric, counts.get((task, metric), ""),
                      *(_cell(cells.get((task, metric, m))) for m in models))
    return table


def markdown_table(results: Sequence[TaskResult]) -> str:
    models, keys, cells, counts = _grid(results)
    lines = ["| task | metric | n | " + " | ".join(models) + " |", "|---|---|---|" + "---|" * len(models)]
    for task, metric in keys:
        values = [_cell(cells.get((task, metric, m))).replace("|", "/") for m in models]
        lines.append(f"| {task} | {metric} | {counts.get((task, metric), '')} | " + " | ".join(values) + " |")
    return "\n".join(lines) + "\n"


def csv_text(results: Sequence[TaskResult]) -> str:
    """Long format: one row per model, task and number."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["model", "model_source", "task", "split", "metric", "value", "ci_low", "ci_high", "n", "status",
                     "note"])
    for result in results:
        for row in rows_of(result):
            writer.writerow([result.model, result.model_source, row.task, result.split, row.metric,
                             "" if row.value is None else f"{row.value:.6f}",
                             "" if row.ci is None else f"{row.ci[0]:.6f}", "" if row.ci is None else f"{row.ci[1]:.6f}",
                             row.count, result.status, row.note])
    return out.getvalue()


PLOT_METRICS = ("accuracy", "i2t R@10", "t2i R@10")


def plot(results: Sequence[TaskResult], path: Path) -> Path | None:
    """Grouped bars: zero-shot accuracy per task (with its interval), R@10 per retrieval level, per model."""
    matplotlib = require("matplotlib", extra="report", purpose="the comparison plot")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models, keys, cells, _ = _grid(results)
    keys = [k for k in keys if any(k[1].endswith(m) for m in PLOT_METRICS)]
    if not keys:
        return None
    width = 0.8 / max(1, len(models))
    figure, axis = plt.subplots(figsize=(max(6.0, 0.9 * len(keys) * max(1, len(models)) ** 0.5 + 2), 4.5))
    for index, model in enumerate(models):
        xs, values, with_ci = [], [], []
        for position, key in enumerate(keys):
            row = cells.get((*key, model))
            x, value = position + index * width, 100 * row.value if row is not None and row.value is not None else 0.0
            xs.append(x)
            values.append(value)
            if row is not None and row.ci is not None:
                with_ci.append((x, value, value - 100 * row.ci[0], 100 * row.ci[1] - value))
        axis.bar(xs, values, width, label=model)
        if with_ci:
            x, y, low, high = zip(*with_ci)
            axis.errorbar(x, y, yerr=[low, high], fmt="none", ecolor="black", capsize=2, linewidth=1)
    axis.set_xticks([i + 0.4 - width / 2 for i in range(len(keys))])
    axis.set_xticklabels([f"{t}\n{m}" if t != "retrieval" else m for t, m in keys], rotation=30, ha="right",
                         fontsize=8)
    axis.set_ylabel("percent")
    axis.set_ylim(0, 100)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def write_reports(results: Sequence[TaskResult], out: Path) -> list[Path]:
    """``results.jsonl``, ``results.csv``, ``results.md`` and ``results.png`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("results.jsonl", "".join(json.dumps(r.to_dict()) + "\n" for r in results)),
                       ("results.csv", csv_text(results)), ("results.md", markdown_table(results))):
        write_bytes_atomic(out / name, text.encode())
        written.append(out / name)
    png = plot(results, out / "results.png")
    return written + ([png] if png else [])
