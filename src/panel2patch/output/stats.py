"""Summable per-shard counters. Every drop is a counted, named reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from panel2patch.pipeline.results import IndexRow


def shard_stats(rows: Iterable[IndexRow], n_samples: int) -> dict[str, Any]:
    """Counters of one shard: articles by status/format/license, every other item kind by status."""
    articles: Counter[str] = Counter()
    formats: Counter[str] = Counter()
    licenses: Counter[str] = Counter()
    items: dict[str, Counter[str]] = {"figure": Counter(), "table": Counter(), "image_file": Counter()}
    for row in rows:
        if row.item == "article":
            articles[str(row.status)] += 1
            formats[row.package_format] += 1
            if row.license_group:
                licenses[row.license_group] += 1
        else:
            items.setdefault(row.item, Counter())[str(row.status)] += 1
    stats: dict[str, Any] = {
        "packages": sum(articles.values()),
        "articles_by_status": dict(sorted(articles.items())),
        "packages_by_format": dict(sorted(formats.items())),
        "articles_by_license_group": dict(sorted(licenses.items())),
        "samples": n_samples,
    }
    for item, counts in items.items():
        stats[f"{item}s"] = sum(counts.values())
        stats[f"{item}s_by_status"] = dict(sorted(counts.items()))
    return stats


def merge_stats(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Add up nested counters of any number of shards (same shape as one shard)."""
    total: dict[str, Any] = {}
    for part in parts:
        _add_into(total, part)
    return total


def _add_into(total: dict[str, Any], part: dict[str, Any]) -> None:
    for name, value in part.items():
        if isinstance(value, dict):
            _add_into(total.setdefault(name, {}), value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            total[name] = total.get(name, 0) + value


def summarize(stats: dict[str, Any]) -> dict[str, Any]:
    """Headline totals: articles, figures ok, figures per status."""
    articles = stats.get("articles_by_status", {})
    duplicates = articles.get("duplicate_package", 0)
    return {
        "packages": stats.get("packages", 0),
        "articles": stats.get("packages", 0) - duplicates,
        "articles_by_status": articles,
        "packages_by_format": stats.get("packages_by_format", {}),
        "articles_by_license_group": stats.get("articles_by_license_group", {}),
        "figures": stats.get("figures", 0),
        "figures_ok": stats.get("figures_by_status", {}).get("ok", 0),
        "figures_by_status": stats.get("figures_by_status", {}),
        "tables": stats.get("tables", 0),
        "tables_ok": stats.get("tables_by_status", {}).get("ok", 0),
        "tables_by_status": stats.get("tables_by_status", {}),
        "image_files_by_status": stats.get("image_files_by_status", {}),
        "samples": stats.get("samples", 0),
        # processing time summed over shards (CPU-seconds of workers, not wall time of the run)
        "seconds": round(stats.get("seconds", 0.0), 3),
        "seconds_by_stage": {k: round(v, 3) for k, v in sorted(stats.get("seconds_by_stage", {}).items())},
    }
