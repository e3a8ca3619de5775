"""find_markers on synthetic panels with exact truth."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from panel2patch.markers import (
    COLOR_NAMES,
    MARKER_TYPES,
    Marker,
    find_markers,
    panel_is_image_like,
    region_box,
)
from tests.markers.conftest import drawing, jpeg, plot_panel, textured_panel


def _hit(marker: Marker, truth: drawing.TrueMarker) -> bool:
    cx, cy = (marker.bbox[0] + marker.bbox[2]) / 2, (marker.bbox[1] + marker.bbox[3]) / 2
    x0, y0, x1, y1 = truth.bbox
    return marker.type == truth.type and x0 <= cx <= x1 and y0 <= cy <= y1


def _whole(image: Image.Image) -> list[Marker]:
    """Markers found with the whole image as the one panel."""
    return find_markers(image, [(0, 0, image.width, image.height)])


def _assert_found(found: list[Marker], true: drawing.TrueMarker) -> None:
    assert any(_hit(m, true) for m in found), [(m.type, m.color, m.bbox) for m in found]


def test_every_drawn_marker_is_found_with_type_colour_and_tip(marked_panel):
    image, truth = marked_panel
    found = _whole(image)
    for true in truth:
        hits = [m for m in found if _hit(m, true)]
        assert hits, f"missed {true.type} {true.color}: found {[(m.type, m.color, m.bbox) for m in found]}"
        assert hits[0].color == true.color
        if true.tip is not None:
            assert math.dist(hits[0].tip, true.tip) <= 4
    assert len(found) == len(truth)


def test_detections_inside_excluded_label_boxes_are_dropped(marked_panel):
    """The pipeline passes the printed panel labels the layout read: a marker-like label glyph
    there is not a marker, while the other markers stay."""
    image, truth = marked_panel
    whole = [(0, 0, image.width, image.height)]
    found = find_markers(image, whole)
    label_box = found[0].bbox
    kept = find_markers(image, whole, exclude=[label_box])
    assert len(kept) == len(found) - 1
    assert all(m.bbox != label_box for m in kept)
    assert len(find_markers(image, whole, exclude=[(0, 0, 2, 2), ("bad",)])) == len(found)


def test_markers_survive_jpeg_and_are_mapped_to_figure_pixels(marked_panel):
    image, truth = marked_panel
    figure = Image.new("RGB", (image.width * 2 + 20, image.height + 40), "white")
    figure.paste(jpeg(image, 80), (image.width + 20, 40))
    panels = [(0, 0, image.width, image.height + 40), (image.width + 20, 40, 2 * image.width + 20, image.height + 40)]
    found = find_markers(figure, panels)
    assert found and all(m.panel == 1 for m in found)
    shifted = [drawing.TrueMarker(t.type, (t.bbox[0] + image.width + 20, t.bbox[1] + 40, t.bbox[2] + image.width + 20,
                                           t.bbox[3] + 40), None, t.color) for t in truth]
    assert sum(any(_hit(m, t) for m in found) for t in shifted) >= 4


def test_records_use_the_closed_vocabularies(marked_panel):
    image, _ = marked_panel
    for marker in find_markers(np.asarray(image), [(0, 0, image.width, image.height)]):
        data = marker.to_dict()
        assert set(data) == {"type", "bbox", "tip", "color", "panel", "score"}
        assert data["type"] in MARKER_TYPES and data["color"] in COLOR_NAMES
        assert all(isinstance(v, int) for v in data["bbox"]) and 0 < data["score"] <= 1


@pytest.mark.parametrize("kind", ["dashed_box", "star", "arrowhead_open", "line_arrow"])
def test_more_marker_styles(kind):
    canvas = drawing.Canvas(textured_panel(seed=7))
    if kind == "dashed_box":
        true = drawing.box(canvas, (120.0, 90.0, 280.0, 220.0), "yellow", width=2, dashed=True, dash=8, gap=5)
    elif kind == "star":
        true = drawing.star(canvas, (200.0, 150.0), 34, "green")
    elif kind == "arrowhead_open":
        true = drawing.arrowhead(canvas, (200.0, 150.0), 1.2, 30, "yellow", open_=True)
    else:
        true = drawing.arrow(canvas, (250.0, 120.0), 0.3, 70, "white", style="line", shaft=2.0)
    image = canvas.finish()
    found = _whole(image)
    _assert_found(found, true)


def test_plot_panel_yields_no_markers():
    plot = plot_panel()
    assert panel_is_image_like(plot)[0] is False
    assert _whole(plot) == []


def test_text_and_scale_bar_on_a_picture_are_not_markers():
    canvas = drawing.Canvas(textured_panel(seed=4, mean=70))
    drawing.text(canvas, (12, 10), "DAPI", 26, "white")
    drawing.text(canvas, (300, 12), "20 µm", 20, "white")
    drawing.scale_bar(canvas, (300.0, 290.0), 90, 6, "white")
    image = canvas.finish()
    assert _whole(image) == []


@pytest.mark.parametrize("seed", range(4))
def test_pose_skeletons_and_tracings_over_a_picture_are_not_markers(seed):
    """Limbs meeting at a keypoint make the V of an arrowhead, a traced neurite's bend a
    line arrow's barb: drawn overlays that are no markers must give none."""
    rng = random.Random(seed)
    canvas = drawing.Canvas(textured_panel(seed=seed, mean=80))
    color = ("yellow", "cyan", "white", "magenta")[seed]
    drawing.skeleton(canvas, rng, (110.0, 150.0), 150, color, width=2.0)
    drawing.tracing(canvas, rng, (300.0, 160.0), 170, color, width=1.5)
    assert _whole(jpeg(canvas.finish(), 85)) == []


