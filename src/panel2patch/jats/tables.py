"""Tables given as images: every ``<table-wrap>`` with a ``<graphic>``, as a ``FigureRecord``.

They come with ``kind="table"`` and their own 1-based ``position`` among such tables, so the
figures' records and positions are the same whether or not tables are kept downstream. A
table given only as XML (no image) is not a record: there is nothing to decode.
"""

from __future__ import annotations

from lxml import etree

from panel2patch.jats.figures import caption_list_items, figure_graphics
from panel2patch.jats.text import flatten
from panel2patch.records import FigureRecord


def parse_tables(root: etree._Element) -> list[FigureRecord]:
    """Image tables in document order (``fig_id`` is the ``@id``, else ``T<n>``)."""
    tables: list[FigureRecord] = []
    for table_wrap in root.iter("{*}table-wrap"):
        graphics = figure_graphics(table_wrap)
        if not graphics:
            continue
        position = len(tables) + 1
        caption = table_wrap.find("{*}caption")
        tables.append(
            FigureRecord(
                fig_id=(table_wrap.get("id") or "").strip() or f"T{position}",
                label=flatten(table_wrap.find("{*}label")) or None,
                title=flatten(caption.find("{*}title")) if caption is not None else "",
                caption=flatten(caption) if caption is not None else "",
                caption_list_items=caption_list_items(caption) if caption is not None else [],
                graphics=graphics,
                position=position,
                kind="table",
            )
        )
    return tables
