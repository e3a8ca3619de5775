"""A stretch of caption text that belongs to some panels (the unit the splitting rules edit)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from panel2patch.captions.text import clean_piece
from panel2patch.captions.tokens import LabelToken


@dataclass
class Segment:
    """A stretch of caption text that belongs to ``labels``."""

    labels: tuple[str, ...]
    start: int
    end: int
    token: LabelToken | None = None
    removed: list[tuple[int, int]] = field(default_factory=list)

    def text(self, caption: str) -> str:
        pieces: list[str] = []
        cursor = self.start
        for start, end in sorted(self.removed):
            if self.start <= start < self.end:
                pieces.append(caption[cursor:start])
                cursor = min(end, self.end)
        pieces.append(caption[cursor : self.end])
        joined = ""
        for piece in (p.strip() for p in pieces):
            if piece:
                glue = "" if not joined or piece[0] in ",;.:)]" else " "
                joined = f"{joined}{glue}{piece}"
        return clean_piece(joined)


class SegmentIndex:
    """Find the innermost segment holding a position without scanning every segment.

    Segments are mostly disjoint (shared and legend segments nest inside others), so looking
    back over a few segments that start before the position is enough.
    """

    _LOOK_BACK = 16

    def __init__(self, segments: list[Segment], with_token: bool = False) -> None:
        kept = [s for s in segments if s.labels and (s.token is not None or not with_token)]
        self._segments = sorted(kept, key=lambda s: s.start)
        self._starts = [s.start for s in self._segments]

    def labels_at(self, pos: int) -> tuple[str, ...]:
        """Labels of the smallest segment holding ``pos``; () when none does."""
        index = bisect_right(self._starts, pos)
        holding = [s for s in self._segments[max(0, index - self._LOOK_BACK) : index]
                   if s.end > pos]
        return min(holding, key=lambda s: s.end - s.start).labels if holding else ()
