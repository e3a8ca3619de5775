"""Real figures from ../shared/data (skipped when the folder is absent)."""

from __future__ import annotations

import pytest

from panel2patch.images import decode_image_file
from panel2patch.markers import find_markers, parse_markers

pytestmark = pytest.mark.shared_data

SODA = "figures/soda_mmqc/10.1038_{}/content/{}/content/{}"


def test_coloured_arrowheads_on_a_tomogram(shared_data):
    image = decode_image_file(shared_data / SODA.format("s44319-025-00415-7", 2, "44319_2025_415_fig2_html.png"))
    found = find_markers(image, [(1435, 1610, 2115, 2270)])  # panel F
    colours = {m.color for m in found if m.type == "arrowhead"}
    assert {"cyan", "green", "orange", "yellow"} <= colours


def test_white_arrows_linked_to_their_caption(shared_data):
    folder = shared_data / SODA.format("s44321-025-00219-1", 1, "")
    image = decode_image_file(folder / "44321_2025_219_fig1_html.png")
    caption = (folder / "caption.txt").read_text()
    markers, regions = parse_markers(image, [(290, 2370, 1300, 2750)], caption)  # panel C, unlabelled here
    arrows = [r for r, m in zip(regions, markers) if m.type == "arrow" and m.color == "white"]
    assert arrows and all("bulging" in (r.text or "") for r in arrows)


def test_zoom_boxes_on_histology(shared_data):
    image = decode_image_file(shared_data / SODA.format("s44319-025-00438-0", 1, "44319_2025_438_fig1_html.png"))
    found = find_markers(image, [(1060, 1582, 1765, 2120)])  # panel P
    assert sum(1 for m in found if m.type == "box" and m.color == "purple") == 2


def test_plots_and_tables_get_no_markers(shared_data):
    image = decode_image_file(shared_data / SODA.format("s44318-025-00412-5", 1, "44318_2025_412_fig1_html.png"))
    panels = [(0, 0, 590, 560), (1585, 0, 2113, 560), (745, 595, 1310, 1100), (1450, 1210, 2113, 1700)]  # A C E I
    assert find_markers(image, panels) == []
