"""What processing one package produces: samples to write and index rows to record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class IndexRow:
    """One row of a shard's Parquet index: an article or one figure graphic."""

    item: str  # "article" | "figure" | "table"
    package: str
    package_format: str
    status: str
    error: str | None = None
    article_id: str | None = None
    key: str | None = None  # sample key, set when a sample was written
    fig_id: str | None = None
    fig_label: str | None = None
    graphic_href: str | None = None
    member: str | None = None  # file inside the package that held the image
    width: int | None = None
    height: int | None = None
    caption_chars: int | None = None
    n_figures: int | None = None
    pmcid: str | None = None
    doi: str | None = None
    license_code: str | None = None
    license_group: str | None = None
    pubmed: str | None = None  # "enriched" / "not_found" when PubMed enrichment was asked for


@dataclass
class FigureSample:
    """One WebDataset sample: the figure image, its caption, and its JSON."""

    key: str
    jpeg: bytes
    caption: str
    meta: dict[str, Any]


@dataclass
class ArticleResult:
    samples: list[FigureSample] = field(default_factory=list)
    rows: list[IndexRow] = field(default_factory=list)
