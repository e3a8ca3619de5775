"""``parse_article``: JATS bytes -> ``ParsedArticle`` (metadata, figures, mentions)."""

from __future__ import annotations

from panel2patch.jats.figures import parse_figures
from panel2patch.jats.mentions import attach_mentions
from panel2patch.jats.metadata import parse_metadata
from panel2patch.jats.safe_xml import parse_xml
from panel2patch.jats.tables import parse_tables
from panel2patch.records import ParsedArticle


def parse_article(xml: bytes) -> ParsedArticle:
    """Parse one JATS article (one parse, no network, no disk).

    ``figures`` holds every ``<fig>`` in document order (``kind="figure"``), then every
    ``<table-wrap>`` given as an image (``kind="table"``). Raises ``ForbiddenXMLError`` for DTD
    entity declarations and ``XMLError`` for empty, malformed or non-``<article>`` documents;
    both carry the status to record.
    """
    root = parse_xml(xml)
    figures, id_map = parse_figures(root)
    tables = parse_tables(root)
    for table in tables:
        id_map.setdefault(table.fig_id, table.fig_id)
    records = figures + tables
    attach_mentions(root, records, id_map)
    return ParsedArticle(meta=parse_metadata(root), figures=records)
