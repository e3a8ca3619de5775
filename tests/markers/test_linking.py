"""link_markers / parse_markers: caption phrases onto detected markers (You et al. rules)."""

from __future__ import annotations

from panel2patch.captions import parse_caption
from panel2patch.markers import Marker, Region, link_markers, parse_markers, region_box
from tests.markers.conftest import drawing, textured_panel

PANEL_A = (0, 0, 400, 300)
PANEL_B = (400, 0, 800, 300)
PANEL_C = (0, 300, 400, 600)


def _marker(kind: str, color: str | None, panel: int, bbox, tip=None, direction=None, style="filled",
            interior=None) -> Marker:
    boxes = [PANEL_A, PANEL_B, PANEL_C]
    return Marker(kind, bbox, tip, color, panel, 0.9, direction, style, interior, boxes[panel])


def test_white_arrowheads_get_their_phrase():
    caption = "(A) Liver section. White arrowheads indicate apoptotic nuclei. (B) Control."
    markers = [_marker("arrowhead", "white", 0, (100, 100, 120, 118), (119, 109), (1.0, 0.0)),
               _marker("arrowhead", "white", 0, (200, 50, 220, 68), (219, 59), (1.0, 0.0))]
    regions = link_markers(markers, parse_caption(caption, ["A", "B"]), ["A", "B"])
    assert [r.text for r in regions] == ["apoptotic nuclei", "apoptotic nuclei"]
    assert regions[0].texts == ["apoptotic nuclei", "White arrowheads indicate apoptotic nuclei."] or \
        regions[0].texts[0] == "apoptotic nuclei"
    assert [r.marker for r in regions] == [0, 1] and all(r.panel == 0 for r in regions)


def test_colour_decides_between_phrases():
    caption = "White arrows mark blood vessels; yellow arrows mark nerve fibres."
    markers = [_marker("arrow", "yellow", 0, (10, 10, 60, 30), (58, 20), (1.0, 0.0)),
               _marker("arrow", "white", 0, (100, 10, 150, 30), (148, 20), (1.0, 0.0))]
    regions = link_markers(markers, parse_caption(caption), [None])
    assert [r.text for r in regions] == ["nerve fibres", "blood vessels"]


def test_phrase_applies_only_to_the_panels_it_names():
    caption = "(A) Control. (B) Treated; arrowheads show fibrosis."
    markers = [_marker("arrowhead", "black", 0, (10, 10, 30, 30), (29, 20), (1.0, 0.0)),
               _marker("arrowhead", "black", 1, (410, 10, 430, 30), (429, 20), (1.0, 0.0))]
    regions = link_markers(markers, parse_caption(caption, ["A", "B"]), ["A", "B"])
    assert regions[0].text is None and regions[0].texts == []
    assert regions[1].text == "fibrosis"


def test_sibling_type_when_the_caption_says_arrows_for_arrowheads():
    parse = parse_caption("Arrows indicate the lesion.")
    marker = _marker("arrowhead", "red", 0, (50, 50, 70, 70), (69, 60), (1.0, 0.0))
    assert link_markers([marker], parse, [None])[0].text == parse.marker_phrases[0].phrase


def test_asterisk_and_unmatched_markers():
    parse = parse_caption("Asterisks mark the lumen.")
    markers = [_marker("asterisk", "white", 0, (190, 140, 210, 160)),
               _marker("circle", "green", 0, (20, 20, 120, 100), interior=(22, 22, 118, 98), style="line")]
    regions = link_markers(markers, parse, [None])
    assert regions[0].text == parse.marker_phrases[0].phrase and "lumen" in regions[0].text
    x0, y0, x1, y1 = regions[0].bbox
    assert x0 < 200 < x1 and y0 < 150 < y1  # centred on the asterisk
    assert regions[1].text is None and regions[1].bbox == (22, 22, 118, 98)  # the circle's interior


def test_boxed_area_links_to_the_magnified_panel():
    caption = "(A) Low power view; the boxed area is magnified in C. (B) Control. (C) Detail."
    box = _marker("box", "white", 0, (100, 100, 200, 180), interior=(102, 102, 198, 178), style="line")
    region = link_markers([box], parse_caption(caption, ["A", "B", "C"]), ["A", "B", "C"])[0]
    assert region.links_to_panel == 2 and region.bbox == (102, 102, 198, 178)
    assert region.to_dict()["links_to_panel"] == 2