def test_panel_is_image_like_scores():
    picture, score = panel_is_image_like(textured_panel())
    assert picture is True and 0 < score <= 1
    assert panel_is_image_like(Image.new("RGB", (300, 200), "white")) == (False, 0.0)


@pytest.mark.parametrize("image", [
    Image.new("RGB", (300, 200), "white"),
    Image.new("RGB", (1, 1)),
    Image.new("L", (200, 150), 0),
    Image.new("RGBA", (200, 150), (0, 0, 0, 0)),
    np.zeros((0, 0, 3), np.uint8),
    np.full((120, 90), np.nan),
    np.random.default_rng(0).random((150, 140)),
    "not an image",
])
def test_bad_images_never_raise(image):
    assert isinstance(find_markers(image, [(0, 0, 300, 200)]), list)
    picture, score = panel_is_image_like(image)
    assert isinstance(picture, bool) and 0.0 <= score <= 1.0


@pytest.mark.parametrize("panels", [
    [], [(0, 0, 5, 5)], [(50, 50, 10, 10)], [(-100, -100, 10000, 10000)], [(0, 0, "a", None)],
    [(float("nan"), 0, 10, 10)], [(400, 300, 900, 900)], [(0, 0, 0, 0)],
])
def test_odd_panel_boxes_never_raise(marked_panel, panels):
    image, _ = marked_panel
    for marker in find_markers(image, panels):
        x0, y0, x1, y1 = marker.bbox
        assert 0 <= x0 < x1 <= image.width and 0 <= y0 < y1 <= image.height


def test_huge_panel_is_analysed_at_bounded_size():
    image = textured_panel(width=4200, height=3000, seed=2)
    patch = drawing.Canvas(image.crop((1800, 1300, 2200, 1700)))
    true = drawing.arrowhead(patch, (200.0, 200.0), 1.0, 120, "yellow")
    image.paste(patch.finish(), (1800, 1300))
    found = _whole(image)
    assert any(_hit(m, drawing.TrueMarker(true.type, (true.bbox[0] + 1800, true.bbox[1] + 1300, true.bbox[2] + 1800,
                                                       true.bbox[3] + 1300), None, true.color)) for m in found)


@pytest.mark.parametrize("angle", [0.0, 30.0, 62.0])
def test_sparse_dashed_box_at_any_rotation(angle):
    """Short red dashes with gaps wider than the dashes, along a rotated rectangle (as on real
    fluorescence figures), are one dashed box; the same dashes scattered at random are nothing."""
    panel = jpeg(textured_panel(seed=5, mean=40.0), 90)
    draw = ImageDraw.Draw(panel)
    cx, cy, half_w, half_h = 210.0, 160.0, 45.0, 80.0
    theta = math.radians(angle)
    corners = [(cx + dx * math.cos(theta) - dy * math.sin(theta), cy + dx * math.sin(theta) + dy * math.cos(theta))
               for dx, dy in ((-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h))]
    dashes = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
        steps = int(math.dist((ax, ay), (bx, by)) // 9)
        for k in range(steps):
            t0, t1 = k / steps, (k + 0.35) / steps
            dashes.append(((ax + (bx - ax) * t0, ay + (by - ay) * t0), (ax + (bx - ax) * t1, ay + (by - ay) * t1)))
    for start, end in dashes:
        draw.line([start, end], fill=(220, 30, 30), width=2)
    found = _whole(panel)
    boxes = [m for m in found if m.type == "dashed_box"]
    assert len(boxes) == 1, [(m.type, m.bbox) for m in found]
    x0, y0, x1, y1 = boxes[0].bbox
    assert x0 <= min(c[0] for c in corners) + 6 and x1 >= max(c[0] for c in corners) - 6
    assert boxes[0].color == "red"

    scattered = jpeg(textured_panel(seed=5, mean=40.0), 90)
    draw = ImageDraw.Draw(scattered)
    rng = np.random.default_rng(1)
    for _ in dashes:
        x, y = rng.uniform(120, 300), rng.uniform(60, 260)
        draw.line([(x, y), (x + 3, y + 1)], fill=(220, 30, 30), width=2)
    assert not [m for m in find_markers(scattered, [(0, 0, 420, 320)]) if m.type == "dashed_box"]


def test_thin_box_broken_in_places_is_a_solid_box():
    """A one-pixel box whose line is broken at a few points (as JPEG breaks thin lines) is a
    solid box: its pieces cover nearly the whole turn of the outline, however wide the bridge."""
    panel = jpeg(textured_panel(seed=3, mean=60.0), 90)
    draw = ImageDraw.Draw(panel)
    x0, y0, x1, y1 = 120, 90, 230, 200
    for start, end in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        draw.line([start, end], fill=(40, 70, 255), width=1)
    for x, y in ((x0 + 40, y0), (x1, y0 + 60), (x0 + 70, y1), (x0, y0 + 20)):  # small breaks
        draw.rectangle([x - 1, y - 1, x + 1, y + 1], fill=(60, 60, 60))
    found = _whole(panel)
    boxes = [m for m in found if m.type in ("box", "dashed_box")]
    assert [m.type for m in boxes] == ["box"], [(m.type, m.bbox) for m in found]


@pytest.mark.parametrize("kind,color", [("star", "magenta"), ("star", "red"), ("arrowhead", "green"),
                                        ("arrow", "red")])
def test_small_coloured_glyph_after_jpeg_is_cut_by_its_grey_level(kind, color):
    """JPEG keeps colour at half resolution: a small coloured star's colour blob loses its
    notches, an arrow's colour blob its thin shaft; their grey levels keep them."""
    canvas = drawing.Canvas(textured_panel(seed=0, mean=170.0))
    if kind == "star":
        true = drawing.star(canvas, (200.0, 150.0), 13.0, color, 0.0)
    elif kind == "arrowhead":
        true = drawing.arrowhead(canvas, (200.0, 150.0), 0.3, 11.0, color)
    else:
        true = drawing.arrow(canvas, (200.0, 150.0), 0.3, 22.0, color, style="block")
    image = jpeg(canvas.finish(), 70)
    found = _whole(image)
    _assert_found(found, true)
    assert all(m.color == color for m in found if _hit(m, true))


def test_picture_patch_cut_by_the_panel_edge_is_not_an_arrowhead():
    """A bright corner of the picture that the panel's edge cuts straight (a scan's ground, a
    bone running out of the frame) reads as a triangle; a drawn arrowhead lies inside."""
    panel = textured_panel(seed=2, mean=90.0)
    draw = ImageDraw.Draw(panel)
    draw.polygon([(0, 0), (46, 0), (0, 30)], fill=(255, 255, 255))
    draw.polygon([(419, 319), (380, 319), (419, 280)], fill=(0, 0, 0))
    image = jpeg(panel, 85)
    assert not _whole(image)


def test_ellipse_on_a_pale_stripe_is_not_taken_for_a_frame():
    """Page-coloured ground just outside an outline makes a box a picture's frame, never an
    ellipse: pictures are rectangles. (Here a strip of white paper in the picture lies above
    and below the ellipse.)"""
    panel = np.asarray(textured_panel(seed=4, mean=80.0)).copy()
    paper = np.clip(238 + np.random.default_rng(2).normal(0, 8, (320, 120)), 0, 255).astype(np.uint8)
    panel[:, 150:270] = paper[:, :, None]
    canvas = drawing.Canvas(Image.fromarray(panel))
    true = drawing.ellipse(canvas, (140.0, 100.0, 280.0, 220.0), "red", 3.0)
    image = jpeg(canvas.finish(), 85)
    found = _whole(image)
    assert any(_hit(m, true) for m in found), [(m.type, m.bbox) for m in found]


def test_white_dashed_box_with_gaps_as_long_as_its_dashes():
    """One-pixel white dashes with gaps as long as the dashes (too wide to bridge) on a dark
    picture are one dashed box."""
    panel = jpeg(textured_panel(seed=6, mean=35.0), 90)
    draw = ImageDraw.Draw(panel)
    x0, y0, x1, y1 = 120, 80, 240, 200
    for start in range(x0, x1, 18):
        draw.line([(start, y0), (min(start + 9, x1), y0)], fill=(255, 255, 255), width=1)
        draw.line([(start, y1), (min(start + 9, x1), y1)], fill=(255, 255, 255), width=1)
    for start in range(y0, y1, 18):
        draw.line([(x0, start), (x0, min(start + 9, y1))], fill=(255, 255, 255), width=1)
        draw.line([(x1, start), (x1, min(start + 9, y1))], fill=(255, 255, 255), width=1)
    found = _whole(panel)
    assert [m.type for m in found if m.type in ("box", "dashed_box")] == ["dashed_box"], \
        [(m.type, m.bbox) for m in found]


def test_sparse_red_fluorescence_on_dark_ground_is_a_picture():
    """The near-black ground of a red channel is dark noise of high HSV saturation: it is
    still the picture's ground, not a flat colour field."""
    rng = np.random.default_rng(0)
    height, width = 320, 420
    rgb = np.zeros((height, width, 3))
    rgb[:, :, 0] = 28 + rng.normal(0, 6, (height, width))
    rgb[:, :, 1:] = 3 + rng.normal(0, 2, (height, width, 2))
    yy, xx = np.mgrid[:height, :width]
    for cx, cy, r in [(60, 60, 14), (100, 40, 9), (40, 120, 11), (380, 290, 12), (350, 30, 10), (70, 280, 13)]:
        rgb[:, :, 0] += 200 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    image = jpeg(Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)), 85)
    assert panel_is_image_like(image)[0]


