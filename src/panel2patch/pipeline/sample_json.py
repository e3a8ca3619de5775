"""The ``KEY.json`` of a figure sample: article metadata, figure fields, and the hierarchy.

Field names follow BIOMEDICA's where they exist (article_*, image_*), grouped so a
loader can find the hierarchy (``panels``, each with its ``regions``) in one place.
"""

from __future__ import annotations

from typing import Any

from panel2patch.pipeline.figure_stages import FigureAnalysis
from panel2patch.records import DecodedImage, FigureRecord, ParsedArticle
from panel2patch.sources.packages import OpenedPackage

SCHEMA_VERSION = 1


def figure_sample_json(
    *,
    key: str,
    article: ParsedArticle,
    figure: FigureRecord,
    href: str,
    member: str,
    image: DecodedImage,
    image_sha256: str,
    package: OpenedPackage,
    include_full_text: bool,
    analysis: FigureAnalysis,
) -> dict[str, Any]:
    meta = article.meta
    return {
        "schema_version": SCHEMA_VERSION,
        "key": key,
        "level": "figure",
        "article": {
            "pmcid": meta.pmcid,
            "pmid": meta.pmid,
            "doi": meta.doi,
            "publisher_id": meta.publisher_id,
            "title": meta.title,
            "journal": meta.journal,
            "date": meta.pub_date,
            "article_type": meta.article_type,
            "license": {
                "code": meta.license.code,
                "version": meta.license.version,
                "url": meta.license.url,
                "statement": meta.license.statement,
                "group": meta.license.group,
            },
            "keywords": list(meta.keywords),
            "subjects": list(meta.subjects),
            "abstract": meta.abstract,
            "authors": list(meta.authors),
            "mesh_terms": list(meta.mesh_terms),
            "reference_pmids": list(meta.reference_pmids),
            "full_text": meta.full_text if include_full_text else None,
        },
        "figure": {
            "fig_id": figure.fig_id,
            "kind": figure.kind,
            "label": figure.label,
            "title": figure.title,
            "caption": figure.caption,
            "caption_list_items": list(figure.caption_list_items),
            "position": figure.position,
            "parent_fig_id": figure.parent_fig_id,
            "graphic_href": href,
            "mentions": [
                {"sentence": m.sentence, "panels": list(m.panels), "xref_text": m.xref_text}
                for m in figure.mentions
            ],
        },
        "image": {
            "width": image.width,
            "height": image.height,
            "source_format": image.source_format,
            "source_mode": image.source_mode,
            "sha256": image_sha256,
        },
        "source": {
            "package": package.ref.name,
            "package_format": package.format,
            "article_xml": package.xml_name,
            "member": member,
        },
        "layout": analysis.layout,
        "caption_parse": analysis.caption,
        "panel_text": analysis.panel_text,
        "figure_concepts": analysis.concepts,
        # the hierarchy: [] for a single-panel figure (its panel level is the figure level)
        "panels": analysis.panels,
        "markers": analysis.markers,
        "regions": analysis.regions,  # only for a single-panel figure; otherwise under its panel
    }
