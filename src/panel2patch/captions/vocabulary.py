"""The closed vocabularies of caption parsing: marker types, colours, scale-bar units.

Everything downstream (region records, the marker detector, statistics) keys on these
strings, so they live in one place and only grow deliberately.
"""

from __future__ import annotations

# Marker types, singular. A drawn "dashed box" is a box; "dashed"/"dotted" name a type
# only for lines and outlines. "highlight" is a structure drawn over or outlined in a colour
# ("filaments highlighted in green", "tumour outlined in red", "orange overlay").
MARKER_TYPES: tuple[str, ...] = (
    "arrow",
    "arrowhead",
    "asterisk",
    "star",
    "dagger",
    "hash",
    "box",
    "circle",
    "dashed_line",
    "dotted_line",
    "bracket",
    "inset",
    "highlight",
)

# Lower-case surface word (singular or plural) -> marker type. Multi-word forms are
# matched by ``markers.MARKER_WORD_RE``; this table names the head noun.
MARKER_WORDS: dict[str, str] = {
    "arrow": "arrow",
    "arrows": "arrow",
    "arrowhead": "arrowhead",
    "arrowheads": "arrowhead",
    "arrow head": "arrowhead",
    "arrow heads": "arrowhead",
    "arrow-head": "arrowhead",
    "arrow-heads": "arrowhead",
    "asterisk": "asterisk",
    "asterisks": "asterisk",
    "star": "star",
    "stars": "star",
    "dagger": "dagger",
    "daggers": "dagger",
    "hash": "hash",
    "hashes": "hash",
    "hashtag": "hash",
    "hashtags": "hash",
    "pound sign": "hash",
    "pound signs": "hash",
    "box": "box",
    "boxes": "box",
    "boxed": "box",
    "rectangle": "box",
    "rectangles": "box",
    "rectangular": "box",
    "square": "box",
    "squares": "box",
    "frame": "box",
    "frames": "box",
    "framed": "box",
    "circle": "circle",
    "circles": "circle",
    "circled": "circle",
    "encircled": "circle",
    "oval": "circle",
    "ovals": "circle",
    "ellipse": "circle",
    "ellipses": "circle",
    "bracket": "bracket",
    "brackets": "bracket",
    "inset": "inset",
    "insets": "inset",
    "insert": "inset",
    "inserts": "inset",
}

# Symbol characters that are markers when used as one ("glands (*)", "# marks the lumen").
MARKER_SYMBOLS: dict[str, str] = {
    "*": "asterisk",
    "\u2217": "asterisk",  # ∗
    "\u2731": "asterisk",  # ✱
    "\u2605": "star",  # ★
    "\u2606": "star",  # ☆
    "\u2020": "dagger",  # †
    "\u2021": "dagger",  # ‡
    "#": "hash",
}

# Colours (and the open/filled fill attribute, reported in ``color`` when no colour is
# stated). Surface form -> canonical name.
COLORS: dict[str, str] = {
    "white": "white",
    "black": "black",
    "red": "red",
    "yellow": "yellow",
    "green": "green",
    "blue": "blue",
    "cyan": "cyan",
    "turquoise": "cyan",
    "magenta": "magenta",
    "orange": "orange",
    "purple": "purple",
    "violet": "purple",
    "pink": "pink",
    "brown": "brown",
    "grey": "grey",
    "gray": "grey",
    "open": "open",
    "hollow": "open",
    "empty": "open",
    "filled": "filled",
    "solid": "filled",
    "closed": "filled",
}

# Scale-bar unit surface form (lower-cased) -> canonical unit. "µ" is U+00B5.
UNITS: dict[str, str] = {
    "nm": "nm",
    "nanometer": "nm",
    "nanometers": "nm",
    "nanometre": "nm",
    "nanometres": "nm",
    "\u00b5m": "µm",
    "\u03bcm": "µm",
    "um": "µm",
    "mum": "µm",
    "micron": "µm",
    "microns": "µm",
    "micrometer": "µm",
    "micrometers": "µm",
    "micrometre": "µm",
    "micrometres": "µm",
    "mm": "mm",
    "millimeter": "mm",
    "millimeters": "mm",
    "millimetre": "mm",
    "millimetres": "mm",
    "cm": "cm",
    "centimeter": "cm",
    "centimeters": "cm",
    "centimetre": "cm",
    "centimetres": "cm",
}
