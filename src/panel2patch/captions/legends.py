"""Per-panel legends inside parentheses: "(A: H&E, ×100; B: Ki-67, ×400)".

Pathology captions often describe the figure once and put per-panel stain and
magnification in a closing parenthesis. Each item becomes text of its panels; the
parenthesis itself is taken out of the surrounding text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from panel2patch.captions.labels import parse_label_list
from panel2patch.captions.tokens import BARE_LIST

_PAREN_RE = re.compile(r"\(([^()]{4,240})\)")
_ITEM_RE = re.compile(rf"(?:^|(?<=[;,])\s*)(?P<labels>{BARE_LIST})\s*[:.]\s+")


@dataclass(frozen=True)
class Legend:
    """One parenthesis with per-panel items."""

    start: int  # of "("
    end: int  # after ")"
    items: tuple[tuple[tuple[str, ...], int, int], ...]  # (labels, text start, text end)


def find_legends(text: str) -> list[Legend]:
    """Parentheses that start with "X:" / "X." and hold at least two labelled items."""
    legends: list[Legend] = []
    for match in _PAREN_RE.finditer(text):
        content = match.group(1)
        items = [(m, parse_label_list(m.group("labels"))) for m in _ITEM_RE.finditer(content)]
        items = [(m, labels) for m, labels in items if labels]
        if len(items) < 2 or items[0][0].start() != 0:
            continue
        base = match.start(1)
        spans = []
        for index, (item, labels) in enumerate(items):
            end = items[index + 1][0].start() if index + 1 < len(items) else len(content)
            spans.append((labels, base + item.end(), base + end))
        legends.append(Legend(match.start(), match.end(), tuple(spans)))
    return legends


def legend_text(text: str, start: int, end: int) -> str:
    """An item's text without the separator that ends it."""
    return text[start:end].strip().rstrip(";,").strip()
