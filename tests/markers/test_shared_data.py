"""Real figures from ../shared/data (skipped when the folder is absent)."""

from __future__ import annotations

import math

import pytest
from PIL import Image

from panel2patch.images import decode_image_file
from panel2patch.markers import find_markers, parse_markers
from tests.markers.conftest import drawing, jpeg

pytestmark = pytest.mark.shared_data

SODA = "figures/soda_mmqc/10.1038_{}/content/{}/content/{}"


def test_coloured_arrowheads_on_a_tomogram(shared_data):
    image = decode_image_file(shared_data / SODA.format("s44319-025-00415-7", 2, "44319_2025_415_fig2_html.png"))
    found = find_markers(image, [(1435, 1610, 2115, 2270)])  # panel F
    colours = {m.color for m in found if m.type == "arrowhead"}
    assert {"cyan", "green", "orange", "yellow"} <= colours


def test_zoom_box_drawn_as_its_corners(shared_data):
    image = decode_image_file(shared_data / SODA.format("s44319-025-00415-7", 2, "44319_2025_415_fig2_html.png"))
    found = find_markers(image, [(0, 1500, 1430, 2270)])  # panel D: four cyan corner brackets, turned ~10 degrees
    corners = [m for m in found if m.style == "corners"]
    assert len(corners) == 1 and corners[0].type == "box" and corners[0].color == "cyan"
    x0, y0, x1, y1 = corners[0].bbox
    assert abs(x0 - 897) <= 8 and abs(y0 - 1595) <= 8 and abs(x1 - 1116) <= 8 and abs(y1 - 1827) <= 8


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


def test_dark_ground_cut_off_at_a_gutter_is_no_arrowhead(shared_data):
    """Black ground of a fluorescence image, cut off at the picture's corner by a dim neurite
    (PMC2467486 g002 A, the D1R, D2R and MAP2 strips): a triangle, but of the ground's
    colour (D1R) or a sliver too sharp for an arrowhead (D2R, MAP2)."""
    image = decode_image_file(shared_data / "articles/pmc_oa_packages/PMC2467486/pone.0002804.g002.jpg")
    found = find_markers(image, [(0, 0, 322, 342)])
    corners = [m for m in found if m.color == "black" and m.bbox[1] >= 255 and m.bbox[3] <= 275]
    assert not corners, [(m.type, m.bbox) for m in corners]


def test_frames_of_corner_insets_are_no_boxes(shared_data):
    """FFT insets in the corners of HRTEM panels (EXSCLAIM s41467-018-06211-3, fig1 h and
    fig2 a) are framed in white; the frames are no zoom boxes."""
    folder = shared_data / "figures/exsclaim/images/pipeline"
    fig1 = find_markers(decode_image_file(folder / "s41467-018-06211-3_fig1.jpg"), [(232, 486, 458, 660)])
    fig2 = find_markers(decode_image_file(folder / "s41467-018-06211-3_fig2.jpg"), [(0, 0, 392, 258)])
    assert not [m for m in fig1 if m.type == "box"], [(m.type, m.bbox) for m in fig1]
    assert not [m for m in fig2 if m.type == "box"], [(m.type, m.bbox) for m in fig2]


def test_thin_white_arrows_on_wide_time_series_panels(shared_data):
    """EMBO 219 fig1: 2-px white arrows on phase-contrast frames of a 1472-px panel, which
    is analysed at about half size; all three of row A are found."""
    image = decode_image_file(shared_data / SODA.format("s44321-025-00219-1", 1, "44321_2025_219_fig1_html.png"))
    found = find_markers(image, [(0, 425, 1472, 927)])  # row A
    tips_x = sorted(m.tip[0] for m in found if m.type == "arrow" and m.color == "white")
    assert len(tips_x) == 3 and tips_x[2] > 1150, tips_x  # the third, in the 110-min frame


