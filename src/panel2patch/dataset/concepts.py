"""Read concept labels off a sample's JSON, whatever stage wrote them.

Concept labels follow BIOMEDICA's taxonomy: a *global* class (Microscopy, Plots and Charts,
Tables, ...) and optionally a *local* one (fluorescence microscopy, bar plot). Panels carry
theirs in ``panels[].concepts``; figures in ``figure_concepts`` (or ``figure.concepts``). An
entry may be a plain global name or a dict (``{"global": ..., "local": ..., "source": ...,
"confidence": ...}``); a sample's *primary* concept is its most confident global class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TABLES = "Tables"
UNLABELLED = "(unlabelled)"
_NAME_KEYS = ("global", "global_concept", "concept", "name", "label")
_SCORE_KEYS = ("confidence", "score", "probability")


def _name(entry: Any) -> str | None:
    if isinstance(entry, str):
        return entry.strip() or None
    if isinstance(entry, Mapping):
        for key in _NAME_KEYS:
            value = entry.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None


def _score(entry: Any) -> float:
    if isinstance(entry, Mapping):
        for key in _SCORE_KEYS:
            value = entry.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
    return 1.0


def global_concepts(entries: Iterable[Any] | None) -> tuple[str, ...]:
    """Distinct global concept names, most confident first (ties keep their order)."""
    scored = [(-_score(e), i, name) for i, e in enumerate(entries or []) if (name := _name(e))]
    seen: dict[str, None] = {}
    for _, _, name in sorted(scored):
        seen.setdefault(name, None)
    return tuple(seen)


def figure_concept_entries(meta: Mapping[str, Any]) -> list[Any]:
    """A figure's concept entries. A JATS ``<table-wrap>`` given as an image is a Table even
    before any concept labeller ran (the XML says so)."""
    figure = meta.get("figure") or {}
    if figure.get("kind") == "table":  # the XML's own word beats any pixel or text guess
        return [{"global": TABLES, "source": "jats", "confidence": 1.0}]
    entries = meta.get("figure_concepts") or figure.get("concepts") or []
    if isinstance(entries, Mapping):  # a run's labeller output: {"kind", "concepts": [...], ...}
        entries = entries.get("concepts") or []
    return list(entries)


def normalize_concept(name: str) -> str:
    """Case- and space-insensitive form, for matching names given on the command line."""
    return " ".join(name.lower().split())


def kind_name(value: Any) -> str | None:
    """A panel's ``kind`` as a string, whether stored plain or as ``{"kind": ..., "score": ...}``."""
    if isinstance(value, Mapping):
        value = value.get("kind")
    return value if isinstance(value, str) and value else None
