"""Draw realistic figure markers on an image, with their exact ground truth.

Shared by the synthetic benchmark (``synthetic_markers.py``) and the tests. Everything is drawn on
a transparent layer at ``SUPERSAMPLE`` times the size, then shrunk and composited, so edges
are anti-aliased the way figure software renders them. ``draw_marker`` returns a
``TrueMarker`` (type, box, tip, colour) in the pixel coordinates of the image.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

SUPERSAMPLE = 4

RGB: dict[str, tuple[int, int, int]] = {
    "white": (255, 255, 255),
    "black": (0, 0, 0),
    "red": (230, 20, 20),
    "yellow": (255, 235, 0),
    "green": (30, 210, 40),
    "cyan": (0, 220, 235),
    "blue": (30, 60, 255),
    "magenta": (240, 0, 220),
    "orange": (255, 140, 0),
}


@dataclass(frozen=True)
class TrueMarker:
    type: str
    bbox: tuple[int, int, int, int]  # x1 / y1 exclusive
    tip: tuple[float, float] | None
    color: str
    style: str = "filled"

    def to_dict(self) -> dict:
        return {"type": self.type, "bbox": list(self.bbox), "tip": list(self.tip) if self.tip else None,
                "color": self.color, "style": self.style}


class Canvas:
    """A supersampled transparent layer over ``image``; ``finish`` composites it."""

    def __init__(self, image: Image.Image) -> None:
        self.base = image.convert("RGB")
        self.layer = Image.new("RGBA", (self.base.width * SUPERSAMPLE, self.base.height * SUPERSAMPLE), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.layer)

    def finish(self) -> Image.Image:
        small = self.layer.resize(self.base.size, Image.Resampling.BOX)
        out = self.base.convert("RGBA")
        out.alpha_composite(small)
        return out.convert("RGB")


def _s(values):
    return [v * SUPERSAMPLE for v in values]


def _bbox(points: list[tuple[float, float]], pad: float = 0.0) -> tuple[int, int, int, int]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (math.floor(min(xs) - pad), math.floor(min(ys) - pad),
            math.ceil(max(xs) + pad) + 1, math.ceil(max(ys) + pad) + 1)


def _rot(points, angle: float, origin: tuple[float, float]):
    c, s = math.cos(angle), math.sin(angle)
    ox, oy = origin
    return [(ox + x * c - y * s, oy + x * s + y * c) for x, y in points]


def _polygon(canvas: Canvas, points, fill, outline=None, outline_width: float = 0.0) -> None:
    pts = [tuple(_s(p)) for p in points]
    if outline is not None and outline_width > 0:
        canvas.draw.polygon(pts, fill=fill + (255,) if fill else None, outline=outline + (255,),
                            width=max(1, round(outline_width * SUPERSAMPLE)))
    else:
        canvas.draw.polygon(pts, fill=fill + (255,))


def arrow(canvas: Canvas, tip: tuple[float, float], angle: float, length: float, color: str,
          style: str = "block", shaft: float | None = None, border: str | None = None) -> TrueMarker:
    """An arrow pointing along ``angle`` (radians, 0 = right) whose tip is at ``tip``.

    ``style``: "block" (thick shaft, filled head), "line" (thin shaft, open V head),
    "line_filled" (thin shaft, filled triangular head).
    """
    rgb = RGB[color]
    if style == "block":
        shaft = shaft or max(1.5, length * 0.13)
        head_len, head_w = length * 0.38, shaft * 3.0
    else:
        shaft = shaft or max(1.0, length * 0.035)
        head_len, head_w = length * 0.28, length * 0.3
    # Local frame: tip at origin, arrow along -x.
    if style == "line":
        spread = head_w / 2
        pts_shaft = [(0, 0), (-length, 0)]
        arms = [[(0, 0), (-head_len, -spread)], [(0, 0), (-head_len, spread)]]
        width = max(1, round(shaft * SUPERSAMPLE))
        all_pts = []
        for seg in [pts_shaft] + arms:
            world = _rot(seg, angle, tip)
            all_pts += world
            canvas.draw.line([tuple(_s(p)) for p in world], fill=rgb + (255,), width=width, joint="curve")
        r = shaft / 2 * SUPERSAMPLE
        tx, ty = tip[0] * SUPERSAMPLE, tip[1] * SUPERSAMPLE
        canvas.draw.ellipse([tx - r, ty - r, tx + r, ty + r], fill=rgb + (255,))
        return TrueMarker("arrow", _bbox(all_pts, shaft / 2 + 0.5), tip, color, "line")
    half = shaft / 2
    local = [(0, 0), (-head_len, head_w / 2), (-head_len, half), (-length, half), (-length, -half),
             (-head_len, -half), (-head_len, -head_w / 2)]
    world = _rot(local, angle, tip)
    if border:
        _polygon(canvas, world, rgb, RGB[border], max(1.0, shaft * 0.25))
    else:
        _polygon(canvas, world, rgb)
    return TrueMarker("arrow", _bbox(world, 0.5), tip, color, "filled")


def arrowhead(canvas: Canvas, tip: tuple[float, float], angle: float, size: float, color: str,
              apex_deg: float = 50.0, open_: bool = False, border: str | None = None) -> TrueMarker:
    """An isosceles triangle of height ``size`` whose apex is at ``tip`` pointing along ``angle``."""
    half = size * math.tan(math.radians(apex_deg) / 2)
    local = [(0, 0), (-size, -half), (-size, half)]
    world = _rot(local, angle, tip)
    rgb = RGB[color]
    if open_:
        width = max(1.0, size * 0.14)
        _polygon(canvas, world, None, rgb, width)
        return TrueMarker("arrowhead", _bbox(world, 0.5), tip, color, "open")
    if border:
        _polygon(canvas, world, rgb, RGB[border], max(1.0, size * 0.08))
    else:
        _polygon(canvas, world, rgb)
    return TrueMarker("arrowhead", _bbox(world, 0.5), tip, color, "filled")


def asterisk(canvas: Canvas, centre: tuple[float, float], size: float, color: str, spokes: int = 6,
             angle: float = 0.0, font: ImageFont.FreeTypeFont | None = None, width: float | None = None) -> TrueMarker:
    """An asterisk of diameter ``size``: drawn spokes, or the '*' glyph of ``font``."""
    rgb = RGB[color]
    cx, cy = centre
    if font is not None:
        glyph = Image.new("L", (int(size * 3 * SUPERSAMPLE),) * 2, 0)
        gd = ImageDraw.Draw(glyph)
        gd.text((glyph.width / 2, glyph.height / 2), "*", fill=255, font=font, anchor="mm")
        box = glyph.getbbox()
        if box:
            glyph = glyph.crop(box)
            target = size * SUPERSAMPLE
            factor = target / max(glyph.size)
            glyph = glyph.resize((max(1, round(glyph.width * factor)), max(1, round(glyph.height * factor))))
            if angle:
                glyph = glyph.rotate(math.degrees(angle), expand=True, resample=Image.Resampling.BILINEAR)
            px = round(cx * SUPERSAMPLE - glyph.width / 2)
            py = round(cy * SUPERSAMPLE - glyph.height / 2)
            solid = Image.new("RGBA", glyph.size, rgb + (255,))
            canvas.layer.paste(solid, (px, py), glyph)
            w, h = glyph.width / SUPERSAMPLE, glyph.height / SUPERSAMPLE
            return TrueMarker("asterisk", _bbox([(cx - w / 2, cy - h / 2), (cx + w / 2, cy + h / 2)], 0.5),
                              None, color, "filled")
    width = max(1.0, width if width else size * 0.12)
    if spokes >= 8:
        width = max(1.0, min(width, size * 0.08))
    pts = []
    # An even number of arms is drawn as lines through the centre, an odd one as rays.
    strokes = spokes // 2 if spokes % 2 == 0 else spokes
    for k in range(strokes):
        a = angle + math.pi * k / strokes if spokes % 2 == 0 else angle + 2 * math.pi * k / spokes
        if spokes % 2 == 0:
            p0 = (cx - size / 2 * math.cos(a), cy - size / 2 * math.sin(a))
        else:
            p0 = (cx, cy)
        p1 = (cx + size / 2 * math.cos(a), cy + size / 2 * math.sin(a))
        canvas.draw.line([tuple(_s(p0)), tuple(_s(p1))], fill=rgb + (255,), width=max(1, round(width * SUPERSAMPLE)))
        pts += [p0, p1]
    return TrueMarker("asterisk", _bbox(pts, width / 2 + 0.5), None, color, "filled")


def star(canvas: Canvas, centre: tuple[float, float], size: float, color: str, angle: float = 0.0,
         open_: bool = False) -> TrueMarker:
    outer, inner = size / 2, size / 2 * 0.42
    pts = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        a = angle - math.pi / 2 + math.pi * k / 5
        pts.append((centre[0] + r * math.cos(a), centre[1] + r * math.sin(a)))
    rgb = RGB[color]
    if open_:
        _polygon(canvas, pts, None, rgb, max(1.0, size * 0.07))
    else:
        _polygon(canvas, pts, rgb)
    return TrueMarker("star", _bbox(pts, 0.5), None, color, "open" if open_ else "filled")


def box(canvas: Canvas, bbox: tuple[float, float, float, float], color: str, width: float = 2.0,
        dashed: bool = False, dash: float = 6.0, gap: float = 4.0) -> TrueMarker:
    x0, y0, x1, y1 = bbox
    rgb = RGB[color] + (255,)
    w = max(1, round(width * SUPERSAMPLE))
    if not dashed:
        canvas.draw.rectangle(_s([x0, y0, x1, y1]), outline=rgb, width=w)
        return TrueMarker("box", _bbox([(x0, y0), (x1, y1)], 0.5), None, color, "line")
    for (ax, ay), (bx, by) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = math.hypot(bx - ax, by - ay)
        pos = 0.0
        while pos < length:
            end = min(length, pos + dash)
            p = (ax + (bx - ax) * pos / length, ay + (by - ay) * pos / length)
            q = (ax + (bx - ax) * end / length, ay + (by - ay) * end / length)
            canvas.draw.line([tuple(_s(p)), tuple(_s(q))], fill=rgb, width=w)
            pos = end + gap
    return TrueMarker("dashed_box", _bbox([(x0, y0), (x1, y1)], width / 2 + 0.5), None, color, "dashed")


def corner_box(canvas: Canvas, bbox: tuple[float, float, float, float], color: str, width: float = 2.0,
               arm: float = 0.25, angle: float = 0.0) -> TrueMarker:
    """A zoom box drawn as its four corners alone: Ls whose arms run ``arm`` of each side,
    the whole turned by ``angle`` (radians) about the box's centre."""
    x0, y0, x1, y1 = bbox
    centre = ((x0 + x1) / 2, (y0 + y1) / 2)
    ax, ay = arm * (x1 - x0), arm * (y1 - y0)
    w = max(1, round(width * SUPERSAMPLE))
    for cx, cy, sx, sy in ((x0, y0, 1, 1), (x1, y0, -1, 1), (x1, y1, -1, -1), (x0, y1, 1, -1)):
        corner = ((cx + sx * ax, cy), (cx, cy), (cx, cy + sy * ay))
        points = _rot([(x - centre[0], y - centre[1]) for x, y in corner], angle, centre)
        canvas.draw.line([tuple(_s(p)) for p in points], fill=RGB[color] + (255,), width=w, joint="curve")
    turned = _rot([(x - centre[0], y - centre[1]) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))], angle, centre)
    return TrueMarker("box", _bbox(turned, width / 2 + 0.5), None, color, "corners")