def test_lopsided_v_shapes_are_no_arrows(shared_data):
    """Two strokes meeting at an angle have a one-sided "head": an insect's legs and cerci
    (ZooKeys 119 g002), the purple arm limbs of pose skeletons drawn over OpenApePose's
    photographs (fig1, panels 7 and 9). (Two skeleton "arrows" elsewhere in that figure are
    still reported.)"""
    import json
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    sys.path.insert(0, str(bench / "layout"))
    from real_figures import load_figure

    kinds = json.loads((bench / "markers" / "panel_kinds.json").read_text())["figures"]
    boxes = {f["id"]: [p["bbox"] for p in f["panels"]] for f in kinds}
    insects = "articles/pmc_oa_packages/PMC3192425/ZooKeys-119-037-g002.jpg"
    apes = "articles/elife_meca/2212.00741-OpenApePose.meca.zip::2212.00741/2212.00741v1_fig1.jpg"
    for figure_id, panels in ((insects, boxes[insects]), (apes, [boxes[apes][6], boxes[apes][8]])):
        arrows = [m for m in find_markers(load_figure(figure_id), panels) if m.type == "arrow"]
        assert not arrows, (figure_id, [(m.bbox, m.color) for m in arrows])


def _hit(found, true) -> bool:
    """A marker of the drawn one's type whose box centre lies in the drawn one's box."""
    x0, y0, x1, y1 = true.bbox
    return any(m.type == true.type and x0 <= (m.bbox[0] + m.bbox[2]) / 2 <= x1
               and y0 <= (m.bbox[1] + m.bbox[3]) / 2 <= y1 for m in found)


def test_arrowhead_in_the_air_beside_a_ct_slice(shared_data):
    """A CT slice's body is several picture pieces (dark lung and air break it up); a white
    arrowhead drawn in the black air inside the slice's rectangle, beyond each piece's
    margin, is still searched."""
    slice_ = Image.open(shared_data / "classification/medpix_ct_mr/images/MPX2057_synpic50105.png").convert("RGB")
    canvas = drawing.Canvas(slice_)
    true = drawing.arrowhead(canvas, (200.0, 60.0), math.pi / 2, 20.0, "white")
    image = canvas.finish()
    found = find_markers(image, [(0, 0, image.width, image.height)])
    assert _hit(found, true), found


@pytest.mark.parametrize("width, quality", [(1.0, 80), (1.0, 89), (1.5, 80)])
def test_thin_white_box_half_on_pale_paper(shared_data, width, quality):
    """A thin white box over an insect photographed on pale paper: where it crosses the paper
    JPEG washes the line below white ink, leaving a ridge; its sides are the ink and the
    ridges together."""
    figure = shared_data / "articles/pmc_oa_packages/PMC3192425/ZooKeys-119-037-g001.jpg"
    panel = decode_image_file(figure).convert("RGB").crop((0, 0, 197, 295))
    canvas = drawing.Canvas(panel.resize((219, 300), Image.Resampling.LANCZOS))
    true = drawing.box(canvas, (68.0, 62.0, 134.0, 144.0), "white", width)
    found = find_markers(jpeg(canvas.finish(), quality), [(0, 0, 219, 300)])
    centres = [((m.bbox[0] + m.bbox[2]) / 2, (m.bbox[1] + m.bbox[3]) / 2) for m in found if m.type == "box"]
    x0, y0, x1, y1 = true.bbox
    assert any(x0 <= cx <= x1 and y0 <= cy <= y1 for cx, cy in centres), [(m.type, m.bbox) for m in found]


def test_frames_of_pictures_set_in_a_grid_are_no_boxes(shared_data):
    """Four micrographs set edge to edge in a 2 x 2 grid, parted by thin dark lines: their
    frames, seen through the ridges, abut each other, as zoom boxes never do."""
    image = decode_image_file(shared_data / SODA.format("s44321-025-00224-4", 1, "44321_2025_224_fig1_html.png"))
    found = find_markers(image, [(0, 395, 1235, 1101)])
    assert not [m for m in found if m.type == "box" and m.bbox[2] - m.bbox[0] > 300], [(m.type, m.bbox) for m in found]