def test_coloured_box_reaching_onto_the_page_is_kept_whole():
    """Markers are searched on and near the picture; a coloured box drawn partly over the white
    page beside it is not cut at the edge of that area."""
    panel = np.asarray(textured_panel(seed=7, mean=110.0)).copy()
    panel[:, 230:] = 255
    canvas = drawing.Canvas(Image.fromarray(panel))
    true = drawing.box(canvas, (150.0, 90.0, 330.0, 230.0), "yellow", 2.0)
    image = jpeg(canvas.finish(), 85)
    found = _whole(image)
    assert any(_hit(m, true) for m in found), [(m.type, m.bbox) for m in found]


@pytest.mark.parametrize("color, width, bbox", [
    ("white", 2.0, (110, 70, 250, 190)),   # bold dashes: diagonal ones fill their bounding squares
    ("white", 1.5, (140, 90, 230, 230)),   # a tall ellipse
    ("yellow", 1.5, (120, 60, 280, 200)),
    ("cyan", 3.0, (100, 80, 220, 200)),
])
def test_dashed_circle_with_gaps_too_wide_to_bridge(color, width, bbox):
    """Dashes along an ellipse with gaps wider than a bridging dilation, after JPEG, are one
    dashed circle whose interior is the region."""
    canvas = drawing.Canvas(textured_panel(seed=11, mean=70.0))
    truth = drawing.dashed_ellipse(canvas, bbox, color, width, dash=11.0, gap=11.0, phase=0.3)
    panel = jpeg(canvas.finish(), 80)
    found = _whole(panel)
    circles = [m for m in found if m.type == "circle"]
    assert len(circles) == 1 and circles[0].style == "dashed", [(m.type, m.style, m.bbox) for m in found]
    assert _hit(circles[0], truth)
    ix0, iy0, ix1, iy1 = region_box(circles[0], (0, 0, panel.width, panel.height))
    x0, y0, x1, y1 = truth.bbox
    assert x0 <= ix0 <= x0 + 8 and y0 <= iy0 <= y0 + 8 and x1 - 8 <= ix1 <= x1 and y1 - 8 <= iy1 <= y1