def ellipse(canvas: Canvas, bbox: tuple[float, float, float, float], color: str, width: float = 2.0) -> TrueMarker:
    x0, y0, x1, y1 = bbox
    canvas.draw.ellipse(_s([x0, y0, x1, y1]), outline=RGB[color] + (255,), width=max(1, round(width * SUPERSAMPLE)))
    return TrueMarker("circle", _bbox([(x0, y0), (x1, y1)], 0.5), None, color, "line")


def dashed_ellipse(canvas: Canvas, bbox: tuple[float, float, float, float], color: str, width: float = 2.0,
                   dash: float = 6.0, gap: float = 4.0, phase: float = 0.0) -> TrueMarker:
    """An ellipse drawn as dashes of arc length ``dash`` separated by ``gap`` (a dashed circle)."""
    x0, y0, x1, y1 = bbox
    cx, cy, a, b = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
    rgb = RGB[color] + (255,)
    w = max(1, round(width * SUPERSAMPLE))
    steps = 720
    ts = [phase + 2 * math.pi * i / steps for i in range(steps + 1)]
    pts = [(cx + a * math.cos(t), cy + b * math.sin(t)) for t in ts]
    arc = [0.0]
    for p, q in zip(pts, pts[1:]):
        arc.append(arc[-1] + math.hypot(q[0] - p[0], q[1] - p[1]))
    period = dash + gap
    run: list[tuple[float, float]] = []
    for point, s in zip(pts, arc):
        if s % period < dash:
            run.append(point)
        elif run:
            _dash(canvas, run, rgb, w)
            run = []
    if run:
        _dash(canvas, run, rgb, w)
    return TrueMarker("circle", _bbox([(x0, y0), (x1, y1)], width / 2 + 0.5), None, color, "dashed")


