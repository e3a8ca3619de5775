"""``parse_caption`` and ``subcaption_for``: the public entry points of caption parsing."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from panel2patch.captions.labels import expand_panel_names
from panel2patch.captions.legends import Legend, find_legends
from panel2patch.captions.markers import find_marker_phrases
from panel2patch.captions.positions import find_position_tokens
from panel2patch.captions.records import CaptionParse
from panel2patch.captions.roles import assign_roles
from panel2patch.captions.scale_bars import find_scale_bars
from panel2patch.captions.sequence import label_family
from panel2patch.captions.split import split_caption
from panel2patch.captions.text import join_texts, normalise_caption
from panel2patch.captions.tokens import LabelToken, find_label_tokens

# Captions longer than this are parsed up to here only; PMC captions rarely pass 5 kB.
MAX_CAPTION_CHARS = 100_000


def parse_caption(text: str, image_labels: Sequence[str] | None = None) -> CaptionParse:
    """Split a figure caption into preamble, sub-captions, marker phrases and scale bars.

    ``image_labels`` are the panel labels read from the image (e.g. ["A", "B", "C"]); they
    help decide borderline tokens (is this "A" a label or an article?) but are optional.
    Never raises on odd input: a caption without labels comes back as a preamble only.
    """
    caption = normalise_caption(str(text or "")[:MAX_CAPTION_CHARS])
    hint = expand_panel_names(list(image_labels or ()))
    legends = find_legends(caption)
    legend_starts = [legend.start for legend in legends]
    tokens = [t for t in find_label_tokens(caption)
              if not _inside(legends, legend_starts, t.start)]
    delimiters = assign_roles(caption, tokens, hint)
    if not delimiters:
        delimiters = find_position_tokens(caption)
    legends = _consistent_legends(legends, delimiters)
    mentions = [t for t in tokens if t.role == "mention"]
    preamble, subcaptions, segments = split_caption(caption, delimiters, mentions, hint, legends)
    known = tuple(dict.fromkeys([lab for s in subcaptions for lab in s.labels] + list(hint)))
    return CaptionParse(
        preamble=preamble,
        subcaptions=subcaptions,
        marker_phrases=find_marker_phrases(caption, segments, mentions, known),
        scale_bars=find_scale_bars(caption, segments, mentions, known),
    )


def _inside(legends: list[Legend], starts: list[int], pos: int) -> bool:
    """Whether ``pos`` falls inside one of the (sorted, disjoint) legend parentheses."""
    index = bisect_right(starts, pos) - 1
    return index >= 0 and pos < legends[index].end


def _consistent_legends(legends: list[Legend], delimiters: list[LabelToken]) -> list[Legend]:
    """Drop legends whose labels are of another family than the caption's panel labels."""
    if not delimiters or delimiters[0].form == "position":
        return legends
    family = label_family(delimiters[0].labels[0])
    return [lg for lg in legends
            if all(label_family(labels[0]) == family for labels, _, _ in lg.items)]


def subcaption_for(parse: CaptionParse, label: str, with_preamble: bool = True) -> str:
    """The text for one panel: preamble (optional) + every sub-caption naming ``label``.

    Falls back to a case-insensitive match ("b" for "B"), then to the parent panel for a
    sub-panel ("C" for "C1" or "Cii"). A label the caption never names gets the preamble
    plus the text shared by all panels, if any.
    """
    wanted = label.strip()
    candidates = [wanted, wanted.lower(), wanted.upper()]
    if len(wanted) > 1 and wanted[:1].isalpha():
        candidates += [wanted[:1], wanted[:1].lower(), wanted[:1].upper()]
    known = parse.labels
    chosen = next((c for c in candidates if c in known), None)
    parts = [parse.preamble] if with_preamble else []
    if chosen is not None:
        parts += [sub.text for sub in parse.subcaptions if chosen in sub.labels]
    elif known:
        everyone = set(known)
        parts += [sub.text for sub in parse.subcaptions if set(sub.labels) == everyone
                  and len(everyone) > 1]
    return join_texts(parts)
