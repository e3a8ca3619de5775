"""BIOMEDICA's concept taxonomy (16 global, 119 local classes) with the text cues of each class.

The taxonomy is a package data file, ``panel2patch/data/taxonomy.json``, loaded once::

    tax = load_taxonomy()
    tax.global_names()                 # ("Clinical Imaging", "Microscopy", ...)
    tax.local_names("Microscopy")      # ("light microscopy", ..., "microscopy")
    tax.kind_concept("micrograph")     # ("Microscopy", "microscopy")

A caller may pass a path to its own copy (edited cues, extra classes) to ``load_taxonomy``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from panel2patch.concepts.records import PanelKind

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


@dataclass(frozen=True)
class Cue:
    text: str
    weight: float
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class LocalClass:
    name: str
    global_class: str
    cues: tuple[Cue, ...]
    kinds_order: tuple[PanelKind, ...] = ()

    @property
    def kinds(self) -> frozenset[PanelKind]:
        return frozenset(self.kinds_order)


@dataclass(frozen=True)
class GlobalClass:
    name: str
    cues: tuple[Cue, ...]
    locals: tuple[LocalClass, ...]
    kinds_order: tuple[PanelKind, ...] = ()

    @property
    def kinds(self) -> frozenset[PanelKind]:
        return frozenset(self.kinds_order)


@dataclass(frozen=True)
class Taxonomy:
    classes: tuple[GlobalClass, ...]
    kind_concepts: dict[PanelKind, tuple[str, str | None]]
    version: int = 1

    def global_names(self) -> tuple[str, ...]:
        return tuple(g.name for g in self.classes)

    def local_names(self, global_class: str) -> tuple[str, ...]:
        return tuple(local.name for local in self.get(global_class).locals)

    def get(self, global_class: str) -> GlobalClass:
        for g in self.classes:
            if g.name == global_class:
                return g
        raise KeyError(f"unknown global class {global_class!r}")

    def local(self, global_class: str, local_class: str) -> LocalClass:
        for local in self.get(global_class).locals:
            if local.name == local_class:
                return local
        raise KeyError(f"unknown local class {local_class!r} of {global_class!r}")

    def kind_concept(self, kind: PanelKind | str) -> tuple[str, str | None]:
        return self.kind_concepts[PanelKind(kind)]

    def kinds_of(self, global_class: str, local_class: str | None = None) -> frozenset[PanelKind]:
        """Panel kinds an image of this concept can have (the local class may narrow them)."""
        g = self.get(global_class)
        if local_class is not None:
            local = self.local(global_class, local_class)
            if local.kinds:
                return local.kinds
        return g.kinds

    def is_valid(self, global_class: str, local_class: str | None = None) -> bool:
        try:
            if local_class is None:
                self.get(global_class)
            else:
                self.local(global_class, local_class)
        except KeyError:
            return False
        return True


def normalise_text(text: str) -> str:
    """Unify dashes and spaces so that cues match "Kaplan–Meier" and "Kaplan-Meier" alike."""
    text = _DASHES.sub("-", text)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def compile_cue(text: str) -> re.Pattern[str]:
    """A cue as a regular expression: whole words, plural endings, flexible hyphens.

    A cue with no lower-case letter ("CT", "H&E", "DAPI") is matched case-sensitively, so
    that abbreviations do not fire on ordinary words ("fish", "pet", "if").
    """
    cue = normalise_text(text.strip())
    prefix = cue.endswith("*")
    cue = cue.rstrip("*")
    parts = []
    for char in cue:
        if char in "- ":
            parts.append(r"[\s\-\u2010-\u2015]?")
        else:
            parts.append(re.escape(char))
    body = "".join(parts)
    if prefix:
        body += r"\w*"
    elif cue[-1:].isalpha():
        body += r"(?:s|es|'s)?"
    start = r"(?<!\w)"
    end = r"(?![\w])" if (cue[-1:].isalnum() or prefix) else ""
    flags = 0 if not any(c.islower() for c in cue) and any(c.isupper() for c in cue) else re.IGNORECASE
    return re.compile(start + body + end, flags)


def _cues(items: list) -> tuple[Cue, ...]:
    cues = []
    for item in items:
        if isinstance(item, str):
            text, weight = item, 1.0
        else:
            text, weight = item["cue"], float(item.get("weight", 1.0))
        cues.append(Cue(text, weight, compile_cue(text)))
    return tuple(cues)


def _kinds(names: list[str] | None) -> tuple[PanelKind, ...]:
    return tuple(PanelKind(name) for name in (names or []))


def parse_taxonomy(data: dict) -> Taxonomy:
    classes = []
    for g in data["global_classes"]:
        locals_ = []
        for local in g["locals"]:
            weight = float(local.get("weight", 1.0))
            cues = tuple(
                Cue(c.text, c.weight * weight if c.weight == 1.0 else c.weight, c.pattern)
                for c in _cues(local.get("cues", []))
            )
            locals_.append(LocalClass(local["name"], g["name"], cues, _kinds(local.get("kinds"))))
        classes.append(GlobalClass(g["name"], _cues(g.get("cues", [])), tuple(locals_), _kinds(g.get("kinds"))))
    kind_concepts = {PanelKind(kind): (pair[0], pair[1]) for kind, pair in data["kind_concepts"].items()}
    return Taxonomy(tuple(classes), kind_concepts, int(data.get("version", 1)))


@lru_cache(maxsize=8)
def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The packaged taxonomy, or the one at ``path``; parsed once and cached."""
    if path is None:
        text = resources.files("panel2patch").joinpath("data/taxonomy.json").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return parse_taxonomy(json.loads(text))