def test_lattice_fringes_on_a_ring_are_not_a_dashed_circle():
    """Short parallel white strokes placed around a ring (fringes of a crystal lattice, hairs)
    run across the ring, not along it: no circle."""
    panel = textured_panel(seed=12, mean=60.0)
    draw = ImageDraw.Draw(panel)
    for k in range(14):
        t = 2 * math.pi * k / 14
        cx, cy = 210 + 70 * math.cos(t), 160 + 60 * math.sin(t)
        draw.line([(cx, cy - 5), (cx, cy + 5)], fill=(255, 255, 255), width=2)
    found = find_markers(jpeg(panel, 85), [(0, 0, panel.width, panel.height)])
    assert not [m for m in found if m.type == "circle"], [(m.type, m.style, m.bbox) for m in found]


def _pale_specimen_photo(seed: int = 5) -> Image.Image:
    """A specimen photographed on pale paper: a brown body down the left, paper elsewhere."""
    rng = np.random.default_rng(seed)
    paper = np.clip(232 + rng.normal(0, 4, (320, 260)), 0, 255)
    image = np.repeat(paper[:, :, None], 3, axis=2)
    body = np.asarray(textured_panel(110, 320, seed=seed, mean=120.0)).astype(np.float64)
    image[:, :110] = body * np.array([1.25, 0.9, 0.55])
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))


def test_small_box_on_pale_paper_beside_the_specimen_is_not_a_frame():
    """Page-like ground around a box makes it a picture's frame only when the box is large
    enough to frame one; a zoom box a fifth of the panel wide on the paper is a marker."""
    canvas = drawing.Canvas(_pale_specimen_photo())
    true = drawing.box(canvas, (140.0, 200.0, 195.0, 240.0), "cyan", 3.0)
    image = jpeg(canvas.finish(), 90)
    found = _whole(image)
    _assert_found(found, true)


def test_frame_around_the_whole_picture_on_a_page_is_still_no_marker():
    """The counterpart: a thin frame drawn round a picture set on white page is its frame."""
    figure = Image.new("RGB", (460, 360), "white")
    figure.paste(textured_panel(seed=6), (20, 20))
    ImageDraw.Draw(figure).rectangle([18, 18, 441, 341], outline=(255, 0, 0), width=2)
    found = _whole(figure)
    assert not [m for m in found if m.type in ("box", "dashed_box")], [(m.type, m.bbox) for m in found]


@pytest.mark.parametrize("color", ["red", "cyan", "blue"])
def test_one_pixel_coloured_box_washed_out_by_jpeg(color):
    """JPEG keeps colour at half resolution: a one-pixel coloured line keeps its hue but only
    half its saturation, below the ink limits; it is still a ridge of colour."""
    canvas = drawing.Canvas(textured_panel(seed=7, mean=150.0))
    true = drawing.box(canvas, (130.0, 80.0, 250.0, 190.0), color, 1.0)
    image = jpeg(canvas.finish(), 70)
    found = _whole(image)
    _assert_found(found, true)


def test_letters_of_a_thin_font_are_not_line_boxes():
    """Thin rings of lettering ("0", "D", "O") are too small for a washed-out line box."""
    panel = textured_panel(seed=8, mean=70.0)
    draw = ImageDraw.Draw(panel)
    font = drawing.load_font(18, "DejaVuSans.ttf")
    draw.text((40, 40), "DOD 0O0", fill=(240, 240, 240), font=font)
    draw.text((200, 250), "O D", fill=(255, 60, 60), font=font)
    image = jpeg(panel, 70)
    found = _whole(image)
    assert not [m for m in found if m.type in ("box", "circle")], [(m.type, m.bbox) for m in found]


@pytest.mark.parametrize("color, width, quality", [("red", 1.0, 85)])
def test_thin_dashed_box_washed_out_by_jpeg(color, width, quality):
    """The dashes of a thin dashed box lose half their saturation to JPEG like a solid
    line; as ridges of colour they still bridge into a dashed ring."""
    canvas = drawing.Canvas(textured_panel(seed=9, mean=150.0))
    true = drawing.box(canvas, (120.0, 90.0, 260.0, 200.0), color, width, dashed=True, dash=6.0, gap=4.0)
    image = jpeg(canvas.finish(), quality)
    found = _whole(image)
    _assert_found(found, true)


def test_asterisk_deep_inside_a_large_dark_patch_is_not_a_letter_counter():
    """Dark patches of a picture lined up in a row read as lettering; a marker drawn deep
    inside one (the patch over three times its size) is not the counter of a letter."""
    panel = textured_panel(seed=10, mean=150.0)
    draw = ImageDraw.Draw(panel)
    for x in (60, 160, 260):  # three dark cells of like size in a row
        draw.ellipse([x, 100, x + 75, 185], fill=(20, 20, 20))
    canvas = drawing.Canvas(panel)
    true = drawing.asterisk(canvas, (197.0, 142.0), 10.0, "magenta", spokes=6, angle=0.2, width=1.2)
    image = canvas.finish()
    found = _whole(image)
    _assert_found(found, true)


@pytest.mark.parametrize("spokes", [6])
def test_thin_armed_asterisk(spokes):
    """Thin spokes fill little of their hull (solidity about 0.2): still an asterisk."""
    canvas = drawing.Canvas(textured_panel(seed=11, mean=200.0))
    true = drawing.asterisk(canvas, (200.0, 150.0), 20.0, "black", spokes=spokes, angle=0.3, width=1.6)
    image = jpeg(canvas.finish(), 92)
    found = _whole(image)
    _assert_found(found, true)


