"""Sentences that enumerate panels: "… cells in the absence (A) or presence of Wnt3a (B)".

Such a sentence names several panels, so its shared stem ("… cells in the") goes to each of
them, and each item ("absence", "presence of Wnt3a") only to its own panel. Two places:

* inside a multi-panel sub-caption ("(A–C) p63 staining in the absence (A) or presence of
  Wnt3a (B) or DKK1 (C).") the sentence is cut into per-item pieces when the items cover
  exactly the sub-caption's panels; the text after the last item is shared;
* in captions labelled only by trailing labels ("Levels of ferritin (A), transferrin (B)
  and iron (C)") the later items get the stem the first one starts with.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from panel2patch.captions.segments import Segment
from panel2patch.captions.text import span_at
from panel2patch.captions.tokens import PREPOSITIONS, LabelToken

# The end of a list's shared stem: "… quintiles of | ferritin (A), transferrin (B) …".
_STEM_END_RE = re.compile(r"\b(?:of|for|in|with|from|by|on|to|at|between|against|showing|shows|"
                          r"including)\s+|:\s*", re.IGNORECASE)
_ITEM_LEAD_RE = re.compile(r"[\s,]*(?:(?:and|or|as well as)\s+)?", re.IGNORECASE)
_LEAD_PREPOSITION_RE = re.compile(r"(of|for|in|with|without|from|by|on|to|at)\b", re.IGNORECASE)
_LABEL_PAREN_RE = re.compile(r"\([A-Za-z]\d?\s*(?:[,)\u2013-]|and\b)")
_MAX_ITEM_WORDS = 10


def _stem_end(text: str, start: int, first_token: LabelToken) -> int | None:
    stems = list(_STEM_END_RE.finditer(text, start, first_token.start))
    if not stems or stems[-1].end() >= first_token.start:
        return None
    return stems[-1].end()


def _item_start(text: str, pos: int) -> int:
    lead = _ITEM_LEAD_RE.match(text, pos)
    return lead.end() if lead else pos


def _stem_for_item(text: str, start: int, stem: int, item: int) -> int:
    """Where the stem ends for one item: before the item's own leading preposition when
    the stem has it ("mice with | human cells" for the item "with human cells")."""
    lead = _LEAD_PREPOSITION_RE.match(text, item)
    if lead:
        word = lead.group(1).lower()
        word = "with" if word == "without" else word
        found = [m.start() for m in re.finditer(rf"\b{word}\b", text[start:stem], re.IGNORECASE)]
        if found:
            return start + found[-1]
    return stem


def _short_item(text: str, start: int, end: int) -> bool:
    item = text[start:end]
    words = [word for word in item.split() if any(ch.isalnum() for ch in word)]
    return ";" not in item and "." not in item.strip(" ,") and len(words) <= _MAX_ITEM_WORDS


def _enumeration(text: str, tokens: list[LabelToken], labels: set[str]) -> list[LabelToken]:
    """The run of disjoint trailing labels in one sentence that covers ``labels`` exactly."""
    run: list[LabelToken] = []
    for token in tokens:
        if token.form != "paren" or token.has_extra or token.prev_word in PREPOSITIONS \
                or not set(token.labels) <= labels:
            continue
        if run and (set(token.labels) & {lab for t in run for lab in t.labels}
                    or not _short_item(text, run[-1].end, token.start)):
            break
        run.append(token)
    covered = {label for token in run for label in token.labels}
    return run if len(run) >= 2 and covered == labels else []


def split_enumerations(text: str, segments: list[Segment], mentions: Sequence[LabelToken],
                       spans: list[tuple[int, int]]) -> list[Segment]:
    """Replace enumerating sentences of multi-panel sub-captions by per-item segments."""
    out: list[Segment] = []
    mentions = sorted(mentions, key=lambda token: token.start)
    mention_starts = [token.start for token in mentions]
    span_ends = [end for _, end in spans]
    for segment in segments:
        if segment.token is None or segment.token.role != "open" or len(segment.labels) < 2:
            out.append(segment)
            continue
        pieces: list[Segment] = []
        cursor = segment.start
        for s_start, s_end in spans[bisect_right(span_ends, segment.start):]:
            if s_end > segment.end:
                break
            s_start = max(s_start, segment.start)
            inside = mentions[bisect_left(mention_starts, s_start):
                              bisect_left(mention_starts, s_end)]
            run = _enumeration(text, inside, set(segment.labels))
            if not run:
                continue
            if s_start > cursor:
                pieces.append(Segment(segment.labels, cursor, s_start, segment.token))
            stem = _stem_end(text, s_start, run[0])
            last = run[-1]
            for index, token in enumerate(run):
                start = s_start if index == 0 else _item_start(text, run[index - 1].end)
                piece = Segment(token.labels, s_start, s_end, segment.token)
                if index and stem is not None:
                    piece.removed.append((_stem_for_item(text, s_start, stem, start), start))
                elif index:
                    piece.start = start
                piece.removed.append((token.start, last.end))
                pieces.append(piece)
            cursor = s_end
        if not pieces:
            out.append(segment)
            continue
        if cursor < segment.end:
            pieces.append(Segment(segment.labels, cursor, segment.end, segment.token))
        out.extend(pieces)
    return out


def share_list_stems(text: str, segments: list[Segment], spans: list[tuple[int, int]]) -> None:
    """Give later items of a trailing-label list the stem of the first ("quintiles of")."""
    index = 0
    while index < len(segments):
        first = segments[index]
        run = [first]
        while index + len(run) < len(segments):
            candidate = segments[index + len(run)]
            previous = run[-1].token
            if candidate.token is None or candidate.token.role != "close" or previous is None \
                    or previous.role != "close" or candidate.start != previous.end:
                break
            if not _short_item(text, previous.end, candidate.token.start):
                break
            if set(candidate.labels) & {label for seg in run for label in seg.labels}:
                break  # a second list over the same panels ("… of uninfected (A, D, G, J)")
            run.append(candidate)
        index += len(run)
        token = first.token
        if len(run) < 2 or token is None or first.removed[:1] != [(token.start, token.end)]:
            continue
        if text[: first.start].rstrip(" ,;").endswith(")"):
            continue  # the list does not start its sentence
        _share_suffix(text, run, spans)
        stem = _stem_end(text, first.start, token)
        if stem is None:
            for segment in run[1:]:  # no stem: just drop the ", and" before each item
                segment.removed.append((segment.start, _item_start(text, segment.start)))
            continue
        for segment in run[1:]:
            item = _item_start(text, segment.start)
            segment.removed.append((_stem_for_item(text, first.start, stem, item), item))
            segment.start = first.start


def _share_suffix(text: str, run: list[Segment], spans: list[tuple[int, int]]) -> None:
    """"mRNA (a) and miRNA (b) gene signatures of …": the rest of the sentence after the
    last item belongs to every item."""
    last = run[-1].token
    if last is None:
        return
    span = span_at(spans, last.start)
    suffix = text[last.end : span[1]] if span is not None else ""
    if not suffix.strip(" .,;:") or _LABEL_PAREN_RE.search(suffix):
        return  # nothing to share, or a second list follows ("… of uninfected (A, D, G, J)")
    for segment in run[:-1]:
        if segment.token is not None:
            segment.removed.append((segment.token.start, last.end))
            segment.end = span[1]
