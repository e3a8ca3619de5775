"""Assemble a figure's hierarchy: panels (from the layout) joined to their text (from the caption).

Panels are joined to sub-captions by printed label; when the image shows no labels, by reading
order if the caption has exactly one labelled sub-caption per panel, or by place when the
caption names panels by place ("Left: ...", "Upper panels: ..."); otherwise not at all, and
the figure says so (``panel_text``) instead of guessing. A single-panel figure has no panel
level: its panel is the figure itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from panel2patch.captions import CaptionParse, mention_texts_by_panel, subcaption_for
from panel2patch.layout import PanelLayout
from panel2patch.layout.label_text import parse_label
from panel2patch.naming import panel_key
from panel2patch.pipeline.positions import panels_by_position
from panel2patch.records import FigureMention


@dataclass(frozen=True)
class PanelText:
    label: str | None  # the caption label the text was taken for
    subcaption: str | None
    text: str | None  # preamble + sub-caption: the panel-level training text


def assign_panel_texts(layout: PanelLayout, caption: CaptionParse) -> tuple[list[PanelText], str]:
    """One ``PanelText`` per panel and how they were matched: "label", "reading_order",
    "position" (the caption names panels by place: "Left: ...", "Upper panels: ..."),
    "single_panel", or "unmatched" (counts could not be reconciled; no text given)."""
    if len(layout.panels) < 2:
        return [], "single_panel"
    labels = layout.labels
    caption_labels = _caption_sequence(caption)
    if any(labels):
        chosen = list(labels)
        how = "label"
    elif caption_labels is not None and len(caption_labels) == len(layout.panels):
        chosen = caption_labels
        how = "reading_order"
    elif (placed := panels_by_position([p.bbox for p in layout.panels], _caption_names(caption))) is not None:
        chosen = placed
        how = "position"
    else:
        return [PanelText(None, None, None) for _ in layout.panels], "unmatched"
    texts = []
    for label in chosen:
        if label is None:
            texts.append(PanelText(None, None, None))
            continue
        own = subcaption_for(caption, label, with_preamble=False).strip()
        texts.append(PanelText(label, own or None, subcaption_for(caption, label, with_preamble=True).strip() or None))
    return texts, how


def _caption_names(caption: CaptionParse) -> list[str]:
    return [label for sub in caption.subcaptions for label in sub.labels]


def _caption_sequence(caption: CaptionParse) -> list[str] | None:
    """The caption's panel labels in sequence order when they run A, B, C... (or i, ii...,
    1, 2...) without a gap; sub-captions may name several ("(A and E)"). Else None."""
    seen = {label for sub in caption.subcaptions for label in sub.labels}
    if not seen:
        return None
    for style in ("letter", "roman", "digit"):
        index = {}
        for label in seen:
            option = next((p for p in parse_label(label) if p.style == style), None)
            if option is None:
                break
            index[option.index] = label
        else:
            if sorted(index) == list(range(len(seen))):
                return [index[i] for i in range(len(seen))]
    return None


def panel_records(
    figure_key: str,
    layout: PanelLayout,
    caption: CaptionParse,
    mentions: Sequence[FigureMention],
) -> tuple[list[dict[str, Any]], str]:
    """The ``panels`` list of a sample's JSON and the text-matching status."""
    texts, how = assign_panel_texts(layout, caption)
    by_label = mention_texts_by_panel(mentions)
    records = []
    for index, (panel, text) in enumerate(zip(layout.panels, texts, strict=False)):
        label = panel.label or text.label
        x0, y0, x1, y1 = panel.bbox
        records.append(
            {
                "key": panel_key(figure_key, label, index),
                "index": index,
                "bbox": [int(x0), int(y0), int(x1), int(y1)],
                "size": [int(x1 - x0), int(y1 - y0)],
                "label": panel.label,
                "label_bbox": list(panel.label_bbox) if panel.label_bbox else None,
                "caption_label": text.label,
                "subcaption": text.subcaption,
                "text": text.text,
                "mentions": list(by_label.get(label, [])) if label else [],
                "kind": None,
                "concepts": [],
                "score": round(float(panel.score), 4),
                "regions": [],
            }
        )
    return records, how