def _dash(canvas: Canvas, run: list[tuple[float, float]], rgb, w: int) -> None:
    if len(run) == 1:
        run = run * 2
    canvas.draw.line([tuple(_s(p)) for p in run], fill=rgb, width=w, joint="curve")


def text(canvas: Canvas, xy: tuple[float, float], content: str, size: float, color: str,
         font_path: str | None = None) -> tuple[int, int, int, int]:
    """A text distractor (channel name, time stamp, panel letter); returns its box."""
    font = load_font(size * SUPERSAMPLE, font_path)
    pos = tuple(_s(xy))
    canvas.draw.text(pos, content, fill=RGB[color] + (255,), font=font)
    box_ = canvas.draw.textbbox(pos, content, font=font)
    return tuple(int(v / SUPERSAMPLE) for v in box_)


def scale_bar(canvas: Canvas, xy: tuple[float, float], length: float, thickness: float, color: str) -> tuple[int, int, int, int]:
    x, y = xy
    canvas.draw.rectangle(_s([x, y, x + length, y + thickness]), fill=RGB[color] + (255,))
    return int(x), int(y), int(x + length) + 1, int(y + thickness) + 1


def skeleton(canvas: Canvas, rng: random.Random, centre: tuple[float, float], size: float, color: str,
             width: float = 1.5) -> tuple[int, int, int, int]:
    """A pose skeleton drawn over a photograph (a distractor, not a marker): a tree of 8-14
    keypoints joined by straight limbs, each keypoint a filled dot. Limbs meet at every
    angle, so joints look like the V of an arrowhead. Returns its box."""
    rgb = RGB[color] + (255,)
    points = [centre]
    for _ in range(rng.randint(7, 13)):
        px, py = rng.choice(points)
        angle, reach = rng.uniform(0, 2 * math.pi), size * rng.uniform(0.15, 0.35)
        point = (px + reach * math.cos(angle), py + reach * math.sin(angle))
        canvas.draw.line([tuple(_s((px, py))), tuple(_s(point))], fill=rgb, width=max(1, round(width * SUPERSAMPLE)))
        points.append(point)
    dot = max(1.0, width * rng.uniform(1.0, 2.2))
    for x, y in points:
        canvas.draw.ellipse(_s([x - dot, y - dot, x + dot, y + dot]), fill=rgb)
    return _bbox(points, dot + 0.5)