def test_arrowhead_at_an_arrows_tip_gives_way_to_the_arrow():
    """The pure-white mask of a line arrow often holds only its head, which scores higher as
    an arrowhead than the whole arrow; the head of a detected arrow is not a second marker.
    An arrowhead elsewhere (at the arrow's tail) stays. Boxes as measured on a JPEG panel."""
    from panel2patch.markers.candidates import Found
    from panel2patch.markers.detect import _drop_arrow_heads, _suppress

    arrow = Found("arrow", (232, 71, 262, 83), 0.63, "white", (233.0, 77.0), (-1.0, 0.0), "line")
    head = Found("arrowhead", (233, 72, 241, 80), 0.649, "white", (233.5, 76.0), (-1.0, 0.0))
    tail = Found("arrowhead", (254, 72, 262, 80), 0.7, "white", (255.0, 76.0), (-1.0, 0.0))
    assert [f.type for f in _suppress([arrow, head])] == ["arrowhead"]  # what the score order alone gives
    kept = _suppress(_drop_arrow_heads([arrow, head]))
    assert [f.type for f in kept] == ["arrow"]
    assert tail in _drop_arrow_heads([arrow, head, tail])


@pytest.mark.parametrize("kind,color,size,seed", [("asterisk", "white", 9.0, 0), ("asterisk", "white", 9.0, 3),
                                                  ("asterisk", "yellow", 10.0, 0), ("asterisk", "yellow", 10.0, 1),
                                                  ("star", "white", 10.0, 0), ("star", "white", 10.0, 1)])
def test_small_glyph_whose_ink_mask_is_only_its_core(kind, color, size, seed):
    """A 13 px asterisk or star after JPEG: its pure-ink mask is a few pixels of its hub (or
    a disc), too few for the shape tests; cut from an upsampled crop it has its arms again."""
    canvas = drawing.Canvas(textured_panel(seed=seed, mean=90.0))
    if kind == "asterisk":
        true = drawing.asterisk(canvas, (200.0, 150.0), size, color, spokes=6, angle=0.3)
    else:
        true = drawing.star(canvas, (200.0, 150.0), size, color, 0.2)
    image = jpeg(canvas.finish(), 65)
    found = _whole(image)
    _assert_found(found, true)
    assert all(m.color == color for m in found if _hit(m, true))


@pytest.mark.parametrize("seed", [0, 1])
def test_small_coloured_star_beside_a_dark_bar(seed):
    """A 10 px magenta star 1 px from a dark bar, JPEG 70: cut half-way between ground and
    ink, the upsampled star runs into the bar; cut by its grey level at the higher level it
    is a star of its own (JPEG blurs its colour over the gap, not its grey level)."""
    panel = textured_panel(seed=seed, mean=200.0)
    ImageDraw.Draw(panel).rectangle([183, 100, 189, 220], fill=(30, 30, 30))
    canvas = drawing.Canvas(panel)
    true = drawing.star(canvas, (200.0, 150.0), 10.0, "magenta", 0.2)
    found = _whole(jpeg(canvas.finish(), 70))
    _assert_found(found, true)


@pytest.mark.parametrize("seed,width", [(0, 12), (0, 10), (2, 12), (2, 10)])
def test_small_blurred_dark_wedge_is_not_an_arrowhead(seed, width):
    """A soft-edged obtuse dark wedge (a shadow between particles of an EM picture): cut
    from an upsampled crop its smallest enclosing triangle is obtuse; drawn arrowheads are sharp."""
    panel = textured_panel(seed=seed, mean=150.0)
    mask = Image.new("L", panel.size, 0)
    ImageDraw.Draw(mask).polygon([(200, 150), (200 + width, 150), (200 + width / 2, 155)], fill=255)
    alpha = np.asarray(mask.filter(ImageFilter.GaussianBlur(0.9)))[:, :, None] / 255.0
    image = jpeg(Image.fromarray((np.asarray(panel) * (1 - alpha) + 15 * alpha).astype(np.uint8)), 80)
    found = _whole(image)
    assert not [m for m in found if m.type == "arrowhead"], [(m.type, m.bbox) for m in found]


@pytest.mark.parametrize("seed", [0, 1])
def test_small_arrowhead_with_corners_rounded_by_jpeg(seed):
    """A 9 px cyan arrowhead after JPEG 60: cut from an upsampled crop its corners are
    rounded and it fills less of its enclosing triangle (~0.78) than a large one; an ellipse
    fills 0.60 whatever its size or aspect."""
    canvas = drawing.Canvas(textured_panel(seed=seed, mean=90.0))
    true = drawing.arrowhead(canvas, (200.0, 150.0), 0.3 + seed, 9.0, "cyan")
    image = jpeg(canvas.finish(), 60)
    found = _whole(image)
    _assert_found(found, true)



def _well_plate_row(seed: int = 13) -> Image.Image:
    """Pale wells (grey 218, under pure white) in a row on a dark plate: alike blobs in a
    line, which read as a word of white letters."""
    panel = textured_panel(seed=seed, mean=60.0)
    draw = ImageDraw.Draw(panel)
    for x in (100, 160, 220):
        draw.ellipse([x, 130, x + 46, 176], fill=(218, 218, 218))
    return panel


@pytest.mark.parametrize("color", ["orange", "red"])
def test_asterisk_inside_a_pale_well_in_a_row_is_not_a_letter_counter(color):
    """Lettering is set in pure white; a row of pale wells is no word, and an asterisk drawn
    inside one of them (the well under three times its size) is no letter's counter."""
    canvas = drawing.Canvas(_well_plate_row())
    true = drawing.asterisk(canvas, (183.0, 153.0), 16.0, color, spokes=6, angle=0.2, width=2.0)
    image = jpeg(canvas.finish(), 80)
    found = _whole(image)
    _assert_found(found, true)


