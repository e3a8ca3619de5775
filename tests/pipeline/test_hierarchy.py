"""Joining panels to sub-captions when the image shows no readable labels."""

from __future__ import annotations

from panel2patch.captions.parse import parse_caption
from panel2patch.layout import Panel, PanelLayout
from panel2patch.pipeline.hierarchy import assign_panel_texts


def _grid(count: int) -> PanelLayout:
    panels = [Panel((100 * (i % 4), 100 * (i // 4), 100 * (i % 4) + 90, 100 * (i // 4) + 90), score=0.5) for i in range(count)]
    return PanelLayout(400, 200, panels, compound=True)


def test_grouped_subcaptions_name_panels_in_reading_order() -> None:
    caption = parse_caption(
        "Imaging of the knee. (A and E) CT before surgery. (B, F) MR after surgery. "
        "(C, G) Ultrasound. (D, H) PET."
    )
    texts, how = assign_panel_texts(_grid(8), caption)
    assert how == "reading_order"
    assert [t.label for t in texts] == list("ABCDEFGH")
    assert "CT before surgery" in texts[0].text and "CT before surgery" in texts[4].text
    assert "PET" in texts[7].text and texts[7].text.startswith("Imaging of the knee")


def test_counts_that_do_not_agree_give_no_text() -> None:
    caption = parse_caption("Title. (A) one. (B) two. (C) three.")
    texts, how = assign_panel_texts(_grid(4), caption)
    assert how == "unmatched" and all(t.text is None for t in texts)
    texts, how = assign_panel_texts(_grid(3), parse_caption("Title. (A) one. (C) three. (D) four."))
    assert how == "unmatched"  # a gap in the caption's letters: no guessing
