"""The offline-lite preset before and after training, through ``panel2patch eval``: zero-shot on the
real classification sets and retrieval on held-out (test-split) articles of the real articles' run.

1. ``panel2patch run ../shared/data/articles`` (unless ``--run`` exists), then
   ``panel2patch split RUN --fractions 0.75,0,0.25``: a quarter of the articles is test, never trained on.
2. For each seed: ``panel2patch train RUN --preset offline-lite --max-steps 50 --seed S`` (train split only).
3. ``panel2patch eval --json`` of the untrained preset (random projection heads drawn with seed S)
   and of each trained checkpoint, on ``--tasks retrieval,local``.

Prints a Markdown report (mean ± sd over seeds, plus the seed-0 table with bootstrap intervals)
and writes it to ``--report``.

    .venv/bin/python benchmarks/eval/offline_preset_eval.py --out /tmp/eval_bench --run /tmp/evalrun
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
CLI = [sys.executable, "-m", "panel2patch"]


def sh(args: list[str], quiet: bool = True) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=REPO)
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, args))} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def evaluate(model: str, run: Path, seed: int, data_root: Path, out: Path | None = None) -> list[dict]:
    args = [*CLI, "eval", "-m", model, "--run", run, "--tasks", "retrieval,local", "--data-root", data_root,
            "--seed", seed, "--json"]
    if out is not None:
        args += ["--out", out]
    return [json.loads(line) for line in sh(args).splitlines() if line.startswith("{")]


CHANCE: dict[str, str] = {}  # row -> what a random model scores there (filled by ``numbers``)


def numbers(results: list[dict]) -> dict[str, float]:
    """Flat ``task metric -> value`` of one model's results (percent)."""
    flat = {}
    for result in results:
        if result["status"] != "ok":
            continue
        if result["kind"] == "retrieval":
            for level, scores in result["levels"].items():
                for direction, short in (("image_to_text", "i2t"), ("text_to_image", "t2i")):
                    for k in (1, 5, 10):
                        key = f"retrieval {level} {short} R@{k} ({scores['candidates']} pairs)"
                        flat[key] = 100 * scores[direction][f"recall@{k}"]
                        CHANCE[key] = f"{100 * min(1.0, k / scores[direction]['candidates']):.1f}"
        else:
            for metric, values in result["metrics"].items():
                key = f"{result['task']} {metric} ({result['images']} images)"
                flat[key] = 100 * values["value"]
                CHANCE[key] = {"accuracy": f"{100 * result['majority_baseline']:.1f} (majority)",
                               "balanced_accuracy": f"{100 / len(result['classes']):.1f}"}.get(metric, "")
    return flat


