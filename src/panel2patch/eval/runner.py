"""Evaluate models on tasks: retrieval on a run's split, and zero-shot tasks from the registry."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from panel2patch.eval.models import EvalModel
from panel2patch.eval.readers import DataNotFoundError, read_task_data
from panel2patch.eval.results import TaskResult
from panel2patch.eval.retrieval import RETRIEVAL_TASKS, LevelPairs, collect_pairs, score_pairs
from panel2patch.eval.splits import SPLIT_NAMES, SPLITS_FILE, SplitRule, read_rule
from panel2patch.eval.tasks import ZeroShotTask
from panel2patch.eval.zeroshot import evaluate_zeroshot
from panel2patch.train.config import DataConfig, HierarchyConfig, ImageConfig
from panel2patch.train.hierarchy import article_of
from panel2patch.train.shards import resolve_sources
from panel2patch.train.stream import excluded_from_training

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrievalPlan:
    run: Path
    split: str = "test"  # train | val | test | all
    levels: tuple[str, ...] = tuple(RETRIEVAL_TASKS)
    hierarchy: HierarchyConfig = field(default_factory=HierarchyConfig)


def split_rule_of(run: Path) -> tuple[SplitRule, bool]:
    """The run's split rule and whether it came from its splits file (else the default rule)."""
    rule = read_rule(run)
    return (rule, True) if rule is not None else (SplitRule(), False)


def trained_on(model: EvalModel, run: Path, keys: Sequence[str]) -> set[str]:
    """Articles among ``keys`` that a ``panel2patch train`` checkpoint read from this same run
    (its ``train_config.json`` says which sources and which articles it excluded)."""
    if model.spec.kind != "checkpoint":
        return set()
    folder = Path(model.spec.arch)
    config_file = next((f / "train_config.json" for f in (folder, folder.parent) if (f / "train_config.json").is_file()),
                       None)
    if config_file is None:
        return set()
    try:
        data = json.loads(config_file.read_text())["config"]["data"]
        sources = {Path(s).resolve() for s in data.get("sources", ()) if "://" not in s}
        fractions = data.get("split_fractions")
        config = DataConfig(holdout_percent=float(data.get("holdout_percent") or 0.0),
                            split_fractions=tuple(fractions) if fractions else None,
                            split_seed=int(data.get("split_seed") or 0))
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    if run.resolve() not in sources:
        return set()
    return {article for article in map(article_of, keys) if not excluded_from_training(article, config)}


