"""Recognise figure-wide sentences at the end of a caption.

After the last panel's sub-caption, captions often close with text that applies to every
panel: magnification, scale bars, staining, statistics, "representative of three
experiments", abbreviations, "Source data are available online". Such a sentence starts
the shared tail; everything after it is shared too (unless it names panels).
"""

from __future__ import annotations

import re

_CUES = [
    r"\b(?:all|each|every|both|these)\s+(?:\w+\s+){0,2}?(?:panels?|images?|pictures?|"
    r"photographs?|photomicrographs?|micrographs?|sections?|cores?|fields?|figures?|graphs?|"
    r"plots?|slides?|scans?)\b",
    r"\bscale\s*bars?\b",
    r"^(?:\w+\s+)?bars?\s*(?:[:=,]|represents?|indicates?|equals?|are|is)",
    r"\bbars?\s*[:=]\s*\d",
    r"^\(?(?:immunohistochemistry|immunohistochemical|immunostaining|ihc|"
    r"hematoxylin|haematoxylin|h\s?&\s?e|he)\b",
    r"\bcounterstain",
    r"\boriginal\s+(?:diameter|size|objective)",
    r"\bmagnifications?\b",
    r"(?:[×x*]\s?\d{2,4}\b|\b\d{2,4}\s?[×x*](?!\w))",
    r"\b(?:data|values|results|error\s+bars?|bars?)\s+(?:are|is|were|represent|show|indicate)"
    r"\b",
    r"\bmean\s*(?:±|\+/[-−]|\u00b1|\(?\s*s\.?[de]\.?m?\.?)",
    r"\b(?:p|P)\s*(?:[<>≤≥=]|value)",
    r"\bsignifican",
    r"\b(?:t[- ]test|anova|mann[- ]whitney|wilcoxon|log[- ]rank|student)",
    r"\brepresentative\b",
    r"\bsource\s+data\b",
    r"\bsee\s+(?:also\s+)?(?:appendix|supplementa|fig|figure|table|methods|text)",
    r"\babbreviations?\b",
    r"\b(?:stain(?:ed|ing)?|counterstain(?:ed)?)\s+(?:with|by)\b",
    r"\b(?:hematoxylin|haematoxylin|h\s?&\s?e)\b",
    r"\bindependent\s+(?:experiments|replicates|biological)",
    r"\bexperiments?\s+(?:were|was)\s+(?:performed|repeated)",
]
_CUE_RE = re.compile("|".join(f"(?:{cue})" for cue in _CUES), re.IGNORECASE)


def is_figure_wide(sentence: str) -> bool:
    """True when ``sentence`` reads like text that applies to every panel."""
    return _CUE_RE.search(sentence) is not None
