"""GPU throughput: the granularity-aware objective vs plain open_clip training on the same data.

Measures, on one GPU, for an open_clip architecture (default ViT-B-16, random init unless
``--pretrained``) at the same batch size, precision (bf16 autocast) and trainable parameters:

* ``granular loader``: panel2patch's step loader alone (crops cut in workers), pairs/s;
* ``plain loader``: an open_clip-style WebDataset pipeline over the flat export
  (``panel2patch export``) alone, samples/s;
* ``granular train``: ``panel2patch.train.train`` end to end (alternating figure/panel/region
  steps, inter-level terms, patch term), image-text pairs encoded per second and peak memory;
* ``plain train``: ``open_clip.create_model_and_transforms`` + ``ClipLoss`` + AdamW on the flat
  export, samples/s and peak memory;
* optionally ``open_clip_train`` itself (``--with-open-clip-train``), its reported samples/s.

The goal: granular train >= 0.95x plain train pairs/s, with the granular loader well above both.
Each measurement runs in its own process. Prints a markdown table (with the GPU named) and
writes it to ``--work``/gpu_throughput.json.

    .venv/bin/python benchmarks/train/gpu_throughput.py --work runs/bench_gpu --batch-size 256 --workers 12
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import subprocess
import sys
import tarfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[2]
ARTICLES = REPO.parent / "shared" / "data" / "articles"


# --------------------------------------------------------------------------------------- setup
def prepare(args: argparse.Namespace) -> tuple[Path, Path]:
    """The hierarchical run (extracted if absent) and its flat export, both replicated ``--replicate`` times."""
    run = args.run or args.work / "run"
    if not (run / "shards" / "sizes.json").exists():
        subprocess.run([sys.executable, "-m", "panel2patch", "run", str(args.articles), "--out", str(run),
                        "-w", str(min(8, os.cpu_count() or 2))], check=True, stdout=subprocess.DEVNULL)
    if args.synthetic_regions:
        sys.path.insert(0, str(REPO))
        from tests.train.synthetic import add_synthetic_hierarchy

        target = args.work / "run_with_regions"
        if not (target / "shards" / "sizes.json").exists():
            add_synthetic_hierarchy(run, target, shards=4)
        run = target
    flat = args.work / "flat"
    if not list(flat.rglob("*.tar")):
        source_run = args.run or args.work / "run"  # the extracted run (synthetic regions are not a run)
        subprocess.run([sys.executable, "-m", "panel2patch", "export", str(source_run), "--out", str(flat),
                        "--no-dedup", "--no-split-license"], check=True, stdout=subprocess.DEVNULL)
    if args.replicate > 1:
        run = replicate(sorted((run / "shards").glob("*.tar")), args.work / f"run_x{args.replicate}", args.replicate)
        flat = replicate(sorted(flat.rglob("*.tar")), args.work / f"flat_x{args.replicate}", args.replicate)
    return run, flat


def replicate(tars: list[Path], out: Path, copies: int) -> Path:
    """``copies`` renamed copies of every sample (one shard per copy), so that a small run fills large
    batches: the step loader never repeats an item inside a batch, so batches are capped by the data.
    Copy ``i`` of ``PMC1_F2`` is ``PMC1r{i}_F2``: a distinct sample of a distinct article."""
    shards = out / "shards"
    if (shards / "sizes.json").exists():
        return out
    shards.mkdir(parents=True, exist_ok=True)
    members = []
    for path in tars:
        with tarfile.open(path) as tar:
            members += [(m.name, tar.extractfile(m).read()) for m in tar.getmembers() if m.isfile()]
    sizes = {}
    for copy in range(copies):
        name, keys = f"{copy:06d}.tar", set()
        with tarfile.open(shards / name, "w") as tar:
            for member, data in members:
                key, _, ext = member.partition(".")
                article, sep, rest = key.partition("_")
                new_key = f"{article}r{copy}{sep}{rest}"
                keys.add(new_key)
                info = tarfile.TarInfo(f"{new_key}.{ext}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        sizes[name] = len(keys)
    (shards / "sizes.json").write_text(json.dumps(sizes))
    return out


def flat_urls(flat: Path) -> list[str]:
    return sorted(str(p) for p in flat.rglob("*.tar"))


# --------------------------------------------------------------------------------- measurements
def _register(args) -> None:
    if args.model.startswith("p2p-"):  # a panel2patch preset architecture (tiny ones for a CPU dry run)
        from panel2patch.models import register_presets

        register_presets()


def _cuda(args) -> bool:
    return args.device == "cuda"


def _model(args):
    import open_clip
    import torch

    from panel2patch.train.optim import freeze

    _register(args)
    model, preprocess_train, _ = open_clip.create_model_and_transforms(args.model, pretrained=args.pretrained,
                                                                       device=args.device)
    freeze(model, _model_config(args))
    if args.grad_checkpointing:
        model.set_grad_checkpointing(True)
    return model, preprocess_train, open_clip.get_tokenizer(args.model), torch


def _model_config(args):
    from panel2patch.train.config import ModelConfig

    if args.recipe == "panel2patch":
        return ModelConfig(preset=None, arch=args.model, lock_text=True, vision_trainable_blocks=5)
    return ModelConfig(preset=None, arch=args.model, lock_text=False, vision_trainable_blocks=-1)


def _loss_config(args):
    """full: every term (inter-level terms need each parent's children in the batch as context
    items, the patch term a region's panel); intra: the per-level CLIP terms alone, no context."""
    from panel2patch.train.config import LossConfig

    if args.objective == "full":
        return LossConfig(patch=0.5)
    return LossConfig(figure_panel=0.0, panel_region=0.0, patch=0.0)


def plain_pipeline(args, preprocess, tokenizer, flat: Path):
    import webdataset as wds

    pipeline = wds.DataPipeline(
        wds.ResampledShards(flat_urls(flat)),
        wds.tarfile_to_samples(handler=wds.warn_and_continue),
        wds.shuffle(1000, initial=200),
        wds.decode("pilrgb", handler=wds.warn_and_continue),
        wds.rename(image="jpg;png;jpeg;webp", text="txt"),
        wds.map_dict(image=preprocess, text=lambda t: tokenizer(t)[0]),
        wds.to_tuple("image", "text"),
        wds.batched(args.batch_size, partial=False),
    )
    return wds.WebLoader(pipeline, batch_size=None, shuffle=False, num_workers=args.workers,
                         persistent_workers=args.workers > 0)


def granular_dataset(args, run: Path, tokenizer, image_size: int, preprocess_cfg: dict, patch: bool):
    from panel2patch.train.config import DataConfig, HierarchyConfig, ImageConfig, Level, ScheduleConfig
    from panel2patch.train.data import BatchBuilder, ContextPlan, StepDataset, probe_levels
    from panel2patch.train.schedule import LevelSchedule
    from panel2patch.train.shards import resolve_sources

    urls = resolve_sources([str(run)])
    data, hierarchy = DataConfig(workers=args.workers), HierarchyConfig()
    counts = probe_levels(urls, data, hierarchy)
    schedule = LevelSchedule(ScheduleConfig(batch_size=args.batch_size), {lv for lv in Level if counts[lv.label]})
    image = ImageConfig(size=image_size, mean=tuple(preprocess_cfg["mean"]), std=tuple(preprocess_cfg["std"]))
    context = args.objective == "full"
    builder = BatchBuilder(image, hierarchy, ContextPlan(context, context, patch), tokenizer, seed=0)
    total = (args.steps + args.warmup) * 2
    return StepDataset(urls, data, hierarchy, schedule, builder, end_micro=total)


def measure_plain_loader(args, run, flat) -> dict:
    import open_clip

    _register(args)
    _, preprocess, _ = open_clip.create_model_and_transforms(args.model)
    loader = plain_pipeline(args, preprocess, open_clip.get_tokenizer(args.model), flat)
    return _time_loader(iter(loader), args, lambda b: b[0].shape[0], lambda b: b[0].shape[0])


def measure_granular_loader(args, run, flat) -> dict:
    import open_clip

    from panel2patch.train.data import make_loader

    _register(args)
    model, _, _ = open_clip.create_model_and_transforms(args.model)
    size = model.visual.preprocess_cfg["size"]
    dataset = granular_dataset(args, run, open_clip.get_tokenizer(args.model), size if isinstance(size, int) else size[0],
                               model.visual.preprocess_cfg, patch=True)
    return _time_loader(iter(make_loader(dataset)), args, lambda b: b["level"].numel(), lambda b: int(b["primary"].sum()))


def _time_loader(iterator, args, items, pairs) -> dict:
    for _ in range(args.warmup):
        next(iterator)
    n_items = n_pairs = 0
    start = time.perf_counter()
    for _ in range(args.steps):
        batch = next(iterator)
        n_items += items(batch)
        n_pairs += pairs(batch)
    elapsed = time.perf_counter() - start
    return {"items_per_s": n_items / elapsed, "pairs_per_s": n_pairs / elapsed, "steps": args.steps}


def _plain_step(args, model, torch):
    """One plain open_clip training step (ClipLoss, AdamW, clipping) on an (images, texts) batch."""
    from open_clip import ClipLoss

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-5, betas=(0.9, 0.95), weight_decay=0.05)
    loss_fn = ClipLoss()
    model.train()

    def step(batch):
        images, texts = batch[0].to(args.device, non_blocking=True), batch[1].to(args.device, non_blocking=True)
        with torch.autocast(args.device, dtype=torch.bfloat16):
            image_f, text_f, scale = model(images, texts)[:3]
        loss_fn(image_f.float(), text_f.float(), scale.float()).backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    return step