def test_white_letters_still_hide_their_counters():
    """The counterpart: the counters of pure-white letters in a word ("A", "4") are no arrowheads."""
    panel = textured_panel(seed=14, mean=60.0)
    draw = ImageDraw.Draw(panel)
    draw.text((60, 120), "A4 AA4", fill=(255, 255, 255), font=drawing.load_font(40, "DejaVuSans-Bold.ttf"))
    image = jpeg(panel, 85)
    found = _whole(image)
    assert not [m for m in found if m.type == "arrowhead"], [(m.type, m.color, m.bbox) for m in found]


def _picture_beside_page(seed: int = 15) -> Image.Image:
    """A micrograph on the left 200 px of a 420 x 320 panel, pale page on the right."""
    figure = Image.new("RGB", (420, 320), (246, 246, 246))
    figure.paste(textured_panel(200, 320, seed=seed, mean=110.0), (0, 0))
    return figure


@pytest.mark.parametrize("kind,color,tip_x", [("arrow", "red", 250.0), ("arrowhead", "cyan", 262.0)])
def test_coloured_marker_on_the_page_a_sixth_of_the_panel_from_the_picture(kind, color, tip_x):
    """Saturated colours are never the page or its lettering: an arrow or arrowhead on the
    page 0.15-0.19 of the panel's shorter side from the picture it points at (beyond the
    0.06 margin of white and black markers) is still searched."""
    canvas = drawing.Canvas(_picture_beside_page())
    if kind == "arrow":
        true = drawing.arrow(canvas, (tip_x, 160.0), math.pi, 36.0, color)
    else:
        true = drawing.arrowhead(canvas, (tip_x, 160.0), math.pi, 16.0, color)
    image = jpeg(canvas.finish(), 85)
    found = _whole(image)
    _assert_found(found, true)


def test_white_arrowhead_touching_a_bright_spot_is_not_its_own_counter():
    """A white arrowhead whose tip touches a bright spot forms one white blob with it, and
    that blob sits in a row of like bright blobs (a "word"). The arrowhead (its pure-white
    core) lies inside the blob as its ink, not as a counter: only a letter of another colour
    has counters."""
    panel = textured_panel(seed=16, mean=60.0)
    draw = ImageDraw.Draw(panel)
    for x in (125, 205):
        draw.ellipse([x, 118, x + 26, 150], fill=(226, 226, 226))
    draw.ellipse([168, 134, 184, 152], fill=(226, 226, 226))
    canvas = drawing.Canvas(panel)
    true = drawing.arrowhead(canvas, (176.0, 140.0), math.pi / 2, 24.0, "white")
    image = jpeg(canvas.finish(), 90)
    found = _whole(image)
    _assert_found(found, true)


@pytest.mark.parametrize("mean, width, gap", [(150.0, 1.5, 11.0), (190.0, 2.0, 8.0)])
def test_black_dashed_circle_with_gaps_too_wide_to_bridge(mean, width, gap):
    """Black dashes along an ellipse on a pale picture are a dashed circle: black lettering's
    strokes line up along rectangles, never tangent to an ellipse, so black joins the sparse
    dashed circle test (not the dashed box one)."""
    canvas = drawing.Canvas(textured_panel(seed=11, mean=mean))
    truth = drawing.dashed_ellipse(canvas, (130, 80, 250, 200), "black", width, dash=8.0, gap=gap, phase=0.3)
    found = _whole(jpeg(canvas.finish(), 80))
    circles = [m for m in found if m.type == "circle"]
    assert len(circles) == 1 and circles[0].style == "dashed", [(m.type, m.style, m.bbox) for m in found]
    assert _hit(circles[0], truth)


@pytest.mark.parametrize("seed, length, color", [(2, 22.0, "cyan"), (2, 30.0, "green")])
def test_block_arrow_whose_head_is_widest_over_a_few_bins(seed, length, color):
    """A small block arrow after JPEG: its barbs blur into a plateau a few bins long, and the
    head's taper is measured from the plateau's end, not its start."""
    canvas = drawing.Canvas(textured_panel(seed=seed, mean=110.0))
    true = drawing.arrow(canvas, (200.0, 150.0), 0.4 + seed * 1.3, length, color)
    _assert_found(_whole(jpeg(canvas.finish(), 70)), true)



@pytest.mark.parametrize("seed, mean, style, color, length", [
    (0, 40.0, "line", "green", 45.0),
    (1, 70.0, "line_filled", "green", 30.0),
    (1, 70.0, "line_filled", "blue", 30.0),
])
def test_thin_arrow_held_together_by_its_faint_pixels(seed, mean, style, color, length):
    """A thin coloured arrow on a dark picture, whose ink JPEG broke, is one blob only with its
    blended stroke pixels; those are judged as edge, not as ink of doubtful purity."""
    canvas = drawing.Canvas(textured_panel(seed=seed, mean=mean))
    true = drawing.arrow(canvas, (200.0, 150.0), 0.5 + seed, length, color, style=style)
    _assert_found(_whole(jpeg(canvas.finish(), 70)), true)


@pytest.mark.parametrize("color, dash, gap", [("orange", 4.0, 12.0), ("yellow", 5.0, 14.0), ("cyan", 4.0, 12.0)])
def test_dotted_circle_with_gaps_too_wide_to_bridge(color, dash, gap):
    """Dashes as short as the line is wide (dots) have no direction to run along the ellipse;
    lying right on it, evenly spaced, they are a dashed circle."""
    canvas = drawing.Canvas(textured_panel(seed=7, mean=50.0))
    truth = drawing.dashed_ellipse(canvas, (120, 90, 230, 170), color, 4.0, dash=dash, gap=gap, phase=0.2)
    found = _whole(jpeg(canvas.finish(), 80))
    circles = [m for m in found if m.type == "circle"]
    assert len(circles) == 1 and circles[0].style == "dashed", [(m.type, m.style, m.bbox) for m in found]
    assert _hit(circles[0], truth)


