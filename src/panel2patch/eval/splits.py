"""Article-level train / val / test splits of a run, by a stable hash of the article id.

The assignment is a pure function of ``(article id, fractions, seed)``: ``article_bucket`` is the
one hash every consumer uses (``panel2patch split``, training's ``--holdout-percent`` and split
filter, evaluation). Buckets ``0..9999`` are laid out test first, then val, then train, so with
seed 0 ``--holdout-percent P`` holds out exactly the test split of fractions ``(1-P, 0, P)``.

``RUN_DIR/splits.json`` records the rule (fractions, seed), the counts per split and the split of
every article of the run, for audit. Readers apply the rule, so an article added to the run later
lands in the split the rule gives it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel2patch.output.atomic import write_bytes_atomic
from panel2patch.train.hierarchy import article_of

SPLITS_FILE = "splits.json"
SPLIT_NAMES = ("train", "val", "test")
BUCKETS = 10_000
DEFAULT_FRACTIONS = (0.8, 0.1, 0.1)


class SplitError(ValueError):
    """A splits file or fraction list that cannot be used."""


def article_bucket(article: str, seed: int = 0) -> int:
    """The article's hash bucket in ``0..9999`` (sha1; seed 0 hashes the bare id)."""
    text = article if seed == 0 else f"{seed}:{article}"
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % BUCKETS


def is_heldout(article: str, percent: float) -> bool:
    """Training's ``--holdout-percent``: the article's bucket falls below ``percent``%."""
    return percent > 0 and article_bucket(article) < percent * BUCKETS / 100


@dataclass(frozen=True)
class SplitRule:
    """Fractions of articles in train, val and test, and the seed of the hash."""

    fractions: tuple[float, float, float] = DEFAULT_FRACTIONS
    seed: int = 0

    def __post_init__(self) -> None:
        if len(self.fractions) != 3 or any(f < 0 for f in self.fractions):
            raise SplitError(f"split fractions must be three non-negative numbers, got {self.fractions}")
        if abs(sum(self.fractions) - 1.0) > 1e-6:
            raise SplitError(f"split fractions must sum to 1, got {self.fractions} (sum {sum(self.fractions):g})")

    def split_of(self, article: str) -> str:
        bucket = article_bucket(article, self.seed)
        test_end = round(self.fractions[2] * BUCKETS)
        val_end = test_end + round(self.fractions[1] * BUCKETS)
        return "test" if bucket < test_end else "val" if bucket < val_end else "train"

    @classmethod
    def parse(cls, text: str, seed: int = 0) -> SplitRule:
        """``"0.8,0.1,0.1"`` (train, val, test)."""
        try:
            values = tuple(float(v) for v in text.replace(":", ",").split(",") if v.strip())
        except ValueError:
            raise SplitError(f"cannot read split fractions {text!r}; write them like 0.8,0.1,0.1") from None
        if len(values) != 3:
            raise SplitError(f"need three fractions train,val,test, got {text!r}")
        return cls(values, seed)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RunSplits:
    """What ``splits.json`` holds."""

    rule: SplitRule
    articles: dict[str, str]  # article id -> split
    figures: dict[str, int]  # figure samples per split

    def counts(self) -> dict[str, dict[str, int]]:
        articles = Counter(self.articles.values())
        return {name: {"articles": articles.get(name, 0), "figures": self.figures.get(name, 0)} for name in SPLIT_NAMES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "rule": {"fractions": dict(zip(SPLIT_NAMES, self.rule.fractions)), "seed": self.rule.seed,
                     "hash": "sha1(article id, or 'SEED:article id' when seed != 0) mod 10000; "
                             "buckets below test*10000 are test, the next val*10000 val, the rest train"},
            "counts": self.counts(),
            "articles": dict(sorted(self.articles.items())),
        }


def assign(keys: Iterable[str], rule: SplitRule) -> RunSplits:
    """The split of every article among sample ``keys`` (figure keys of a run)."""
    articles: dict[str, str] = {}
    figures: Counter = Counter()
    for key in keys:
        article = article_of(key)
        split = articles.setdefault(article, rule.split_of(article))
        figures[split] += 1
    return RunSplits(rule, articles, dict(figures))


def run_keys(run_dir: Path) -> list[str]:
    """Figure sample keys of a local run's finished shards (all shards of a run copied without its
    ``done/`` markers); images are not read."""
    from panel2patch import naming
    from panel2patch.dataset.run_reader import all_shard_tars, iter_shard, run_shards

    run_dir = Path(run_dir)
    shards = run_shards(run_dir) if (run_dir / naming.DONE_DIR).is_dir() else all_shard_tars(run_dir)
    if not shards:
        raise SplitError(f"{run_dir}: no finished shards (is it a run directory made by `panel2patch run`?)")
    return [sample.key for shard in shards for sample in iter_shard(shard, with_images=False)]


def write_splits(run_dir: Path, rule: SplitRule) -> RunSplits:
    splits = assign(run_keys(run_dir), rule)
    write_bytes_atomic(Path(run_dir) / SPLITS_FILE, (json.dumps(splits.to_dict(), indent=2) + "\n").encode())
    return splits


def read_rule(run_dir: str | os.PathLike) -> SplitRule | None:
    """The rule recorded in ``RUN_DIR/splits.json``, or None when the run has no splits file."""
    path = Path(run_dir) / SPLITS_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        fractions = data["rule"]["fractions"]
        return SplitRule(tuple(float(fractions[name]) for name in SPLIT_NAMES), int(data["rule"].get("seed", 0)))
    except (ValueError, KeyError, TypeError) as exn:
        raise SplitError(f"{path} is not a splits file written by `panel2patch split`: {exn}") from exn


def rule_for_sources(sources: Sequence[str]) -> SplitRule | None:
    """The split rule of the local run directories among training sources (all must agree)."""
    rules = {str(s): rule for s in sources if os.path.isdir(str(s)) and (rule := read_rule(s)) is not None}
    if len(set(rules.values())) > 1:
        raise SplitError("training sources carry different splits: "
                         + "; ".join(f"{s}: {r.fractions} seed {r.seed}" for s, r in rules.items()))
    return next(iter(rules.values()), None)
