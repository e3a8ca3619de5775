"""Caption-guided search: the marker a caption names, on a panel the detector does not search."""

from __future__ import annotations

import io
import math

import pytest
from PIL import Image, ImageDraw

from panel2patch.captions import parse_caption
from panel2patch.captions.records import MarkerPhrase
from panel2patch.images import decode_image_file
from panel2patch.images.fonts import drawing_font
from panel2patch.markers import find_markers, find_named_markers, parse_markers

RED_BOX = MarkerPhrase("box", "red", "the single nucleotide", "The red box indicates the single nucleotide.", ("b",))


def _jpeg(image: Image.Image, quality: int = 70) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _sequence_panels(boxed: tuple[int, ...] = (7,)) -> Image.Image:
    """Two stacked panels of coloured base letters (a sequencing read, a diagram), with thin
    red boxes drawn around the letters at ``boxed`` of the second one."""
    font = drawing_font(22)
    image = Image.new("RGB", (560, 240), "white")
    draw = ImageDraw.Draw(image)
    colours = {"A": (40, 160, 60), "C": (40, 90, 200), "G": (20, 20, 20), "T": (220, 30, 30)}
    for top in (30, 150):
        for i, base in enumerate("TCTGATAATGACCTGCAGCA"):
            draw.text((20 + 26 * i, top), base, fill=colours[base], font=font)
        draw.line((20, top + 60, 540, top + 40), fill=(30, 30, 200), width=2)  # a trace
    for i in boxed:
        x = 20 + 26 * i
        draw.rectangle((x - 4, 146, x + 20, 178), outline=(230, 40, 40), width=2)
    return _jpeg(image)


PANELS = [(0, 0, 560, 120), (0, 120, 560, 240)]


def test_a_named_red_box_is_found_on_a_diagram_panel():
    image = _sequence_panels()
    assert find_markers(image, PANELS) == []  # a diagram: the detector does not search it
    found = find_named_markers(image, PANELS, ["a", "b"], [RED_BOX], [])
    assert [(m.type, m.color, m.panel) for m in found] == [("box", "red", 1)]
    x0, y0, x1, y1 = found[0].bbox
    assert abs(x0 - (20 + 26 * 7 - 4)) <= 3 and abs(y0 - 146) <= 3 and abs(x1 - (20 + 26 * 7 + 21)) <= 3


def test_only_the_named_panel_is_searched():
    image = _sequence_panels()
    elsewhere = MarkerPhrase("box", "red", "x", "The red box marks x.", ("a",))
    assert find_named_markers(image, PANELS, ["a", "b"], [elsewhere], []) == []


def test_a_series_of_red_boxes_is_plot_symbols_not_a_marked_place():
    image = _sequence_panels(boxed=(1, 4, 7, 10, 13, 16))
    assert find_named_markers(image, PANELS, ["a", "b"], [RED_BOX], []) == []


def test_black_outlines_and_asterisks_are_never_searched():
    image = _sequence_panels()
    phrases = [MarkerPhrase("box", "black", "x", "Black boxes show x.", ("b",)),
               MarkerPhrase("box", None, "x", "Boxes show x.", ("b",)),
               MarkerPhrase("asterisk", "red", "x", "Red asterisks show x.", ("b",))]
    assert find_named_markers(image, PANELS, ["a", "b"], phrases, []) == []


def test_nothing_is_added_where_the_detector_found_the_marker():
    image = _sequence_panels()
    first = find_named_markers(image, PANELS, ["a", "b"], [RED_BOX], [])
    assert find_named_markers(image, PANELS, ["a", "b"], [RED_BOX], first) == []


def test_a_star_on_a_line_of_a_map_is_found_for_a_one_panel_figure():
    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.line((60, 20, 220, 290), fill="black", width=2)  # a ridge line through the star
    cx, cy, outer, inner = 150, 170, 13, 5.5
    points = [(cx + (outer if k % 2 == 0 else inner) * math.sin(k * math.pi / 5),
               cy - (outer if k % 2 == 0 else inner) * math.cos(k * math.pi / 5)) for k in range(10)]
    draw.polygon(points, fill="black")
    draw.text((175, 150), "MEF", fill="black", font=drawing_font(16))
    star = MarkerPhrase("star", None, "location of the vent field", "The vent field is marked with a star.", ())
    found = find_named_markers(_jpeg(image, 85), [(0, 0, 400, 300)], [None], [star], [])
    assert [(m.type, m.color) for m in found] == [("star", "black")]
    x0, y0, x1, y1 = found[0].bbox
    assert x0 <= cx <= x1 and y0 <= cy <= y1
    # A figure of several panels: a phrase naming none is too vague to search for.
    assert find_named_markers(image, [(0, 0, 200, 300), (200, 0, 400, 300)], [None, None], [star], []) == []


def test_parse_markers_links_the_guided_box_to_its_phrase():
    caption = "(a) Guide sequence. (b) Sequencing read. The red box indicates the single nucleotide replaced."
    markers, regions = parse_markers(_sequence_panels(), [type("P", (), {"bbox": b, "label": l})()
                                                          for b, l in zip(PANELS, "ab", strict=True)], caption)
    assert [(m.type, m.panel) for m in markers] == [("box", 1)]
    assert regions[0].text and "nucleotide" in regions[0].text


@pytest.mark.shared_data
def test_red_boxes_on_a_real_sequencing_figure(shared_data):
    folder = shared_data / "articles" / "stencila_jats" / "elife-46472-v3"
    image = decode_image_file(folder / "fig8.jpg")
    caption = ("(b) The red box indicates the single nucleotide targeted for replacement during the CRISPR-Cas9 "
               "process. (c) The nucleotide that was successfully inserted during the CRISPR-Cas9 procedure is "
               "indicated by a red square.")
    parse = parse_caption(caption, ["a", "b", "c", "d"])
    panels = [(2, 6, 596, 410), (4, 428, 562, 728), (2, 779, 572, 1079), (2, 1157, 517, 1463)]
    found = find_named_markers(image, panels, ["a", "b", "c", "d"], parse.marker_phrases, [])
    assert sorted((m.type, m.color, m.panel) for m in found) == [("box", "red", 1), ("box", "red", 2)]
    assert all(max(m.bbox[2] - m.bbox[0], m.bbox[3] - m.bbox[1]) < 40 for m in found)  # one letter, boxed
