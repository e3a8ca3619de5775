"""Score caption parsing against the shared ground truth (read in place, never copied).

* prostate sub-caption benchmark (196 captions, 849 sub-captions, the preamble repeated
  inside every sub-caption): per-label similarity and BLEU of preamble + sub-caption;
* soda_mmqc ``micrograph-symbols-defined``: caption quotes that define a marker.

Used by ``benchmarks/captions/*.py`` and by the ``shared_data`` tests.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from panel2patch.captions.evaluation import sentence_bleu, similarity
from panel2patch.captions.parse import parse_caption, subcaption_for
from panel2patch.captions.records import CaptionParse
from panel2patch.captions.vocabulary import COLORS

PROSTATE_FILE = "benchmarks/subcaption_prostate/prostate_data_only_annotated_captions.json"


@dataclass(frozen=True)
class AnnotatedCaption:
    key: str
    caption: str
    subcaptions: tuple[tuple[str, str], ...]  # (label, expected text incl. preamble)


@dataclass
class SplitScores:
    captions: int = 0
    labels: int = 0
    similarity: float = 0.0  # mean over labels
    bleu: float = 0.0  # mean over labels
    label_precision: float = 0.0
    label_recall: float = 0.0
    per_label: list[tuple[str, str, float]] = field(default_factory=list)  # key, label, sim


def load_prostate(data_root: Path) -> list[AnnotatedCaption]:
    """The annotated prostate captions in file order."""
    raw = json.loads((data_root / PROSTATE_FILE).read_text(encoding="utf-8"))
    items: list[AnnotatedCaption] = []
    for key, value in raw.items():
        subs = tuple((s["label"]["text"], s["caption"]) for s in value["gt_subfigures"])
        items.append(AnnotatedCaption(key, value["caption"], subs))
    return items


def halves(items: Sequence[AnnotatedCaption]) -> dict[str, list[AnnotatedCaption]]:
    """The fixed development half (even positions) and held-out half (odd positions)."""
    return {"dev": list(items[0::2]), "held_out": list(items[1::2])}


def score_split(items: Sequence[AnnotatedCaption], use_hint: bool = False) -> SplitScores:
    """Score per-label text = preamble + sub-caption against the human split."""
    scores = SplitScores(captions=len(items))
    sims: list[float] = []
    bleus: list[float] = []
    true_positive = predicted = expected = 0
    for item in items:
        gold = [label for label, _ in item.subcaptions]
        parse = parse_caption(item.caption, gold if use_hint else None)
        found = set(parse.labels)
        true_positive += len(found & set(gold))
        predicted += len(found)
        expected += len(set(gold))
        for label, reference in item.subcaptions:
            ours = subcaption_for(parse, label, with_preamble=True)
            sim = similarity(ours, reference)
            sims.append(sim)
            bleus.append(sentence_bleu(ours, reference))
            scores.per_label.append((item.key, label, sim))
    scores.labels = len(sims)
    scores.similarity = sum(sims) / max(len(sims), 1)
    scores.bleu = sum(bleus) / max(len(bleus), 1)
    scores.label_precision = true_positive / max(predicted, 1)
    scores.label_recall = true_positive / max(expected, 1)
    return scores


def throughput(captions: Sequence[str], repeat: int = 3,
               parse: Callable[[str], CaptionParse] = parse_caption) -> float:
    """Captions parsed per second on this core (best of ``repeat`` passes)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for caption in captions:
            parse(caption)
        best = min(best, time.perf_counter() - start)
    return len(captions) / best if best > 0 else float("inf")


# --- soda_mmqc marker definitions -------------------------------------------------------

SODA_DIR = "figures/soda_mmqc"
_SYMBOL_TYPES = (
    ("arrowhead", "arrowhead"), ("arrow head", "arrowhead"), ("arrow", "arrow"),
    ("asterisk", "asterisk"), ("star", "star"), ("dagger", "dagger"), ("hash", "hash"),
    ("box", "box"), ("rectangle", "box"), ("square", "box"), ("circle", "circle"),
    ("dashed", "dashed_line"), ("dotted", "dotted_line"), ("bracket", "bracket"),
    ("inset", "inset"),
)