def _plain_counts(batch) -> tuple[int, int]:
    return batch[0].shape[0], batch[0].shape[0]


def measure_plain_train(args, run, flat) -> dict:
    model, preprocess, tokenizer, torch = _model(args)
    loader = iter(plain_pipeline(args, preprocess, tokenizer, flat))
    seconds, items, pairs = _timed_steps(args, lambda i: next(loader), _plain_step(args, model, torch), _plain_counts)
    return {"pairs_per_s": pairs / seconds, "items_per_s": items / seconds, "steps": args.steps, **_peak(args)}


def measure_granular_train(args, run, flat) -> dict:
    import csv
    import shutil
    from dataclasses import replace

    import torch

    from panel2patch.train import train
    from panel2patch.train.config import DataConfig, OptimConfig, RunConfig, ScheduleConfig, TrainConfig

    out = args.work / "granular_ckpt"
    shutil.rmtree(out, ignore_errors=True)
    config = TrainConfig(
        model=replace(_model_config(args), pretrained=args.pretrained, grad_checkpointing=args.grad_checkpointing),
        data=DataConfig(sources=(str(run),), workers=args.workers),
        schedule=ScheduleConfig(batch_size=args.batch_size),
        loss=_loss_config(args),
        optim=OptimConfig(lr=1e-5, warmup_steps=10),
        run=RunConfig(out=str(out), max_steps=args.warmup + args.steps, save_every=10**9, tensorboard=False,
                      precision="bf16", device=args.device),
    )
    _register(args)
    if _cuda(args):
        torch.cuda.reset_peak_memory_stats()
    train(config)
    with (out / "train_log.csv").open() as handle:
        rows = list(csv.DictReader(handle))[args.warmup:]
    seconds = sum(float(r["step_s"]) for r in rows)
    items = sum(int(r["n_items"]) for r in rows)
    pairs = sum(sum(int(r[f"n_{lv}"]) for lv in ("figure", "panel", "region")) for r in rows)
    data_wait = sum(float(r["data_s"]) for r in rows)
    return {"items_per_s": items / seconds, "pairs_per_s": pairs / seconds, "data_wait_share": data_wait / seconds,
            "steps": len(rows), **({"peak_mem_gib": torch.cuda.max_memory_allocated() / 2**30} if _cuda(args) else {})}