class RetrievalEvaluator:
    """Collects each level's pairs once per image configuration and scores every model on them."""

    def __init__(self, plan: RetrievalPlan) -> None:
        if plan.split not in (*SPLIT_NAMES, "all"):
            raise ValueError(f"split must be one of {', '.join(SPLIT_NAMES)} or all, not {plan.split!r}")
        unknown = set(plan.levels) - set(RETRIEVAL_TASKS)
        if unknown:
            raise ValueError(f"unknown retrieval level(s) {sorted(unknown)}; use {', '.join(RETRIEVAL_TASKS)}")
        self.plan = plan
        self.urls = resolve_sources([str(plan.run)])
        self.rule, self.from_file = split_rule_of(plan.run)
        if not self.from_file:
            log.warning("%s has no %s: using the default article split (train/val/test %s, seed %d), the same "
                        "`panel2patch split %s` would write", plan.run, SPLITS_FILE, self.rule.fractions,
                        self.rule.seed, plan.run)
        self._pairs: dict[tuple[ImageConfig, str], LevelPairs] = {}

    def keep(self, article: str) -> bool:
        return self.plan.split == "all" or self.rule.split_of(article) == self.plan.split

    def pairs(self, image: ImageConfig, name: str) -> LevelPairs:
        key = (image, name)
        if key not in self._pairs:
            task = RETRIEVAL_TASKS[name]
            self._pairs[key] = collect_pairs(self.urls, task.level, image, self.plan.hierarchy, self.keep, task.text_of)
        return self._pairs[key]

    def evaluate(self, model: EvalModel) -> TaskResult:
        started = time.perf_counter()
        levels, skipped, details = {}, {}, {}
        leaked: set[str] = set()
        for name in self.plan.levels:
            pairs = self.pairs(model.image, name)
            if len(pairs.keys) < 2:
                skipped[name] = f"{len(pairs.keys)} {name} pair(s) among {self.plan.split} articles: not scored"
                continue
            levels[name] = score_pairs(model.model, model.tokenizer, pairs, model.device).to_dict()
            leaked |= trained_on(model, self.plan.run, pairs.keys)
        if leaked:  # a checkpoint trained on this run without its splits: say so, in the log and the result
            details["trained_on_evaluated_articles"] = sorted(leaked)
            log.warning("%s was trained on %d of the %s articles it is evaluated on (%s): these scores are not "
                        "held-out; run `panel2patch split %s` before training", model.spec.name, len(leaked),
                        self.plan.split, ", ".join(sorted(leaked)[:3]) + (", ..." if len(leaked) > 3 else ""),
                        self.plan.run)
        details = {
            **details,
            "run": str(self.plan.run),
            "split_rule": {"fractions": dict(zip(SPLIT_NAMES, self.rule.fractions)), "seed": self.rule.seed,
                           "from": SPLITS_FILE if self.from_file else "default (no splits file)"},
            "seconds": round(time.perf_counter() - started, 2),
        }
        if skipped:
            details["skipped_levels"] = skipped
        status, message = ("ok", "") if levels else ("skipped", "no level has pairs: " + "; ".join(skipped.values()))
        return TaskResult(model.spec.name, model.spec.source, "retrieval", "retrieval", self.plan.split, status,
                          message, levels=levels, details=details)


@dataclass(frozen=True)
class ZeroShotPlan:
    tasks: tuple[ZeroShotTask, ...]
    data_root: Path | None
    limit: int | None = None  # at most this many images per task (seeded random choice)
    resamples: int = 1000
    seed: int = 0


def evaluate_zeroshot_tasks(model: EvalModel, plan: ZeroShotPlan) -> Iterator[TaskResult]:
    for task in plan.tasks:
        base = {"model": model.spec.name, "model_source": model.spec.source, "task": task.name, "kind": "zeroshot",
                "split": task.split if task.reader == "npz" else "all"}
        started = time.perf_counter()
        try:
            data = read_task_data(task, plan.data_root).subset(plan.limit, plan.seed)
        except DataNotFoundError as exn:
            hint = "" if plan.data_root else " (no data root: give --data-root or set PANEL2PATCH_EVAL_DATA)"
            yield TaskResult(**base, status="skipped", message=f"{exn}{hint}")
            continue
        except (OSError, ValueError) as exn:
            yield TaskResult(**base, status="error", message=f"cannot read the task's data: {exn}")
            continue
        outcome = evaluate_zeroshot(model, task, data, plan.resamples, plan.seed)
        yield TaskResult(**base, metrics=outcome.metrics, details={
            "images": outcome.images, "classes": list(task.class_names), "majority_baseline": outcome.chance,
            "templates": len(task.templates), "domain": task.domain, "bootstrap_resamples": plan.resamples,
            "seconds": round(time.perf_counter() - started, 2),
        })


def task_names(requested: Sequence[str], registry: dict[str, ZeroShotTask]) -> tuple[bool, list[str]]:
    """``(retrieval?, zero-shot task names)`` from ``--tasks`` values: retrieval, zeroshot (every
    registry task), local (the registry's local sets), all, or registry task names."""
    retrieval, names = False, []
    for value in (v.strip() for item in requested for v in item.split(",")):
        if not value:
            continue
        if value in ("retrieval", "all"):
            retrieval = True
        if value in ("zeroshot", "all"):
            names += list(registry)
        elif value == "local":
            names += [n for n, t in registry.items() if t.local]
        elif value in registry:
            names.append(value)
        elif value != "retrieval":
            raise ValueError(f"unknown task {value!r}: use retrieval, zeroshot, local, all, or one of "
                             f"{', '.join(registry)}")
    return retrieval, list(dict.fromkeys(names))
