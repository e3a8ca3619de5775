"""Cut a caption into a preamble and per-panel sub-captions at its delimiting label tokens.

An opening token's sub-caption runs from the token to the next delimiter; a closing
token ("… stained for LDLR (a); …", "… are shown in (d).") takes the text of its sentence
before it (from the previous delimiter when that is in the same sentence). A trailing
closing label is dropped from the text; a reference ("shown in (d)") is kept, which is the
convention of human-split captions. The last sub-caption is then checked for a shared
tail (``shared.is_figure_wide``) that goes to every panel, or to the panels it names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from panel2patch.captions.legends import Legend, legend_text
from panel2patch.captions.lists import share_list_stems, split_enumerations
from panel2patch.captions.records import SubCaption
from panel2patch.captions.segments import Segment
from panel2patch.captions.shared import is_figure_wide
from panel2patch.captions.text import sentence_spans, span_at
from panel2patch.captions.tokens import PREPOSITIONS, LabelToken


def _sentence_start(spans: list[tuple[int, int]], pos: int) -> int:
    span = span_at(spans, pos)
    return span[0] if span else pos


def _sentence_end(spans: list[tuple[int, int]], pos: int) -> int:
    span = span_at(spans, pos)
    return span[1] if span else pos


def _segments(text: str, delimiters: Sequence[LabelToken],
              spans: list[tuple[int, int]]) -> list[Segment]:
    segments: list[Segment] = []
    shared: list[Segment] = []
    previous_end = 0
    for token in delimiters:
        if token.role == "shared":
            start = max(_sentence_start(spans, token.start), previous_end)
            shared.append(Segment(token.labels, start, _sentence_end(spans, token.start), token))
            continue
        if token.role == "open":
            segment = Segment(token.labels, token.end, len(text), token)
        else:
            start = max(_sentence_start(spans, token.start), previous_end)
            keep_label = token.prev_word in PREPOSITIONS
            removed = [] if keep_label else [(token.start, token.end)]
            segment = Segment(token.labels, start, len(text), token, removed)
        if segments:
            segments[-1].end = max(segments[-1].start, segment.start
                                   if token.role == "close" else token.start)
        segments.append(segment)
        previous_end = token.end
    if segments:
        segments[-1].end = len(text)
    share_list_stems(text, segments, spans)
    return sorted(segments + shared, key=lambda s: s.start)


# Sentences that keep talking about the panel just described ("Note the strong staining…").
_CONTINUATION_RE = re.compile(
    r"(?:note|notice|observe|also|some other|other|same|the same|at higher|in the (?:center|"
    r"centre|middle))\b", re.IGNORECASE)


def _sentence_count(spans: list[tuple[int, int]], segment: Segment) -> int:
    return sum(1 for start, end in spans if start < segment.end and end > segment.start)


def _tail_start(text: str, segments: list[Segment], spans: list[tuple[int, int]]) -> int | None:
    """Offset where a figure-wide tail starts inside the last segment, if any.

    A tail starts at the first later sentence that reads figure-wide, or right after the
    last panel's first sentence when every other panel has a one-sentence sub-caption (the
    extra sentences then describe the figure, not the last panel).
    """
    last = max(segments, key=lambda s: (s.end, s.start))
    anchor = last.token.end if last.token is not None else last.start
    own = [(start, end) for start, end in spans if end > last.start and start < last.end]
    own = [span for span in own if span[1] >= anchor]
    if len(own) < 2:
        return None
    others = [s for s in segments if s is not last and s.token is not None]
    terse = len(others) >= 2 and all(_sentence_count(spans, s) == 1 for s in others)
    if terse and len(own) <= 3:  # a long run of extra sentences still describes the panel
        for start, _ in own[1:]:
            if not _CONTINUATION_RE.match(text, start):
                return max(start, last.start)
        return None
    for start, end in own[1:]:
        if is_figure_wide(text[start:end]):
            return max(start, last.start)
    return None


def _tail_segments(text: str, start: int, end: int, mentions: Sequence[LabelToken],
                   universe: tuple[str, ...]) -> list[Segment]:
    """One segment per run of tail sentences with the same panels (named ones, else all)."""
    out: list[Segment] = []
    known = set(universe)
    mentions = sorted(mentions, key=lambda token: token.start)
    starts = [token.start for token in mentions]
    for s_start, s_end in sentence_spans(text, start, end):
        named: dict[str, None] = {}
        for token in mentions[bisect_left(starts, s_start) : bisect_left(starts, s_end)]:
            for label in token.labels:
                if label in known:
                    named.setdefault(label, None)
        labels = tuple(named) or universe
        if out and out[-1].labels == labels:
            out[-1].end = s_end
        else:
            out.append(Segment(labels, s_start, s_end))
    return out


def split_caption(text: str, delimiters: Sequence[LabelToken], mentions: Sequence[LabelToken],
                  hint: Sequence[str] = (), legends: Sequence[Legend] = (),
                  ) -> tuple[str, list[SubCaption], list[Segment]]:
    """Preamble, sub-captions and the underlying segments (for marker label lookup)."""
    cut = [(legend.start, legend.end) for legend in legends]
    legend_segments = [Segment(labels, start, end) for legend in legends
                       for labels, start, end in legend.items]
    if not delimiters:
        preamble = Segment((), 0, len(text), removed=cut).text(text)
        return preamble, _legend_subcaptions(text, legend_segments), legend_segments
    spans = sentence_spans(text)
    segments = _segments(text, delimiters, spans)
    first = next((t for t in delimiters if t.role != "shared"), delimiters[0])
    preamble_end = first.start if first.role == "open" else _sentence_start(spans, first.start)
    preamble = Segment((), 0, preamble_end, removed=cut).text(text)
    universe = tuple(dict.fromkeys([lab for s in segments for lab in s.labels] + list(hint)))
    last = max(segments, key=lambda s: (s.end, s.start))
    tail = _tail_start(text, segments, spans)
    if tail is not None:
        full_end = last.end
        last.end = tail
        segments.extend(_tail_segments(text, tail, full_end, mentions, universe))
    segments = split_enumerations(text, segments, mentions, spans)
    for segment in segments:
        segment.removed.extend(cut)
    segments = sorted(segments + legend_segments, key=lambda s: s.start)
    legend_ids = {id(s) for s in legend_segments}
    subcaptions = [SubCaption(s.labels, legend_text(text, s.start, s.end) if id(s) in legend_ids
                              else s.text(text)) for s in segments]
    return preamble, *_drop_empty(subcaptions, segments)


def _drop_empty(subcaptions: list[SubCaption], segments: list[Segment],
                ) -> tuple[list[SubCaption], list[Segment]]:
    """Drop text-less pieces (a lone "." left by a cut) whose panels have other text."""
    keep = [any(ch.isalnum() for ch in sub.text) for sub in subcaptions]
    covered = {label for sub, ok in zip(subcaptions, keep, strict=True) if ok
               for label in sub.labels}
    pairs = [(sub, seg) for sub, seg, ok in zip(subcaptions, segments, keep, strict=True)
             if ok or not set(sub.labels) <= covered]
    return [sub for sub, _ in pairs], [seg for _, seg in pairs]


def _legend_subcaptions(text: str, segments: list[Segment]) -> list[SubCaption]:
    return [SubCaption(s.labels, legend_text(text, s.start, s.end)) for s in segments]
