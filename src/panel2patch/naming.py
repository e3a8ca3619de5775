"""The one place that decides sample keys and shard file names.

Keys derive from natural ids, never from counters: ``PMC1234567_F2`` for a figure,
``PMC1234567_F2_pB`` for its panel B, ``PMC1234567_F2_pB_r1`` for a region. ``_``
separates levels, so components never contain it; WebDataset splits a member name at
its first ``.``, so keys never contain dots either.
"""

from __future__ import annotations

import re

from panel2patch.records import ArticleMeta

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def safe_component(value: str) -> str:
    """``"elife.30274/fig 1"`` -> ``"elife-30274-fig-1"``: letters, digits and dashes only."""
    return _UNSAFE.sub("-", value).strip("-")


def article_id(meta: ArticleMeta, package_name: str) -> str:
    """PMCID when known, else the DOI, else the package name, made key-safe."""
    if meta.pmcid:
        return safe_component(meta.pmcid)
    if meta.doi:
        return "doi-" + safe_component(meta.doi)
    return "pkg-" + safe_component(package_name)


def figure_key(article: str, fig_id: str, graphic_index: int = 0, n_graphics: int = 1) -> str:
    key = f"{article}_{safe_component(fig_id) or 'F'}"
    return f"{key}-g{graphic_index + 1}" if n_graphics > 1 else key


def panel_key(figure: str, label: str | None, index: int) -> str:
    return f"{figure}_p{safe_component(label) if label else index + 1}"


def region_key(panel: str, index: int) -> str:
    return f"{panel}_r{index + 1}"


SHARD_DIR = "shards"
STATS_DIR = "stats"
DONE_DIR = "done"


def shard_name(index: int) -> str:
    return f"{index:06d}"


def shard_tar(index: int) -> str:
    return f"{SHARD_DIR}/{shard_name(index)}.tar"


def shard_index(index: int) -> str:
    return f"{SHARD_DIR}/{shard_name(index)}.parquet"


def shard_stats(index: int) -> str:
    return f"{STATS_DIR}/{shard_name(index)}.json"


def shard_done(index: int) -> str:
    return f"{DONE_DIR}/{shard_name(index)}.json"
