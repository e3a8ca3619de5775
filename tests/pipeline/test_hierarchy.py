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


def _layout(*boxes: tuple[int, int, int, int]) -> PanelLayout:
    return PanelLayout(max(b[2] for b in boxes), max(b[3] for b in boxes),
                       [Panel(b, score=0.5) for b in boxes], compound=True)


def test_left_and_right_subcaptions_go_to_the_panels_on_each_side() -> None:
    # PLoS ONE 0001908 g003 style: two side-by-side plots, the caption says which is which
    caption = parse_caption("Dose response of the two strains. (Left) Wild type at 37 \u00b0C. (Right) Mutant at 30 \u00b0C.")
    texts, how = assign_panel_texts(_layout((0, 0, 300, 250), (320, 0, 620, 250)), caption)
    assert how == "position"
    assert [t.label for t in texts] == ["left", "right"]
    assert "Wild type" in texts[0].text and "Mutant" in texts[1].text
    assert texts[1].text.startswith("Dose response")


def test_an_area_named_by_place_gives_its_text_to_every_panel_in_it() -> None:
    caption = parse_caption("Epigenetic inheritance. Top: the enzymes that set the mark. Bottom: mutant parents and offspring.")
    boxes = ((200, 0, 400, 150), (0, 200, 180, 400), (220, 200, 400, 400), (420, 200, 600, 400))
    texts, how = assign_panel_texts(_layout(*boxes), caption)
    assert how == "position"
    assert [t.label for t in texts] == ["top", "bottom", "bottom", "bottom"]


def test_a_panel_across_two_named_areas_gets_no_text() -> None:
    caption = parse_caption("Title. (Left) first condition. (Right) second condition.")
    # a wide panel under both: it lies in neither half
    boxes = ((0, 0, 290, 200), (310, 0, 600, 200), (0, 220, 600, 400))
    texts, how = assign_panel_texts(_layout(*boxes), caption)
    assert how == "position" and [t.label for t in texts] == ["left", "right", None]
    assert texts[2].text is None


def test_rows_named_by_ordinal() -> None:
    caption = parse_caption("Title. First row: controls. Second row: treated cells.")
    boxes = ((0, 0, 100, 90), (110, 5, 210, 95), (0, 120, 100, 210), (110, 118, 210, 212))
    texts, how = assign_panel_texts(_layout(*boxes), caption)
    assert how == "position" and [t.label for t in texts] == ["row 1", "row 1", "row 2", "row 2"]
    assert "treated" in texts[3].text
