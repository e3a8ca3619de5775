"""Small rings of a saturated colour: circles round the spots of a diffraction pattern."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from panel2patch.markers import Marker, find_markers
from tests.markers.conftest import drawing, jpeg, textured_panel

# A steel blue whose hue (~100 in OpenCV's 0-179) lies on the cyan / blue class boundary.
STEEL_BLUE = (40, 160, 220)
RED = (230, 20, 20)


def _fft_panel(width: int = 228, height: int = 174, seed: int = 0) -> Image.Image:
    """A dark, noisy diffraction-pattern inset with a few bright spots."""
    rng = np.random.default_rng(seed)
    grey = np.clip(rng.normal(30, 10, (height, width)), 0, 255).astype(np.uint8)
    return Image.fromarray(np.repeat(grey[:, :, None], 3, axis=2))


def _ring(canvas: drawing.Canvas, centre: tuple[float, float], diameter: float, rgb, width: float) -> tuple:
    cx, cy = centre
    r = diameter / 2
    s = drawing.SUPERSAMPLE
    canvas.draw.ellipse([(cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s], outline=rgb + (255,),
                        width=max(1, round(width * s)))
    return (cx - r - 1, cy - r - 1, cx + r + 1, cy + r + 1)


def _spot(canvas: drawing.Canvas, centre: tuple[float, float], radius: float) -> None:
    cx, cy = centre
    s = drawing.SUPERSAMPLE
    canvas.draw.ellipse([(cx - radius) * s, (cy - radius) * s, (cx + radius) * s, (cy + radius) * s],
                        fill=(235, 235, 235, 255))


def _circles_in(found: list[Marker], box: tuple) -> list[Marker]:
    x0, y0, x1, y1 = box
    return [m for m in found if m.type == "circle"
            and x0 <= (m.bbox[0] + m.bbox[2]) / 2 <= x1 and y0 <= (m.bbox[1] + m.bbox[3]) / 2 <= y1]


@pytest.mark.parametrize("seed, quality", [(0, 90), (1, 90)])
def test_small_rings_round_diffraction_spots(seed, quality):
    """7-8 px rings (a 1.6 px stroke round a 4 px hole, 1-2 px apart) in red and in a blue on the cyan / blue
    hue boundary, round white spots of a 228 x 174 px inset, next to white Miller indices
    "(001)": each ring is a circle of its colour (the blue, drawn on the boundary, may read
    as either), the 0's of the lettering are not. (At JPEG 80 the 4:2:0 chroma of the ring
    bleeds into a hole of two or three pixels, which then is no plain hole.)"""
    canvas = drawing.Canvas(_fft_panel(seed=seed))
    centres = [((150.0, 45.0), RED), ((188.0, 68.0), RED), ((171.0, 46.0), STEEL_BLUE),
               ((162.0, 55.0), STEEL_BLUE), ((180.0, 55.0), STEEL_BLUE), ((171.0, 64.0), STEEL_BLUE)]
    for centre, _rgb in centres:
        _spot(canvas, centre, 1.6)
    boxes = [(_ring(canvas, centre, 7.5, rgb, 1.6), ("red",) if rgb == RED else ("blue", "cyan")) for centre, rgb in centres]
    image = canvas.finish()
    ImageDraw.Draw(image).text((60, 130), "(001)", fill=(235, 235, 235), font=drawing.load_font(13))
    found = find_markers(jpeg(image, quality), [(0, 0, 228, 174)])
    for box, colours in boxes:
        hits = _circles_in(found, box)
        assert hits and hits[0].color in colours, (box, [(m.type, m.color, m.bbox) for m in found])
    assert not _circles_in(found, (55, 125, 110, 150))


def _diamond_of_rings(stroke: float):
    """Four 14 px steel-blue rings round white spots in a diamond on an FFT-like panel,
    the lower two touching, JPEG 85: (markers found, the rings' boxes)."""
    canvas = drawing.Canvas(_fft_panel(226, 174, seed=3))
    centres = [(188.0, 28.0), (176.0, 43.0), (200.0, 43.0), (196.0, 54.0)]
    for centre in centres:
        _spot(canvas, centre, 3.0)
    boxes = [_ring(canvas, centre, 13.0, STEEL_BLUE, stroke) for centre in centres]
    return find_markers(jpeg(canvas.finish(), 85), [(0, 0, 226, 174)]), boxes


def test_touching_rings_split_across_the_cyan_blue_boundary():
    """Four 14 px rings round white spots in a diamond, in a blue on the cyan / blue hue
    boundary, the lower two touching: JPEG's hue noise splits each ring between the two
    classes. The separate rings are circles (the touching pair stays one blob; no marker
    is made of it), and lining up with the pair does not make them letters of a word."""
    found, boxes = _diamond_of_rings(stroke=2.0)
    for box in boxes[:2]:
        hits = _circles_in(found, box)
        assert hits and hits[0].color == "blue", (box, [(m.type, m.color, m.bbox) for m in found])


def test_each_of_two_touching_rings_is_a_circle():
    """The two touching rings of the diamond above are one blob with two round holes of one
    size: each is a circle of its own, a hole's box grown by the stroke. (Drawn with the
    1.5 px line of the real rings; a 2 px one measures 2.2 px after JPEG, a bead's thickness.)"""
    found, boxes = _diamond_of_rings(stroke=1.5)
    for box in boxes[2:]:
        hits = _circles_in(found, box)
        assert len(hits) == 1 and abs((hits[0].bbox[2] - hits[0].bbox[0]) - 15) <= 2, \
            (box, [(m.type, m.color, m.bbox) for m in found])


def test_coloured_letters_and_rims_are_not_small_rings():
    """Coloured lettering ("α-actinin", "ORR" and a lone "O" a word space from a "D") and the
    orange rim JPEG blends round a red cell next to yellow ones are no small rings."""
    panel = _fft_panel(300, 220, seed=5)
    draw = ImageDraw.Draw(panel)
    font = drawing.load_font(13)
    draw.text((20, 20), "α-actinin", fill=RED, font=font)
    draw.text((20, 60), "ORR", fill=RED, font=font)
    draw.text((20, 100), "O D", fill=RED, font=font)
    for x, colour in ((200, (230, 220, 30)), (209, (240, 40, 20)), (218, (230, 220, 30))):
        draw.ellipse([x - 4, 150, x + 4, 158], fill=colour)
    found = find_markers(jpeg(panel, 85), [(0, 0, 300, 220)])
    assert not [m for m in found if m.type == "circle"], [(m.color, m.bbox) for m in found]


def test_small_squares_marking_sites():
    """10 px red squares of a 2 px line beside white labels ("Site A") on a grey
    micrograph panel of 360 x 200 px: each is a box (their hole of 0.37 of the filled area
    is too small for the contour fit's 0.45). Lossless, as EXSCLAIM's figures are (PNG under
    a .jpg name). Not yet found after JPEG, even at 95: 4:2:0 chroma smears such a square
    into a blob of spurs that fills neither its box (0.80-0.82) nor its ellipse."""
    image = textured_panel(360, 200, seed=4, mean=95.0)
    draw = ImageDraw.Draw(image)
    boxes = []
    for x, y in ((182, 46), (100, 120)):
        draw.rectangle([x, y, x + 9, y + 9], outline=RED, width=2)  # crisp, as a vector figure rasterised
        boxes.append((x - 1, y - 1, x + 11, y + 11))
        draw.text((x + 14, y - 2), "Site A", fill=(235, 235, 235), font=drawing.load_font(13))
    found = find_markers(image, [(0, 0, 360, 200)])
    for box in boxes:
        x0, y0, x1, y1 = box
        assert any(m.type == "box" and m.color == "red" and x0 <= (m.bbox[0] + m.bbox[2]) / 2 <= x1
                   and y0 <= (m.bbox[1] + m.bbox[3]) / 2 <= y1 for m in found), [(m.type, m.color, m.bbox) for m in found]