def measure_open_clip_train(args, run, flat) -> dict:
    logs = args.work / "open_clip_train_logs"
    urls = flat_urls(flat)
    samples = args.batch_size * (args.steps + args.warmup)
    command = [sys.executable, "-m", "open_clip_train.main", "--train-data", "::".join(urls),
               "--dataset-type", "webdataset", "--dataset-resampled", "--train-num-samples", str(samples),
               "--batch-size", str(args.batch_size), "--epochs", "1", "--model", args.model,
               "--precision", "amp_bf16", "--workers", str(args.workers), "--log-every-n-steps", "5",
               "--logs", str(logs), "--name", f"bench-{int(time.time())}", "--report-to", "",
               "--lr", "1e-5", "--warmup", "10", "--save-frequency", "0"]
    if args.pretrained:
        command += ["--pretrained", args.pretrained]
    if args.recipe == "panel2patch":
        command += ["--lock-text", "--lock-image", "--lock-image-unlocked-groups", "6"]
    done = subprocess.run(command, capture_output=True, text=True)
    rates = [float(m) for m in re.findall(r"([\d.]+)/s/gpu", done.stdout + done.stderr)]
    if not rates:
        return {"error": (done.stdout + done.stderr)[-2000:]}
    tail = rates[len(rates) // 3:] or rates
    return {"pairs_per_s": sum(tail) / len(tail), "items_per_s": sum(tail) / len(tail)}


def _cached(iterator, n: int) -> list:
    """``n`` batches held in memory, so a timed loop measures the model side alone."""
    return [next(iterator) for _ in range(n)]


def _timed_steps(args, fetch, step, count) -> tuple[float, int, int]:
    """``args.warmup`` untimed then ``args.steps`` timed calls of ``step(fetch(i))``;
    ``(seconds, items, pairs)`` of the timed ones, ``count(batch)`` giving (items, pairs)."""
    import torch

    items = pairs = 0
    for i in range(args.warmup + args.steps):
        if i == args.warmup:
            if _cuda(args):
                torch.cuda.synchronize()
                torch.cuda.reset_peak_memory_stats()
            start = time.perf_counter()
        batch = fetch(i)
        step(batch)
        if i >= args.warmup:
            n_items, n_pairs = count(batch)
            items, pairs = items + n_items, pairs + n_pairs
    if _cuda(args):
        torch.cuda.synchronize()
    return time.perf_counter() - start, items, pairs


def _peak(args) -> dict:
    import torch

    return {"peak_mem_gib": torch.cuda.max_memory_allocated() / 2**30} if _cuda(args) else {}


def measure_plain_compute(args, run, flat) -> dict:
    """Plain open_clip steps on batches already in memory: the GPU side alone."""
    model, preprocess, tokenizer, torch = _model(args)
    batches = _cached(iter(plain_pipeline(args, preprocess, tokenizer, flat)), args.cached_batches)
    seconds, items, pairs = _timed_steps(args, lambda i: batches[i % len(batches)], _plain_step(args, model, torch),
                                         _plain_counts)
    return {"pairs_per_s": pairs / seconds, "items_per_s": items / seconds, "steps": args.steps, **_peak(args)}


def measure_granular_compute(args, run, flat) -> dict:
    """Granular steps (the ``--objective`` terms) on batches already in memory: the GPU side alone."""
    from panel2patch.train.data import make_loader
    from panel2patch.train.encoder import GranularEncoder
    from panel2patch.train.loop import compute_loss
    from panel2patch.train.losses import GranularityLoss

    model, _, tokenizer, torch = _model(args)
    size = model.visual.preprocess_cfg["size"]
    dataset = granular_dataset(args, run, tokenizer, size if isinstance(size, int) else size[0],
                               model.visual.preprocess_cfg, patch=args.objective == "full")
    batches = _cached(iter(make_loader(dataset)), args.cached_batches)
    encoder = GranularEncoder(model, patch_tokens=True)
    loss_fn = GranularityLoss(_loss_config(args))
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-5)
    model.train()
    device = torch.device(args.device)

    def step(batch):
        compute_loss(encoder, loss_fn, batch, device, "bf16").total.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

    seconds, items, pairs = _timed_steps(args, lambda i: batches[i % len(batches)], step,
                                         lambda b: (b["level"].numel(), int(b["primary"].sum())))
    return {"pairs_per_s": pairs / seconds, "items_per_s": items / seconds, "steps": args.steps, **_peak(args)}


