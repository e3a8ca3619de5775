"""Typed records that flow between stages. Converted to shard dicts only by the writer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class License:
    """An article license normalised to a Creative Commons code where possible.

    ``code`` is one of "CC0", "CC BY", "CC BY-SA", "CC BY-ND", "CC BY-NC", "CC BY-NC-SA",
    "CC BY-NC-ND", "PD" (public domain mark / US government work) or None when unknown.
    ``group`` is BIOMEDICA's split: "commercial" (CC0, CC BY, CC BY-SA, CC BY-ND),
    "noncommercial" (CC BY-NC*), "other" (everything else, unknown included).
    """

    code: str | None = None
    version: str | None = None
    url: str | None = None
    statement: str | None = None
    group: str = "other"


@dataclass
class ArticleMeta:
    """Article-level metadata (BIOMEDICA's article fields). MeSH is filled by enrichment later."""

    pmcid: str | None = None
    pmid: str | None = None
    doi: str | None = None
    publisher_id: str | None = None
    title: str = ""
    journal: str = ""
    pub_date: str | None = None  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    article_type: str | None = None
    license: License = field(default_factory=License)
    keywords: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    abstract: str = ""
    authors: list[str] = field(default_factory=list)  # "Given Surname" / collab names
    mesh_terms: list[str] = field(default_factory=list)
    reference_pmids: list[str] = field(default_factory=list)
    full_text: str = ""


@dataclass(frozen=True)
class FigureMention:
    """One inline reference to a figure in the body text ("... (Fig. 2B-D)")."""

    sentence: str  # the whole sentence that holds the <xref>
    panels: tuple[str, ...] = ()  # panel letters named for this figure, () = whole figure
    xref_text: str = ""  # the text inside the <xref> element


@dataclass
class FigureRecord:
    """A <fig> as parsed from the XML, before its image is resolved."""

    fig_id: str  # the <fig> @id, or "F<n>" (1-based position) when it has none
    label: str | None = None  # "Figure 2", "Figure 2—figure supplement 1"
    title: str = ""  # <caption><title>
    caption: str = ""  # full caption text (title + paragraphs), spacing preserved
    caption_list_items: list[str] = field(default_factory=list)  # <list-item>s in the caption
    graphics: list[str] = field(default_factory=list)  # xlink:href of each <graphic>, in order
    mentions: list[FigureMention] = field(default_factory=list)
    parent_fig_id: str | None = None  # for figure supplements inside a <fig-group>
    position: int = 0  # 1-based order of the figure in the document
    kind: str = "figure"  # "figure" (<fig>) or "table" (a <table-wrap> given as an image)


@dataclass
class ParsedArticle:
    meta: ArticleMeta
    figures: list[FigureRecord] = field(default_factory=list)


@dataclass(frozen=True)
class DecodedImage:
    """A figure image decoded, normalised to 8-bit RGB and re-encoded for the shard."""

    jpeg: bytes
    width: int
    height: int
    source_format: str  # Pillow format of the file read ("JPEG", "TIFF", "PNG", ...)
    source_mode: str  # Pillow mode before normalisation ("CMYK", "I;16", "P", ...)


def to_dict(record: Any) -> dict[str, Any]:
    """Dataclass -> plain dict (tuples become lists) for JSON."""
    return asdict(record)