@pytest.mark.parametrize("seed", [1, 2])
def test_unevenly_spaced_dots_on_a_ring_are_not_a_dotted_circle(seed):
    """Round specks on an ellipse (cells round a lumen), each up to nearly half a step off an
    even spacing: they lie on the ring with no wide gap, but unevenly, so no circle. (Without
    the spacing test these seeds read as one.)"""
    panel = textured_panel(seed=7, mean=60.0)
    draw = ImageDraw.Draw(panel)
    rng = np.random.default_rng(seed)
    step = 2 * math.pi / 22
    for angle in step * np.arange(22) + rng.uniform(-0.45, 0.45, 22) * step:
        x, y = 175 + 55 * math.cos(angle), 130 + 40 * math.sin(angle)
        draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=(255, 150, 0))
    found = _whole(jpeg(panel, 80))
    assert not [m for m in found if m.type == "circle"], [(m.type, m.style, m.bbox) for m in found]


def _inset_in_corner(box_at: tuple[int, int], inset_mean: float) -> Image.Image:
    """A micrograph with a picture of other brightness pasted at ``box_at``, framed by a
    white line (an FFT or magnified view set into the picture)."""
    picture = textured_panel(seed=8, mean=130.0)
    inset = textured_panel(120, 100, seed=9, mean=inset_mean)
    picture.paste(inset, box_at)
    x, y = box_at
    ImageDraw.Draw(picture).rectangle([x - 2, y - 2, x + 121, y + 101], outline="white", width=2)
    return jpeg(picture, 90)


def test_frame_of_an_inset_in_the_corner_is_not_a_box():
    """An inset hugging a corner, dark inside and grey around: its frame is no zoom box."""
    found = _whole(_inset_in_corner((294, 4), inset_mean=25.0))
    assert not [m for m in found if m.type in ("box", "dashed_box")], [(m.type, m.bbox) for m in found]


@pytest.mark.parametrize("box_at,inset_mean", [((150, 110), 25.0), ((294, 4), 130.0)])
def test_box_away_from_the_corners_or_over_continuing_picture_is_a_box(box_at, inset_mean):
    """The same frame in the middle of the picture, or in the corner over picture that runs
    on across it (a zoom box near the edge), stays a box."""
    found = _whole(_inset_in_corner(box_at, inset_mean))
    assert [m for m in found if m.type == "box"], [(m.type, m.bbox) for m in found]



@pytest.mark.parametrize("color,ground", [("white", 95.0), ("black", 170.0)])
def test_thin_line_arrows_on_a_panel_shrunk_for_analysis(color, ground):
    """Line arrows drawn two pixels wide on a 1500-px micrograph (a time series of an
    EMBO figure): the panel is analysed at about half size, where their lines blend into
    the ground; the lightest / darkest shrink keeps them."""
    canvas = drawing.Canvas(textured_panel(1500, 560, seed=11, mean=ground))
    truths = [drawing.arrow(canvas, (300.0 + 380 * i, 200.0 + 60 * i), 0.6 + 1.7 * i, 60, color, style="line",
                            shaft=1.6) for i in range(3)]
    found = _whole(jpeg(canvas.finish(), 85))
    for true in truths:
        _assert_found(found, true)


@pytest.mark.parametrize("apex,is_arrowhead", [(22.0, False), (40.0, True)])
def test_a_sliver_sharper_than_an_arrowhead_is_none(apex, is_arrowhead):
    """A filled wedge opening 22 degrees at its tip is a sliver of picture, not a drawn
    arrowhead; one opening 40 degrees is."""
    canvas = drawing.Canvas(textured_panel(seed=12))
    true = drawing.arrowhead(canvas, (240.0, 160.0), 0.4, 40, "yellow", apex_deg=apex)
    found = _whole(jpeg(canvas.finish(), 92))
    hits = [m for m in found if m.type == "arrowhead" and _hit(m, true)]
    assert bool(hits) == is_arrowhead, [(m.type, m.bbox) for m in found]


def _bright_teardrop(panel: Image.Image, length: float, width: float, angle: float) -> Image.Image:
    """A soft-edged white structure that narrows to a 3 px tail, widens gradually to
    ``width`` at 72% of its length and tapers to a point (a rib's cortex or a contrast-filled
    vessel on a CT slice)."""
    c, s = math.cos(angle), math.sin(angle)
    profile = [(0.0, 3.0), (0.3, 3.0), (0.72, width), (1.0, 1.0)]
    upper = [(f * length - length / 2, w / 2) for f, w in profile]
    outline = upper + [(x, -y) for x, y in reversed(upper)]
    mask = Image.new("L", panel.size, 0)
    ImageDraw.Draw(mask).polygon([(210 + x * c - y * s, 160 + x * s + y * c) for x, y in outline], fill=255)
    alpha = np.asarray(mask.filter(ImageFilter.GaussianBlur(0.8)))[:, :, None] / 255.0
    return Image.fromarray((np.asarray(panel) * (1 - alpha) + 250 * alpha).astype(np.uint8))


@pytest.mark.parametrize("seed, length, width, angle", [(0, 40.0, 12.0, 0.3), (1, 30.0, 10.0, 1.2),
                                                        (2, 50.0, 15.0, 2.5)])
def test_bright_teardrop_of_the_picture_is_not_an_arrow(seed, length, width, angle):
    """Widening gradually from a thin tail, a bright structure has no head's back: not an
    arrow. A drawn white arrow of the same length beside it still is."""
    canvas = drawing.Canvas(_bright_teardrop(textured_panel(seed=seed, mean=60.0), length, width, angle))
    true = drawing.arrow(canvas, (330.0, 80.0), angle + 0.5, length, "white")
    found = _whole(jpeg(canvas.finish(), 85))
    _assert_found(found, true)
    assert not [m for m in found if m.type == "arrow" and not _hit(m, true)], [(m.type, m.bbox) for m in found]