MEASURES = {
    "granular_loader": measure_granular_loader,
    "plain_loader": measure_plain_loader,
    "granular_train": measure_granular_train,
    "plain_train": measure_plain_train,
    "granular_compute": measure_granular_compute,
    "plain_compute": measure_plain_compute,
    "open_clip_train": measure_open_clip_train,
}


# ------------------------------------------------------------------------------------------ main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, default=ARTICLES)
    parser.add_argument("--run", type=Path, help="An existing hierarchical run (default: extract --articles).")
    parser.add_argument("--work", type=Path, default=REPO / "runs" / "bench_gpu")
    parser.add_argument("--model", default="ViT-B-16")
    parser.add_argument("--pretrained", default=None)
    parser.add_argument("--recipe", choices=("full", "panel2patch"), default="full",
                        help="full: everything trains; panel2patch: text locked, last 5 vision blocks.")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--workers", type=int, default=12)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--objective", choices=("full", "intra"), default="full",
                        help="full: all terms (context items encoded); intra: per-level CLIP terms only.")
    parser.add_argument("--only", default="", help="Comma-separated measurements to run (default: all).")
    parser.add_argument("--cached-batches", type=int, default=12,
                        help="Batches held in memory for the *_compute measurements (model side alone).")
    parser.add_argument("--grad-checkpointing", action="store_true")
    parser.add_argument("--replicate", type=int, default=1,
                        help="Renamed copies of every sample (a small run cannot fill large batches: the loader "
                             "never repeats an item within a batch).")
    parser.add_argument("--synthetic-regions", action="store_true",
                        help="Add synthetic regions where the run has none (tests/train/synthetic.py).")
    parser.add_argument("--with-open-clip-train", action="store_true")
    parser.add_argument("--device", choices=("cuda", "cpu"), default="cuda",
                        help="cpu: a dry run of the script itself (e.g. --model p2p-tiny-vit), no numbers to keep.")
    parser.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    if args.measure:  # child process: one measurement, JSON on the last line
        run, flat = Path(os.environ["P2P_BENCH_RUN"]), Path(os.environ["P2P_BENCH_FLAT"])
        print("RESULT" + json.dumps(MEASURES[args.measure](args, run, flat)))
        return

    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        sys.exit("no CUDA device: this benchmark needs a GPU (the CPU tests cover correctness; --device cpu "
                 "dry-runs the script)")
    run, flat = prepare(args)
    names = ["granular_loader", "plain_loader", "granular_train", "plain_train", "granular_compute", "plain_compute"]
    if args.with_open_clip_train:
        names.append("open_clip_train")
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    results = {}
    child_args = [a for a in sys.argv[1:]]
    for name in names:
        env = {**os.environ, "P2P_BENCH_RUN": str(run), "P2P_BENCH_FLAT": str(flat)}
        done = subprocess.run([sys.executable, __file__, *child_args, "--measure", name], env=env,
                              capture_output=True, text=True)
        line = [out for out in done.stdout.splitlines() if out.startswith("RESULT")]
        results[name] = json.loads(line[-1][6:]) if line else {"error": done.stderr[-3000:]}
        print(name, results[name], flush=True)

    gpu = torch.cuda.get_device_name(0) if args.device == "cuda" else "CPU dry run"
    plain = results.get("plain_train", {}).get("pairs_per_s")
    rows = ["| measurement | pairs/s | items encoded/s | peak memory GiB | vs plain (items / pairs) |", "|---|---|---|---|---|"]
    for name in names:
        r = results[name]
        if "error" in r:
            rows.append(f"| {name} | error | | | |")
            continue
        base = results.get("plain_compute", {}).get("items_per_s") if name.endswith("compute") else plain
        ratio = (f"{r['items_per_s'] / base:.2f}x / {r['pairs_per_s'] / base:.2f}x"
                 if base and not name.endswith("loader") else "")
        mem = f"{r['peak_mem_gib']:.1f}" if "peak_mem_gib" in r else ""
        rows.append(f"| {name} | {r['pairs_per_s']:.0f} | {r['items_per_s']:.0f} | {mem} | {ratio} |")
    header = (f"{gpu}; {args.model} ({args.pretrained or 'random init'}), recipe {args.recipe}, objective {args.objective}, batch "
              f"{args.batch_size}, {args.workers} loader workers, bf16 autocast, {args.steps} timed steps after "
              f"{args.warmup}; torch {torch.__version__}; {platform.machine()} {os.cpu_count()} CPUs")
    table = header + "\n\n" + "\n".join(rows)
    print(table)
    (args.work / "gpu_throughput.json").write_text(json.dumps({"results": results, "table": table, "gpu": gpu},
                                                              indent=2))


if __name__ == "__main__":
    main()