def test_small_rings_round_diffraction_spots(shared_data):
    """EXSCLAIM s41467-018-06211-3 fig1 panels g and h: 6-8 px red and blue rings round the
    spots of FFT insets (the blue on the cyan / blue hue boundary) and 14 px blue rings, two
    of which touch. Every ring is a circle, the touching ones each its own."""
    image = decode_image_file(shared_data / "figures/exsclaim/images/pipeline/s41467-018-06211-3_fig1.jpg")
    found = find_markers(image, [(0, 486, 228, 660), (232, 486, 458, 660)])
    g = [m for m in found if m.type == "circle" and m.panel == 0 and m.bbox[0] >= 150]
    h = [m for m in found if m.type == "circle" and m.panel == 1]
    assert len(g) == 6 and {m.color for m in g} == {"red", "blue"}, [(m.color, m.bbox) for m in found]
    assert len(h) == 4 and {m.color for m in h} == {"blue"}, [(m.color, m.bbox) for m in found]


CT_SLICE = "classification/medpix_ct_mr/images/MPX1604_synpic53489.png"


def _ct_crop(shared_data) -> Image.Image:
    """The crop of a CT slice that synthetic dev-0169 drew on, enlarged as the benchmark does."""
    panel = decode_image_file(shared_data / CT_SLICE).convert("RGB")
    return panel.crop((18, 25, 231, 192)).resize((300, 235), Image.Resampling.LANCZOS)


@pytest.mark.parametrize("dash,gap,phase", [(6.82, 6.47, 1.41), (4.0, 5.0, 0.3)])
def test_dashed_circle_broken_into_specks_on_a_ct_slice(shared_data, dash, gap, phase):
    """A white dashed ellipse of one-pixel dashes on a CT slice (synthetic dev-0169, the
    first case): each dash keeps a speck or two of ink, too few and too unlike for the dash
    tests, and no bridge spans gaps as long as the dashes. The specks still lie on one
    ellipse, clear inside and out (``perimeter_outlines``)."""
    canvas = drawing.Canvas(_ct_crop(shared_data))
    true = drawing.dashed_ellipse(canvas, (43.49, 47.78, 128.86, 102.96), "white", 1.0, dash=dash, gap=gap,
                                  phase=phase)
    _assert_outline(find_markers(canvas.finish(), [(0, 0, 300, 235)]), true)


@pytest.mark.parametrize("color,quality,box", [("magenta", 65, (150.0, 60.0, 215.0, 140.0)),
                                               ("cyan", 70, (170.0, 120.0, 250.0, 200.0)),
                                               ("yellow", 75, (60.0, 130.0, 130.0, 200.0))])
def test_thin_ring_broken_by_jpeg_on_a_ct_slice(shared_data, color, quality, box):
    """A one-pixel coloured ring after JPEG: 4:2:0 blurs its colour into the grey ground, so
    its ink is a dozen arcs and specks and its faint stroke a ring open in places; read along
    its fitted ellipse it is nearly whole."""
    canvas = drawing.Canvas(_ct_crop(shared_data))
    true = drawing.ellipse(canvas, box, color, 1.0)
    _assert_outline(find_markers(jpeg(canvas.finish(), quality), [(0, 0, 300, 235)]), true)


def _assert_outline(found, true) -> None:
    x0, y0, x1, y1 = true.bbox
    hits = [m for m in found if m.type == true.type and x0 <= (m.bbox[0] + m.bbox[2]) / 2 <= x1
            and y0 <= (m.bbox[1] + m.bbox[3]) / 2 <= y1]
    assert hits and hits[0].color == true.color, [(m.type, m.color, m.bbox, m.score) for m in found]


def test_skull_ring_with_scalp_round_it_is_not_a_circle(shared_data):
    """A head CT slice's skull spans most of the panel; the scalp's dark fat and skin lie
    just outside it, crossing each side's band here and there (no side is 70% flat ground
    on its own, the four together are): the picture's silhouette, not a circle. A circle
    drawn on the brain is still one."""
    slice_ = Image.open(shared_data / "classification/medpix_ct_mr/images/MPX2336_synpic49838.png").convert("RGB")
    found = find_markers(slice_, [(0, 0, slice_.width, slice_.height)])
    assert not [m for m in found if m.type == "circle"], [(m.bbox, m.score) for m in found]
    canvas = drawing.Canvas(slice_)
    true = drawing.ellipse(canvas, (200.0, 180.0, 280.0, 250.0), "white", 2.0)
    image = canvas.finish()
    circles = [m.bbox for m in find_markers(image, [(0, 0, image.width, image.height)]) if m.type == "circle"]
    assert len(circles) == 1 and max(abs(a - b) for a, b in zip(circles[0], true.bbox)) <= 4, circles


