"""Body-text sentences that cite a panel ("… as shown in Fig. 2B–D") as extra panel text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from panel2patch.captions.labels import expand_panel_names
from panel2patch.captions.text import normalise_caption

#: Key under which mentions that name no panel (the whole figure) are collected.
WHOLE_FIGURE = ""


class MentionLike(Protocol):
    """What ``panel2patch.records.FigureMention`` offers."""

    sentence: str
    panels: Sequence[str]


Mention = MentionLike | tuple[str, Sequence[str]]


def _unpack(mention: Mention) -> tuple[str, Sequence[str]]:
    if isinstance(mention, tuple):
        sentence, panels = mention
        return str(sentence), panels
    return str(mention.sentence), mention.panels


def mention_texts_by_panel(mentions: Iterable[Mention],
                           include_whole_figure: bool = False) -> dict[str, list[str]]:
    """Group inline mention sentences by the panel letters they name.

    Accepts ``FigureMention`` records or plain ``(sentence, panels)`` tuples. Panel names
    are expanded ("B-D" -> B, C, D) and kept as written; a sentence naming several panels
    goes to each, once per panel, in first-seen order. Sentences that name no panel cite the
    whole figure: they are left out unless ``include_whole_figure``, then they are listed
    under ``WHOLE_FIGURE`` ("").
    """
    out: dict[str, list[str]] = {}
    for mention in mentions:
        sentence, panels = _unpack(mention)
        sentence = normalise_caption(sentence)
        if not sentence:
            continue
        names = expand_panel_names(list(panels or ()))
        if not names:
            if not include_whole_figure:
                continue
            names = (WHOLE_FIGURE,)
        for name in names:
            texts = out.setdefault(name, [])
            if sentence not in texts:
                texts.append(sentence)
    return out
