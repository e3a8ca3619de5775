"""A human-readable ``report.md`` for a run: totals, statuses, and examples of each failure."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from panel2patch import naming
from panel2patch.output.storage import RunStorage

EXAMPLES_PER_STATUS = 5


def _table(title: str, counts: dict[str, int]) -> list[str]:
    lines = [f"| {title} | count |", "|---|---|"]
    lines += [f"| {name} | {count} |" for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return lines + [""]


def failure_examples(storage: RunStorage) -> dict[str, list[dict[str, Any]]]:
    examples: dict[str, list[dict[str, Any]]] = {}
    for name in storage.list(naming.SHARD_DIR):
        if not name.endswith(".parquet"):
            continue
        data = io.BytesIO(storage.read_bytes(f"{naming.SHARD_DIR}/{name}"))
        table = pq.read_table(data, columns=["item", "package", "fig_id", "status", "error"])
        for row in table.to_pylist():
            if row["status"] != "ok":
                bucket = examples.setdefault(f"{row['item']}:{row['status']}", [])
                if len(bucket) < EXAMPLES_PER_STATUS:
                    bucket.append(row)
    return examples


def _stage_table(totals: dict[str, Any]) -> list[str]:
    """Where the workers' time went, per stage, and per sample written."""
    stages = totals.get("seconds_by_stage") or {}
    total = totals.get("seconds") or 0.0
    if not total:
        return []
    samples = max(totals.get("samples", 0), 1)
    rows = dict(stages)
    rows["other (not timed by a stage)"] = max(total - sum(stages.values()), 0.0)
    lines = ["| stage | worker seconds | ms per sample | share |", "|---|---|---|---|"]
    for stage, seconds in sorted(rows.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {stage} | {seconds:.1f} | {1000 * seconds / samples:.1f} | {seconds / total:.0%} |")
    return lines + [""]


def write_report(storage: RunStorage, totals: dict[str, Any]) -> None:
    lines = [
        f"# panel2patch run report: `{storage.location}`",
        "",
        f"- packages found: **{totals['packages']}**, distinct articles: **{totals['articles']}**",
        f"- figures seen: **{totals['figures']}**, written as samples: **{totals['figures_ok']}**",
        f"- tables given as images: **{totals.get('tables', 0)}**, written as samples: **{totals.get('tables_ok', 0)}**",
        f"- samples in the shards: **{totals.get('samples', 0)}**",
        f"- failed shards: **{len(totals.get('failed_shards', {}))}**",
        "",
    ]
    lines += _table("article status", totals["articles_by_status"])
    lines += _table("package format", totals["packages_by_format"])
    lines += _table("license group", totals["articles_by_license_group"])
    lines += _table("figure status", totals["figures_by_status"])
    if totals.get("tables_by_status"):
        lines += _table("table (as image) status", totals["tables_by_status"])
    if totals.get("image_files_by_status"):
        lines += _table("image file not named by the XML", totals["image_files_by_status"])
    timing = _stage_table(totals)
    if timing:
        lines += ["## Worker time by stage", ""] + timing
    examples = failure_examples(storage)
    if examples:
        lines += ["## Examples of each non-ok status", ""]
        for status, rows in sorted(examples.items()):
            lines.append(f"### {status}")
            for row in rows:
                where = Path(row["package"]).name + (f" / {row['fig_id']}" if row["fig_id"] else "")
                lines.append(f"- `{where}`: {row['error']}")
            lines.append("")
    storage.write_bytes("report.md", "\n".join(lines).encode("utf-8"))