def tracing(canvas: Canvas, rng: random.Random, start: tuple[float, float], length: float, color: str,
            width: float = 1.5) -> tuple[int, int, int, int]:
    """A traced structure drawn over a micrograph (a neurite, a vessel, a cell track; a
    distractor, not a marker): a smoothly turning open line with 0-2 branches. Returns its box."""
    rgb = RGB[color] + (255,)
    w = max(1, round(width * SUPERSAMPLE))
    every: list[tuple[float, float]] = []
    branches = [(start, rng.uniform(0, 2 * math.pi), length)]
    while branches:
        (x, y), heading, left = branches.pop()
        run, step = [(x, y)], max(1.0, length / 40)
        while left > 0:
            heading += rng.gauss(0, 0.25)
            x, y = x + step * math.cos(heading), y + step * math.sin(heading)
            run.append((x, y))
            left -= step
            if len(every) + len(run) < 200 and rng.random() < 0.02:
                branches.append(((x, y), heading + rng.choice([-1, 1]) * rng.uniform(0.5, 1.2), left * 0.6))
        canvas.draw.line([tuple(_s(p)) for p in run], fill=rgb, width=w, joint="curve")
        every += run
    return _bbox(every, width / 2 + 0.5)


def load_font(size: float, path: str | None = None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in ([path] if path else []) + ["DejaVuSans-Bold.ttf", "DejaVuSans.ttf"]:
        try:
            return ImageFont.truetype(name, max(1, int(size)))
        except OSError:
            continue
    return ImageFont.load_default(size=max(1, int(size)))


def random_marker(canvas: Canvas, rng: random.Random, kind: str, color: str, centre: tuple[float, float],
                  short: float) -> TrueMarker:
    """One marker of ``kind`` with random size, orientation and style near ``centre``."""
    angle = rng.uniform(0, 2 * math.pi)
    if kind == "arrow":
        style = rng.choices(["block", "line", "line_filled"], [0.45, 0.35, 0.2])[0]
        length = short * rng.uniform(0.08, 0.2)
        border = "black" if color == "white" and style == "block" and rng.random() < 0.2 else None
        if style == "line_filled":
            return _line_filled_arrow(canvas, centre, angle, length, color)
        return arrow(canvas, centre, angle, length, color, style=style, border=border)
    if kind == "arrowhead":
        size = short * rng.uniform(0.035, 0.08)
        border = "black" if color in ("white", "yellow") and rng.random() < 0.2 else None
        return arrowhead(canvas, centre, angle, size, color, rng.uniform(35, 65), open_=rng.random() < 0.15,
                         border=border)
    if kind == "asterisk":
        size = short * rng.uniform(0.04, 0.09)
        if rng.random() < 0.6:
            font = load_font(size * 3 * SUPERSAMPLE, rng.choice(["DejaVuSans-Bold.ttf", "DejaVuSans.ttf",
                                                                 "DejaVuSerif-Bold.ttf"]))
            return asterisk(canvas, centre, size, color, font=font)
        return asterisk(canvas, centre, size, color, spokes=rng.choice([5, 6, 6, 8]), angle=angle,
                        width=size * rng.uniform(0.08, 0.13))
    if kind == "star":
        return star(canvas, centre, short * rng.uniform(0.05, 0.1), color, rng.uniform(-0.3, 0.3),
                    open_=rng.random() < 0.2)
    width = rng.choice([1.0, 1.5, 2.0, 3.0]) * max(1.0, short / 400)
    bw = short * rng.uniform(0.15, 0.4)
    bh = bw * rng.uniform(0.6, 1.5)
    bbox = (centre[0] - bw / 2, centre[1] - bh / 2, centre[0] + bw / 2, centre[1] + bh / 2)
    if kind == "box":
        return box(canvas, bbox, color, width)
    if kind == "dashed_box":
        dash = max(2.0, short * rng.uniform(0.012, 0.03))
        return box(canvas, bbox, color, width, dashed=True, dash=dash, gap=dash * rng.uniform(0.5, 1.0))
    if kind == "corner_box":  # mostly square to the picture, some turned a little
        turn = rng.uniform(-0.25, 0.25) if rng.random() < 0.3 else 0.0
        return corner_box(canvas, bbox, color, max(width, 1.5), arm=rng.uniform(0.12, 0.35), angle=turn)
    if kind == "circle":
        return ellipse(canvas, bbox, color, width)
    if kind == "dashed_circle":
        dash = max(2.0, short * rng.uniform(0.01, 0.04))
        return dashed_ellipse(canvas, bbox, color, width, dash=dash, gap=dash * rng.uniform(0.4, 1.5),
                              phase=rng.uniform(0, 2 * math.pi))
    raise ValueError(kind)


def _line_filled_arrow(canvas: Canvas, tip, angle, length, color) -> TrueMarker:
    shaft = max(1.0, length * 0.04)
    head_len, head_w = length * 0.3, length * 0.22
    local_head = [(0, 0), (-head_len, -head_w / 2), (-head_len, head_w / 2)]
    head = _rot(local_head, angle, tip)
    shaft_pts = _rot([(-head_len * 0.8, 0), (-length, 0)], angle, tip)
    _polygon(canvas, head, RGB[color])
    canvas.draw.line([tuple(_s(p)) for p in shaft_pts], fill=RGB[color] + (255,), width=max(1, round(shaft * SUPERSAMPLE)))
    return TrueMarker("arrow", _bbox(head + shaft_pts, shaft / 2 + 0.5), tip, color, "line")
