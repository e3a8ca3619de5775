"""Caption understanding: sub-captions per panel, marker phrases, scale bars, panel mentions.

Rule-based and fast (thousands of captions per second per core), no model needed::

    parse = parse_caption("Title. (A) H&E. (B) Ki-67; arrowheads indicate mitoses. "
                          "Scale bar, 50 µm.")
    subcaption_for(parse, "B")       # "Title. Ki-67; arrowheads indicate mitoses. …"
    parse.marker_phrases[0].phrase   # "mitoses"
    parse.to_dict()                  # the JSON of ``panel2patch caption``
"""

from panel2patch.captions.mentions import WHOLE_FIGURE, mention_texts_by_panel
from panel2patch.captions.parse import parse_caption, subcaption_for
from panel2patch.captions.records import CaptionParse, MarkerPhrase, ScaleBar, SubCaption
from panel2patch.captions.vocabulary import COLORS, MARKER_TYPES, UNITS

__all__ = [
    "COLORS",
    "MARKER_TYPES",
    "UNITS",
    "WHOLE_FIGURE",
    "CaptionParse",
    "MarkerPhrase",
    "ScaleBar",
    "SubCaption",
    "mention_texts_by_panel",
    "parse_caption",
    "subcaption_for",
]