@dataclass
class MarkerScores:
    """Caption quotes that define a marker, found (or not) among our marker phrases."""

    figures: int = 0
    strict_expected: int = 0  # micrograph panels, quote in caption, type in MARKER_TYPES
    strict_found: int = 0
    strict_labels_ok: int = 0  # … and the panel is among the phrase's labels (or labels == ())
    strict_color_ok: int = 0  # … and the stated colour matches
    all_expected: int = 0  # same over every annotated panel, micrograph or not
    all_found: int = 0
    ours: int = 0  # marker phrases we produced on these captions
    ours_confirmed: int = 0  # … that match some annotated quote
    misses: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # symbols outside the closed set


def symbol_type(symbol: str) -> str | None:
    """"orange arrowheads" -> "arrowhead"; "green filament" -> "highlight" (a structure
    shown in a colour); "dark line" -> None (no marker type of ours)."""
    lowered = symbol.lower()
    kind = next((kind for word, kind in _SYMBOL_TYPES if word in lowered), None)
    if kind is None:
        words = lowered.split()
        colour_first = bool(words) and COLORS.get(words[0]) not in (None, "open", "filled")
        if "overlay" in lowered or "highlight" in lowered or (colour_first and "line" not in words):
            kind = "highlight"
    return kind


def _same_colour(symbol: str, color: str | None) -> bool:
    """The annotated symbol's colour word (if any) is the colour we read."""
    stated = next((COLORS[w] for w in symbol.lower().split() if w in COLORS), None)
    return stated == color


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.lower()) if len(w) > 1]


def _covers(container: str, quote: str, share: float = 0.6) -> bool:
    quote_words = _words(quote)
    if not quote_words:
        return False
    present = set(_words(container))
    return sum(w in present for w in quote_words) / len(quote_words) >= share


def score_soda(data_root: Path) -> MarkerScores:
    """Score marker phrases against ``micrograph-symbols-defined`` annotations."""
    scores = MarkerScores()
    root = data_root / SODA_DIR
    for expected in sorted(root.glob("*/content/*/checks/micrograph-symbols-defined/"
                                     "expected_output.json")):
        figure = expected.parents[2]
        caption = (figure / "content" / "caption.txt").read_text(encoding="utf-8")
        parse = parse_caption(caption)
        scores.figures += 1
        quotes: list[str] = []
        for panel in json.loads(expected.read_text(encoding="utf-8"))["outputs"]:
            triples = zip(panel["symbols"], panel["symbols_defined_in_caption"],  # noqa: B905
                          panel["from_the_caption"])
            for symbol, defined, quote in triples:
                if defined != "yes" or not _covers(caption, quote, 0.8) or len(_words(quote)) < 3:
                    continue
                quotes.append(quote)
                kind = symbol_type(symbol)
                where = f"{figure.parts[-3]}/{panel['panel_label']}: {symbol!r} <- {quote!r}"
                if kind is None:
                    scores.skipped.append(where)
                    continue
                hits = [m for m in parse.marker_phrases
                        if m.marker == kind
                        and (_covers(m.clause, quote) or _covers(quote, m.clause))]
                strict = panel["micrograph"] == "yes"
                scores.all_expected += 1
                scores.all_found += bool(hits)
                if strict:
                    scores.strict_expected += 1
                    scores.strict_found += bool(hits)
                    scores.strict_labels_ok += any(
                        not m.labels or panel["panel_label"] in m.labels for m in hits)
                    scores.strict_color_ok += any(_same_colour(symbol, m.color) for m in hits)
                if not hits:
                    scores.misses.append(where)
        for marker in parse.marker_phrases:
            scores.ours += 1
            if any(_covers(marker.clause, quote) or _covers(quote, marker.clause)
                   for quote in quotes):
                scores.ours_confirmed += 1
            else:
                scores.unconfirmed.append(f"{figure.parts[-3]}: {marker.marker} "
                                          f"{marker.color} | {marker.clause}")
    return scores
