"""The one font lookup for every drawing (figure previews, marker sheets, the report gallery)."""

from __future__ import annotations

from PIL import ImageFont

_FACES = {
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
}


def drawing_font(size: int, bold: bool = True) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """A scalable sans-serif font of ``size`` pixels; Pillow's built-in one where none is installed."""
    for name in _FACES[bold]:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)
