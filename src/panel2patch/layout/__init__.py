"""Layout: split a figure into panels and read their printed labels (A, B, C...).

    from panel2patch.layout import parse_layout
    layout = parse_layout(pil_image)          # PanelLayout
    layout.to_dict()["panels"][0]             # {"bbox": [x0, y0, x1, y1], "label": "A", ...}

The default ``classical`` backend runs on a CPU with no model download; other backends
(a learned detector, a VLM) plug in through ``register_backend``.
"""

from panel2patch.layout.backends import (
    LayoutBackend,
    available_backends,
    get_backend,
    parse_layout,
    register_backend,
)
from panel2patch.layout.config import LayoutConfig
from panel2patch.layout.label_reader import (
    LabelReader,
    NullLabelReader,
    RapidOCRLabelReader,
    TesserocrLabelReader,
    get_label_reader,
)
from panel2patch.layout.records import Box, Panel, PanelLayout

__all__ = [
    "Box",
    "LabelReader",
    "LayoutBackend",
    "LayoutConfig",
    "NullLabelReader",
    "Panel",
    "PanelLayout",
    "RapidOCRLabelReader",
    "TesserocrLabelReader",
    "available_backends",
    "get_backend",
    "get_label_reader",
    "parse_layout",
    "register_backend",
]
