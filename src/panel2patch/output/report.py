"""A human-readable ``report.md`` for a run: totals, statuses, and examples of each failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from panel2patch import naming
from panel2patch.output.atomic import write_bytes_atomic

EXAMPLES_PER_STATUS = 5


def _table(title: str, counts: dict[str, int]) -> list[str]:
    lines = [f"| {title} | count |", "|---|---|"]
    lines += [f"| {name} | {count} |" for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return lines + [""]


def failure_examples(out_dir: Path) -> dict[str, list[dict[str, Any]]]:
    examples: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((out_dir / naming.SHARD_DIR).glob("*.parquet")):
        table = pq.read_table(path, columns=["item", "package", "fig_id", "status", "error"])
        for row in table.to_pylist():
            if row["status"] != "ok":
                bucket = examples.setdefault(f"{row['item']}:{row['status']}", [])
                if len(bucket) < EXAMPLES_PER_STATUS:
                    bucket.append(row)
    return examples


def write_report(out_dir: Path, totals: dict[str, Any]) -> None:
    lines = [
        f"# panel2patch run report: `{out_dir}`",
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
    examples = failure_examples(out_dir)
    if examples:
        lines += ["## Examples of each non-ok status", ""]
        for status, rows in sorted(examples.items()):
            lines.append(f"### {status}")
            for row in rows:
                where = Path(row["package"]).name + (f" / {row['fig_id']}" if row["fig_id"] else "")
                lines.append(f"- `{where}`: {row['error']}")
            lines.append("")
    write_bytes_atomic(out_dir / "report.md", "\n".join(lines).encode("utf-8"))