def test_region_is_ahead_of_the_tip_and_inside_the_panel():
    arrow = _marker("arrow", "white", 1, (700, 20, 790, 40), (789, 30), (1.0, 0.0))
    box = region_box(arrow, PANEL_B)
    assert PANEL_B[0] <= box[0] < box[2] <= PANEL_B[2] and PANEL_B[1] <= box[1] < box[3] <= PANEL_B[3]
    assert box[2] == PANEL_B[2]  # clipped at the panel edge it points to
    left = _marker("arrowhead", "white", 0, (200, 140, 220, 160), (200, 150), (-1.0, 0.0))
    x0, _y0, x1, _y1 = region_box(left, PANEL_A)
    assert x1 <= 215 and x0 < 200  # the structure lies beyond the tip, to the left


def test_region_dict_shape():
    region = Region((1, 2, 30, 40), 0, 3, "x", ["x", "clause"])
    assert region.to_dict() == {"bbox": [1, 2, 30, 40], "panel": 0, "marker": 3, "text": "x", "texts": ["x", "clause"]}


def test_no_caption_keeps_regions_without_text():
    markers = [_marker("arrowhead", "white", 0, (100, 100, 120, 118), (119, 109), (1.0, 0.0))]
    assert link_markers(markers, None, ["A"])[0].text is None
    assert link_markers([], parse_caption("Arrows: cells."), []) == []


def test_parse_markers_end_to_end():
    canvas = drawing.Canvas(textured_panel(seed=5))
    drawing.arrowhead(canvas, (150.0, 120.0), 0.0, 24, "white")
    drawing.arrowhead(canvas, (260.0, 220.0), 3.1, 24, "white")
    image = canvas.finish()
    markers, regions = parse_markers(image, [(0, 0, image.width, image.height)],
                                     "White arrowheads indicate apoptotic nuclei.")
    assert len(markers) == 2 and {m.type for m in markers} == {"arrowhead"}
    assert [r.text for r in regions] == ["apoptotic nuclei"] * 2
    assert parse_markers(image, [], None)[1][0].text is None  # no layout: one panel, no caption


def test_parse_markers_takes_a_layout_and_renders():
    from panel2patch.layout import Panel, PanelLayout
    from panel2patch.markers.render import contact_sheet, render_markers

    canvas = drawing.Canvas(textured_panel(seed=6))
    drawing.arrow(canvas, (200.0, 150.0), 0.4, 60, "yellow", style="block")
    image = canvas.finish()
    layout = PanelLayout(image.width, image.height, [Panel((0, 0, image.width, image.height), "A")])
    markers, regions = parse_markers(image, layout, "(A) Yellow arrows point to the soma.")
    assert [m.type for m in markers] == ["arrow"] and regions[0].text
    drawn = render_markers(image, markers, regions)
    assert drawn.size == image.size
    assert contact_sheet([(image, markers[0], regions[0], "x.png")]).width > 0


def test_dashed_circles_take_the_dashed_phrase_and_plain_circles_the_plain_one():
    caption = "White dashed circles mark dislocations; white circles mark precipitates."
    markers = [_marker("circle", "white", 0, (20, 20, 80, 80), interior=(22, 22, 78, 78), style="line"),
               _marker("circle", "white", 0, (120, 20, 180, 80), interior=(123, 23, 177, 77), style="dashed")]
    regions = link_markers(markers, parse_caption(caption), [None])
    assert [r.text for r in regions] == ["precipitates", "dislocations"]
    assert regions[1].bbox == (123, 23, 177, 77)  # the dashed circle's interior


def test_dotted_circles_dashed_lines_and_circled_areas_name_dashed_circles():
    dashed = _marker("circle", "yellow", 0, (120, 20, 180, 80), interior=(123, 23, 177, 77), style="dashed")
    box = _marker("box", "yellow", 0, (220, 20, 280, 80), interior=(222, 22, 278, 78), style="line")
    for caption, text in (("Dotted circles indicate nuclei; boxes are enlarged in (B).", "nuclei"),
                          ("Dashed lines outline the tumour; boxes are enlarged in (B).", "tumour"),
                          ("Circled areas show defects.", "Circled areas")):
        region = link_markers([dashed, box], parse_caption(caption), [None])[0]
        assert region.text == text, (caption, region.text)
