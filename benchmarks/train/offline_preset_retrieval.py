"""Offline preset before vs after training: held-out image<->text retrieval, loaded back through open_clip.

1. ``panel2patch run ../shared/data/articles`` (real articles and figures; panels as the
   extraction finds them).
2. Articles are split by id hash: ``--holdout-percent`` of them are never trained on.
3. Retrieval (recall@k, both directions) on the held-out articles' panel-level pairs (a
   single-panel figure is its own panel) and figure-level pairs, for
   - the untrained ``offline-lite`` preset (wheel towers, random projection heads), and
   - the same preset after ``panel2patch train RUN --preset offline-lite --holdout-percent P``,
     loaded back in a fresh process with ``open_clip.create_model_and_transforms(ARCH, pretrained=PATH)``.
   With a few dozen figures held out the numbers are noisy: the baseline is averaged over several
   draws of the random projection heads, the trained model over several seeds.

Prints a markdown table and writes it (with the raw numbers) to ``--out``/retrieval.json.

    .venv/bin/python benchmarks/train/offline_preset_retrieval.py --out runs/bench_offline
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[2]
ARTICLES = REPO.parent / "shared" / "data" / "articles"
PANEL2PATCH = [sys.executable, "-m", "panel2patch"]


def evaluate(model_source: dict, run: Path, holdout: float, image_size: int) -> dict:
    """Recall@k per level for one model (see ``model_source``), computed in a fresh process."""
    """Run in a fresh process, so that loading goes through open_clip exactly as a user would."""
    code = f"""
import json, sys, torch, open_clip
from panel2patch.models import create_preset_model, register_presets
from panel2patch.train.config import HierarchyConfig, ImageConfig, Level
from panel2patch.eval.metrics import retrieval_scores
from panel2patch.eval.retrieval import as_percent, collect_pairs, embed_pairs
from panel2patch.eval.splits import is_heldout
from panel2patch.train.shards import resolve_sources
src = json.loads({json.dumps(json.dumps(model_source))})
torch.manual_seed(src.get("seed", 0))  # the untrained preset's projection heads are drawn from it
if src["kind"] == "untrained":
    model, _, _, arch = create_preset_model("offline-lite")
else:
    open_clip.add_model_config(src["config"])
    arch = src["arch"]
    model, _, _ = open_clip.create_model_and_transforms(arch, pretrained=src["weights"])
tokenizer = open_clip.get_tokenizer(arch)
pre = model.visual.preprocess_cfg
image = ImageConfig(size={image_size}, mean=tuple(pre["mean"]), std=tuple(pre["std"]), resize_mode="longest")
urls = resolve_sources([{str(run)!r}])
out = {{}}
for level in (Level.PANEL, Level.FIGURE):
    pairs = collect_pairs(urls, level, image, HierarchyConfig(), keep=lambda a: is_heldout(a, {holdout}))
    img, txt = embed_pairs(model, tokenizer, pairs)
    out[level.label] = as_percent(retrieval_scores(img.numpy(), txt.numpy()))
    sims = img @ txt.T
    ranks = (sims > sims.diag()[:, None]).sum(1).float() + 1
    out[level.label]["median_rank_i2t"] = float(ranks.median())
print("RESULT" + json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    line = [out for out in done.stdout.splitlines() if out.startswith("RESULT")]
    if done.returncode or not line:
        raise RuntimeError(done.stderr[-4000:])
    return json.loads(line[-1][len("RESULT"):])


METRICS = [f"{d}_R@{k}" for d in ("i2t", "t2i") for k in (1, 5, 10)]


def summarize(results: list[dict], level: str) -> dict[str, tuple[float, float]]:
    """Mean and standard deviation over seeds of every metric, plus the mean of the six recalls."""
    import statistics

    out = {}
    for metric in [*METRICS, "mean_recall", "median_rank_i2t"]:
        values = [sum(r[level][m] for m in METRICS) / len(METRICS) if metric == "mean_recall" else r[level][metric]
                  for r in results]
        out[metric] = (statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0)
    out["pairs"] = (results[0][level]["pairs"], 0.0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, default=ARTICLES)
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "bench_offline_preset")
    parser.add_argument("--holdout-percent", type=float, default=25.0)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--image-size", type=int, default=160)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=3, help="Trained runs (seeds 0..N-1).")
    parser.add_argument("--untrained-seeds", type=int, default=5, help="Random projection heads drawn for the baseline.")
    parser.add_argument("--rebuild", action="store_true", help="Re-extract the run even if it exists.")
    args = parser.parse_args()

    run = args.out / "run"
    timings = {}
    t = time.perf_counter()
    if args.rebuild or not (run / "shards" / "sizes.json").exists():
        subprocess.run([*PANEL2PATCH, "run", str(args.articles), "--out", str(run), "-w", "2", "--overwrite"],
                       check=True, stdout=subprocess.DEVNULL)
    timings["extract_s"] = time.perf_counter() - t

    before = [evaluate({"kind": "untrained", "seed": seed}, run, args.holdout_percent, args.image_size)
              for seed in range(args.untrained_seeds)]
    after, commands, train_seconds, config = [], [], [], {}
    for seed in range(args.seeds):
        ckpt = args.out / f"ckpt_seed{seed}"
        command = [*PANEL2PATCH, "train", str(run), "--preset", "offline-lite", "--max-steps", str(args.steps),
                   "--batch-size", str(args.batch_size), "--image-size", str(args.image_size), "--workers",
                   str(args.workers), "--holdout-percent", str(args.holdout_percent), "--seed", str(seed),
                   "--out", str(ckpt), "--save-every", "1000", "--no-tensorboard", "--resume", "never"]
        t = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        train_seconds.append(time.perf_counter() - t)
        commands.append(command)
        config = json.loads((ckpt / "train_config.json").read_text())
        arch = config["arch"]
        after.append(evaluate({"kind": "trained", "arch": arch, "config": str(ckpt / "final" / f"{arch}.json"),
                               "weights": str(ckpt / "final" / "open_clip_model.safetensors")},
                              run, args.holdout_percent, args.image_size))
    timings["train_s_per_run"] = sum(train_seconds) / len(train_seconds)

    lines = [
        f"Held-out articles: {args.holdout_percent:g}% of article ids by hash (never trained on); "
        f"{args.steps} steps, batch {args.batch_size}, {args.image_size} px; levels trained: "
        f"{', '.join(config['levels'])}; probe of the run: {config['probe']}. Mean ± sd over "
        f"{args.untrained_seeds} draws of the untrained heads and {args.seeds} training seeds.",
        "",
        "| level | model | pairs | i2t R@1 | i2t R@5 | i2t R@10 | t2i R@1 | t2i R@5 | t2i R@10 | mean recall | median rank i2t |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for level in ("panel", "figure"):
        for name, results in (("untrained offline-lite", before), ("trained, loaded via open_clip", after)):
            summary = summarize(results, level)
            cells = " | ".join(f"{summary[m][0]:.1f} ± {summary[m][1]:.1f}"
                               for m in [*METRICS, "mean_recall", "median_rank_i2t"])
            lines.append(f"| {level} | {name} | {summary['pairs'][0]} | {cells} |")
    lines += ["", f"extract {timings['extract_s']:.0f} s, train {timings['train_s_per_run']:.0f} s per run; "
              f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
              "train command: " + " ".join(str(c) for c in commands[0][2:])]
    table = "\n".join(lines)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "retrieval.json").write_text(json.dumps(
        {"before": before, "after": after, "timings": timings, "args": {k: str(v) for k, v in vars(args).items()},
         "table": table}, indent=2))


if __name__ == "__main__":
    main()