def _head_slice(size: tuple[int, int] = (400, 440), seed: int = 3) -> Image.Image:
    """A CT-like head slice: a textured brain inside a bright skull ring, on empty black ground."""
    width, height = size
    brain = np.asarray(textured_panel(width, height, seed=seed, mean=110.0))
    inside, ring = Image.new("L", size, 0), Image.new("L", size, 0)
    box = (40, 30, width - 40, height - 30)
    ImageDraw.Draw(inside).ellipse(box, fill=255)
    ImageDraw.Draw(ring).ellipse(box, outline=255, width=7)
    alpha = np.asarray(inside.filter(ImageFilter.GaussianBlur(1.0)))[:, :, None] / 255.0
    bone = np.asarray(ring.filter(ImageFilter.GaussianBlur(0.8)))[:, :, None] / 255.0
    pixels = brain * alpha * (1 - bone) + 245 * bone
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def test_round_silhouette_of_a_scan_on_empty_ground_is_not_a_circle():
    """The skull of a head slice outlines the picture itself; a circle drawn inside it is a
    marker."""
    canvas = drawing.Canvas(_head_slice())
    true = drawing.ellipse(canvas, (240, 110, 310, 170), "white", 2.0)
    found = _whole(canvas.finish())
    circles = [m.bbox for m in found if m.type == "circle"]
    assert len(circles) == 1 and max(abs(a - b) for a, b in zip(circles[0], true.bbox)) <= 4, circles


@pytest.mark.parametrize("kind, size, color", [("circle", 16, "red"), ("circle", 20, "blue"), ("circle", 24, "yellow"),
                                               ("box", 16, "red"), ("box", 18, "blue")])
def test_small_ring_is_a_circle_and_small_square_a_box(kind, size, color):
    """A 16-24 px ring of a thin line on a dark picture (a diffraction spot ringed in red)
    after JPEG is a circle; a square of that size is a box."""
    canvas = drawing.Canvas(textured_panel(220, 180, seed=4, mean=50.0))
    bbox = (100.0, 70.0, 100.0 + size, 70.0 + size)
    true = (drawing.ellipse if kind == "circle" else drawing.box)(canvas, bbox, color, 1.5)
    found = _whole(jpeg(canvas.finish(), 85))
    assert [m.type for m in found if _hit(m, true)] == [kind], [(m.type, m.bbox) for m in found]


def test_tall_arrow_in_a_wide_dark_patch_is_not_a_letter_counter():
    """A letter's counter fills a third or more of it both ways. A white arrow standing in a
    wide dark patch (one of a row of dark cells, which line up like lettering) is only a
    third of the patch's height but a tenth of its width: a marker, not a counter."""
    panel = textured_panel(seed=11, mean=150.0)
    draw = ImageDraw.Draw(panel)
    for x in (20, 160, 300):  # three wide dark cells of like size in a row
        draw.ellipse([x, 100, x + 120, 190], fill=(15, 15, 15))
    canvas = drawing.Canvas(panel)
    true = drawing.arrow(canvas, (220.0, 178.0), math.pi / 2, 36.0, "white")
    image = canvas.finish()
    _assert_found(_whole(image), true)


@pytest.mark.parametrize("kind, radius", [("arrow", 28), ("arrowhead", 28), ("arrow", 70), ("arrowhead", 70)])
def test_white_marker_whose_tip_touches_a_bright_disc(kind, radius):
    """A white marker whose tip touches picture content as bright as it (bone on a CT slice,
    a bright cell) is one white blob with it: of no glyph's shape, or larger than a glyph.
    Cut at the thin neck where they touch, the marker is a piece of its own."""
    panel = textured_panel(seed=1)
    cx, cy = 260, 170
    ImageDraw.Draw(panel).ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=(250, 250, 250))
    canvas = drawing.Canvas(panel)
    tip = (cx - radius + 1.0, float(cy))
    if kind == "arrow":
        true = drawing.arrow(canvas, tip, 0.0, 60.0, "white")
    else:
        true = drawing.arrowhead(canvas, tip, 0.0, 26.0, "white")
    found = _whole(jpeg(canvas.finish(), 85))
    _assert_found(found, true)
    hit = next(m for m in found if _hit(m, true))
    assert math.dist(hit.tip, true.tip) <= 4


@pytest.mark.parametrize("seed", [1, 2])
def test_white_box_whose_side_runs_over_a_bright_structure(seed):
    """A white zoom box on a CT-like slice whose bottom side crosses bright bone: the side
    merges with the bone into one thick blob, but the rest of it is still a thin straight run."""
    panel = textured_panel(320, 300, seed=seed, mean=70.0)
    ImageDraw.Draw(panel).ellipse((168, 186, 196, 226), fill=(250, 250, 250))  # bright bone
    canvas = drawing.Canvas(panel)
    true = drawing.box(canvas, (110.0, 90.0, 220.0, 200.0), "white", 2.0)
    found = _whole(jpeg(canvas.finish(), 90))
    assert [m.type for m in found if _hit(m, true)] == ["box"], [(m.type, m.bbox) for m in found]


def test_parse_markers_drops_a_printed_label_the_layout_read(marked_panel):
    """``parse_markers`` given a layout's panels leaves out the glyph in a panel's label box
    (a white "▲" label is not an arrowhead), as the run does."""
    from panel2patch.layout.records import Panel
    from panel2patch.markers import parse_markers

    image, _ = marked_panel
    whole = (0, 0, image.width, image.height)
    found, _ = parse_markers(image, [Panel(whole)])
    label_box = tuple(int(v) for v in found[0].bbox)
    kept, _ = parse_markers(image, [Panel(whole, label="A", label_bbox=label_box)])
    assert len(kept) == len(found) - 1
    assert all(tuple(int(v) for v in m.bbox) != label_box for m in kept)
