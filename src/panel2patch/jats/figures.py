"""Every ``<fig>`` of an article as a ``FigureRecord``, in document order.

Figures are found anywhere (body, back, appendices, ``<floats-group>``, ``<fig-group>``,
sub-articles). In a ``<fig-group>`` (eLife figure supplements) the first figure is the parent
of the others.
"""

from __future__ import annotations

from lxml import etree

from panel2patch.jats.license import XLINK_HREF
from panel2patch.jats.text import flatten, local_name
from panel2patch.records import FigureRecord


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return element.find("{*}" + name)


def figure_graphics(fig: etree._Element) -> list[str]:
    """``xlink:href`` of the figure's own images.

    Only ``<graphic>`` children of the ``<fig>`` count, plus the first ``<graphic>`` of an
    ``<alternatives>`` child (the others are renditions of the same picture). Graphics of
    formulas in the caption, of nested figures and of ``<inline-graphic>`` are not the figure.
    """
    hrefs: list[str] = []
    for child in fig:
        if not isinstance(child.tag, str):
            continue
        name = local_name(child.tag)
        if name == "graphic":
            graphics = [child]
        elif name == "alternatives":
            graphics = child.findall("{*}graphic")[:1]
        else:
            continue
        hrefs.extend(graphic.get(XLINK_HREF, "").strip() for graphic in graphics if graphic.get(XLINK_HREF))
    return hrefs


def _inside_list_item(element: etree._Element, stop: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if isinstance(parent.tag, str) and local_name(parent.tag) == "list-item":
            return True
        parent = parent.getparent()
    return False


def caption_list_items(caption: etree._Element) -> list[str]:
    """Flattened outermost ``<list-item>``s of a caption (panel descriptions), labels kept."""
    items: list[str] = []
    for item in caption.iter("{*}list-item"):
        if not _inside_list_item(item, caption):
            text = flatten(item)
            if text:
                items.append(text)
    return items


def _fig_group_parent(fig: etree._Element) -> etree._Element | None:
    parent = fig.getparent()
    if parent is None or not isinstance(parent.tag, str) or local_name(parent.tag) != "fig-group":
        return None
    first = parent.find("{*}fig")
    return first if first is not None and first is not fig else None


def parse_figures(root: etree._Element) -> tuple[list[FigureRecord], dict[str, str]]:
    """(figures in document order, id -> fig_id) where ids include ``<fig-group>`` ids.

    A ``<fig-group>`` id maps to its first figure so that an ``<xref rid>`` pointing at the
    group lands somewhere sensible.
    """
    figures: list[FigureRecord] = []
    fig_ids: dict[etree._Element, str] = {}
    id_map: dict[str, str] = {}
    for position, fig in enumerate(root.iter("{*}fig"), start=1):
        fig_id = (fig.get("id") or "").strip() or f"F{position}"
        fig_ids[fig] = fig_id
        id_map.setdefault(fig_id, fig_id)
        label = flatten(_child(fig, "label")) or None
        caption = _child(fig, "caption")
        parent = _fig_group_parent(fig)
        figures.append(
            FigureRecord(
                fig_id=fig_id,
                label=label,
                title=flatten(_child(caption, "title")) if caption is not None else "",
                caption=flatten(caption) if caption is not None else "",
                caption_list_items=caption_list_items(caption) if caption is not None else [],
                graphics=figure_graphics(fig),
                parent_fig_id=fig_ids.get(parent) if parent is not None else None,
                position=position,
            )
        )
    for group in root.iter("{*}fig-group"):
        first = group.find("{*}fig")
        if group.get("id") and first is not None and first in fig_ids:
            id_map.setdefault(group.get("id", ""), fig_ids[first])
    return figures, id_map