def test_last_digit_of_burned_in_text_is_not_an_arrowhead(shared_data):
    """The slice number "I114" burned into a MedPix slice is set in a fixed-width font: its
    narrow "1"s stand 0.7 of their height apart, no word's spacing, yet the "4" after them
    (a triangle with a tail, much like an arrowhead) is a letter of the line."""
    slice_ = Image.open(shared_data / "classification/medpix_ct_mr/images/MPX2351_synpic45943.png").convert("RGB")
    found = find_markers(slice_, [(0, 0, slice_.width, slice_.height)])
    assert not [m for m in found if m.bbox[1] >= 690], [(m.type, m.bbox, m.score) for m in found]
    canvas = drawing.Canvas(slice_)
    true = drawing.arrowhead(canvas, (150.0, 300.0), math.pi / 2, 16.0, "white")
    image = canvas.finish()
    found = find_markers(image, [(0, 0, image.width, image.height)])
    assert _hit(found, true), found


@pytest.mark.parametrize("angle, apex, quality, size", [(-1.57, 40, 58, 10.3), (-1.57, 40, 61, 11.5),
                                                        (-1.3, 60, 61, 10.3), (-1.85, 60, 61, 11.5)])
def test_small_green_arrowhead_on_brown_cuticle(shared_data, angle, apex, quality, size):
    """A 10-12 px green arrowhead on a beetle's brown cuticle (the crop synthetic dev-0095
    drew on), JPEG 58-61: 4:2:0 keeps its colour at half resolution, a blurred disc that no
    shape test passes; its grey level, only ~35 levels off the cuticle's, keeps the triangle."""
    figure = shared_data / "articles/pmc_oa_packages/PMC3192425/ZooKeys-119-037-g007.jpg"
    panel = decode_image_file(figure).convert("RGB").crop((11, 23, 166, 134))
    canvas = drawing.Canvas(panel.resize((300, 215), Image.Resampling.LANCZOS))
    true = drawing.arrowhead(canvas, (169.0, 108.5), angle, size, "green", apex)
    found = find_markers(jpeg(canvas.finish(), quality), [(0, 0, 300, 215)])
    assert _hit(found, true), [(m.type, m.color, m.bbox, m.score) for m in found]


@pytest.mark.parametrize("size, spokes, angle, quality", [(12.5, 5, 0.0, 85), (12.5, 5, 0.3, 85), (14.0, 5, 0.0, 79),
                                                          (14.0, 5, 0.3, 79), (14.0, 6, 0.0, 79)])
def test_small_orange_asterisk_on_pale_paper(shared_data, size, spokes, angle, quality):
    """A 12-14 px orange asterisk on the pale paper beside an insect (the crop synthetic
    dev-0161 drew on), JPEG 79-85: its blurred colour mask fills in between the spokes and
    fits a star (0.86), or nothing; its upsampled cut keeps the thin spokes of an asterisk."""
    figure = shared_data / "articles/pmc_oa_packages/PMC3192425/ZooKeys-119-037-g004.jpg"
    panel = decode_image_file(figure).convert("RGB").crop((163, 537, 297, 724))
    canvas = drawing.Canvas(panel.resize((215, 300), Image.Resampling.LANCZOS))
    true = drawing.asterisk(canvas, (55.0, 169.0), size, "orange", spokes=spokes, angle=angle, width=size * 0.1)
    found = find_markers(jpeg(canvas.finish(), quality), [(0, 0, 215, 300)])
    assert _hit(found, true), [(m.type, m.color, m.bbox, m.score) for m in found]