def region_pairs(run: Path) -> str:
    """How many region pairs (a region box with a text) the whole run holds, in every split."""
    code = ("import sys; from panel2patch.train.config import HierarchyConfig, Level; "
            "from panel2patch.train.shards import iter_raw_samples, resolve_sources; "
            "from panel2patch.train.stream import parse_figure; from panel2patch.train.skips import SkipLog; "
            "from panel2patch.train.hierarchy import level_nodes; import logging; "
            "n = sum(len(level_nodes(f.tree, Level.REGION, HierarchyConfig())) for u in resolve_sources([sys.argv[1]]) "
            "for s in iter_raw_samples(u) if (f := parse_figure(s, HierarchyConfig(), SkipLog(logging.getLogger()))))"
            "; print(n)")
    count = sh([sys.executable, "-c", code, run]).strip()
    return f"{count} region pair(s) in all splits together"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/eval_bench"))
    parser.add_argument("--run", type=Path, default=None, help="Existing run of ../shared/data/articles.")
    parser.add_argument("--data-root", type=Path, default=SHARED / "classification")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--fractions", default="0.75,0,0.25")
    parser.add_argument("--report", type=Path, default=REPO / "benchmarks" / "results" / "eval.md")
    args = parser.parse_args()

    run = args.run or args.out / "run"
    started = time.perf_counter()
    commands = []
    if not (run / "shards" / "sizes.json").exists():
        commands.append(f"panel2patch run {SHARED / 'articles'} --out {run} -w 2")
        sh([*CLI, "run", SHARED / "articles", "--out", run, "-w", 2])
    split_out = sh([*CLI, "split", run, "--fractions", args.fractions])
    commands.append(f"panel2patch split {run} --fractions {args.fractions}")

    before, after, train_seconds = [], [], []
    for seed in range(args.seeds):
        ckpt = args.out / f"ckpt_seed{seed}"
        train = ["train", run, "--preset", "offline-lite", "--max-steps", args.steps, "--seed", seed, "--out", ckpt,
                 "--save-every", 1000, "--no-tensorboard", "--resume", "never"]
        t = time.perf_counter()
        sh([*CLI, *train])
        train_seconds.append(time.perf_counter() - t)
        if seed == 0:
            commands.append("panel2patch " + " ".join(map(str, train)))
            commands.append(f"panel2patch eval -m before=offline-lite -m after={ckpt} --run {run} "
                            f"--tasks retrieval,local --data-root {args.data_root} --out {args.out / 'seed0'}")
        before.append(numbers(evaluate("before=offline-lite", run, seed, args.data_root)))
        after.append(numbers(evaluate(f"after={ckpt}", run, seed, args.data_root)))
    sh([*CLI, "eval", "-m", "before=offline-lite", "-m", f"after={args.out / 'ckpt_seed0'}", "--run", run,
        "--tasks", "retrieval,local", "--data-root", args.data_root, "--out", args.out / "seed0"])
    seed0_table = (args.out / "seed0" / "results.md").read_text()

    def cell(rows: list[dict[str, float]], key: str) -> str:
        values = [r[key] for r in rows if key in r]
        if not values:
            return "-"
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        return f"{statistics.mean(values):.1f} ± {sd:.1f}"

    keys = list(dict.fromkeys(k for r in before + after for k in r))
    region_note = region_pairs(run)
    config = json.loads((args.out / "ckpt_seed0" / "train_config.json").read_text())
    lines = [
        "# Evaluation: offline-lite preset before and after training",
        "",
        f"Date: {datetime.date.today().isoformat()}. Machine: {platform.machine()}, {os.cpu_count()} CPU cores, "
        f"no GPU, Python {platform.python_version()}. Wall time {time.perf_counter() - started:.0f} s "
        f"(training {statistics.mean(train_seconds):.0f} s per seed).",
        "",
        "Reproduce: `.venv/bin/python benchmarks/eval/offline_preset_eval.py --run RUN` (this script), or by hand:",
        "",
        "```",
        *commands,
        "```",
        "",
        "Split of the run (`panel2patch split`):",
        "",
        "```",
        split_out.strip(),
        "```",
        "",
        f"Training: {args.steps} steps, levels trained {', '.join(config['levels'])}, probe of the train split "
        f"{config['probe']}. *Before* is the untrained preset (ImageNet EfficientNet-Lite0 + MiniLM, random "
        f"projection heads drawn with the seed); *after* the checkpoint trained with that seed. Mean ± sd over "
        f"{args.seeds} seeds, percent. Retrieval is on the test split's articles only; zero-shot on the full "
        "local sets (pneumoniamnist: its 468-image test split; medpix_ct_mr: all 200 images).",
        "",
        "| task / metric | chance | before (untrained preset) | after (trained) |",
        "|---|---|---|---|",
        *[f"| {key} | {CHANCE.get(key, '')} | {cell(before, key)} | {cell(after, key)} |" for key in keys],
        "",
        "Chance: K / candidates for Recall@K; the majority class for accuracy, 1 / classes for balanced "
        "accuracy. Region and box<->text retrieval are not in this table: the real articles' run holds "
        f"{region_note}, too few to score (a level needs at least 2 pairs); tests score them on the sample "
        "with synthetic regions.",
        "",
        "## Seed 0, with bootstrap 95% intervals (`panel2patch eval --out`)",
        "",
        seed0_table.strip(),
        "",
        f"![before vs after, seed 0]({args.report.with_suffix('.png').name})",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report)
    shutil.copyfile(args.out / "seed0" / "results.png", args.report.with_suffix(".png"))
    (args.out / "raw.json").write_text(json.dumps({"before": before, "after": after}, indent=2))


if __name__ == "__main__":
    main()
