"""A tiny open_clip model trains on shards of the real sample: its loss falls, it resumes exactly,
and its final weights load back through open_clip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="training tests need the [train] extra")
open_clip = pytest.importorskip("open_clip", reason="training tests need the [train] extra")

from panel2patch.train import train  # noqa: E402
from panel2patch.train.config import (  # noqa: E402
    DataConfig, HierarchyConfig, ImageConfig, LossConfig, ModelConfig, OptimConfig, RunConfig, ScheduleConfig,
    TrainConfig,
)
from panel2patch.train.logs import read_log  # noqa: E402


def tiny_config(run: Path, out: Path, **run_kwargs) -> TrainConfig:
    return TrainConfig(
        model=ModelConfig(preset="tiny-vit", lock_text=False),
        data=DataConfig(sources=(str(run),), workers=run_kwargs.pop("workers", 0), shuffle_buffer=32, seed=7),
        image=ImageConfig(crop_scale=(1.0, 1.0)),
        hierarchy=HierarchyConfig(max_children=2),
        schedule=ScheduleConfig(batch_size=8),
        loss=LossConfig(patch=0.5),
        optim=OptimConfig(lr=2e-3, warmup_steps=3, lr_schedule="constant", weight_decay=0.0, grad_clip_norm=5.0),
        run=RunConfig(out=str(out), tensorboard=False, **run_kwargs),
    )


INTRA = ("figure", "panel", "region")


def intra_losses(rows: list[dict]) -> list[float]:
    return [float(next(r[k] for k in INTRA if r[k])) for r in rows]


def fixed_batch_losses(config: TrainConfig, weights: Path | None, micro_batches: int = 6) -> float:
    """Mean intra-level CLIP loss of a model over the run's first micro-batches."""
    from safetensors.torch import load_file

    from panel2patch.train.data import BatchBuilder, ContextPlan, StepDataset
    from panel2patch.train.encoder import GranularEncoder
    from panel2patch.train.loop import compute_loss
    from panel2patch.train.losses import GranularityLoss
    from panel2patch.train.model import build_model, image_config_for
    from panel2patch.train.schedule import LevelSchedule
    from panel2patch.train.shards import resolve_sources

    torch.manual_seed(config.data.seed)  # as the trainer does: the same initial weights
    built = build_model(config.model, torch.device("cpu"))
    if weights is not None:
        built.model.load_state_dict(load_file(str(weights)))
    builder = BatchBuilder(image_config_for(built, config.image), config.hierarchy, ContextPlan(False, False, False),
                           built.tokenizer, config.data.seed)
    dataset = StepDataset(resolve_sources(config.data.sources), replace(config.data, workers=0), config.hierarchy,
                          LevelSchedule(config.schedule), builder, end_micro=micro_batches)
    loss = GranularityLoss(LossConfig(figure_panel=0, panel_region=0, patch=0))
    built.model.eval()
    with torch.no_grad():
        values = [compute_loss(GranularEncoder(built.model), loss, b, torch.device("cpu"), "fp32").total.item()
                  for b in dataset]
    return sum(values) / len(values)


def test_tiny_model_loss_falls(hier_run: Path, tmp_path: Path) -> None:
    config = tiny_config(hier_run, tmp_path / "ck", max_steps=36, save_every=100)
    result = train(config)
    rows = read_log(tmp_path / "ck")
    assert len(rows) == 36 and result.final_weights is not None
    assert {r["level"] for r in rows} == {"figure", "panel", "region"}
    assert any(r["patch"] for r in rows) and any(r["panel_region_image"] for r in rows)
    assert any(r["figure_panel_text"] for r in rows)
    losses = intra_losses(rows)
    assert sum(losses[-9:]) < sum(losses[:9])  # the training curve goes down...
    before, after = fixed_batch_losses(config, None), fixed_batch_losses(config, result.final_weights)
    assert after < 0.85 * before, (before, after)  # ...and so does the loss on the same batches


def test_stop_and_resume_gives_the_same_losses(hier_run: Path, tmp_path: Path) -> None:
    straight = tmp_path / "straight"
    train(tiny_config(hier_run, straight, max_steps=10, save_every=100, workers=2))
    interrupted = tmp_path / "interrupted"
    first = train(tiny_config(hier_run, interrupted, max_steps=10, stop_after_steps=4, save_every=100, workers=2))
    assert first.steps == 4 and first.final_weights is None
    second = train(tiny_config(hier_run, interrupted, max_steps=10, save_every=3, workers=2))
    assert second.steps == 10
    a, b = read_log(straight), read_log(interrupted)
    assert [r["step"] for r in b] == [str(i) for i in range(10)]
    for column in ("loss", "lr", *INTRA, "figure_panel_image", "panel_region_text", "patch", "n_items"):
        assert [r[column] for r in a] == [r[column] for r in b], column
    from safetensors.torch import load_file

    wa = load_file(str(straight / "final" / "open_clip_model.safetensors"))
    wb = load_file(str(interrupted / "final" / "open_clip_model.safetensors"))
    assert all(torch.equal(wa[k], wb[k]) for k in wa)


def test_resume_refuses_other_data_settings(hier_run: Path, tmp_path: Path) -> None:
    from panel2patch.train.loop import ResumeError

    out = tmp_path / "ck"
    train(tiny_config(hier_run, out, max_steps=4, stop_after_steps=2, save_every=100))
    config = tiny_config(hier_run, out, max_steps=4)
    with pytest.raises(ResumeError, match="workers"):
        train(replace(config, data=replace(config.data, workers=1)))


def test_final_weights_load_back_through_open_clip(hier_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "ck"
    result = train(tiny_config(hier_run, out, max_steps=3))
    open_clip.add_model_config(out / "final" / f"{result.arch}.json")
    model, _, _ = open_clip.create_model_and_transforms(
        result.arch, pretrained=str(result.final_weights), image_resize_mode="longest")
    local, _, _ = open_clip.create_model_and_transforms(f"local-dir:{out / 'final'}")
    from safetensors.torch import load_file

    trained = load_file(str(result.final_weights))
    for name, value in model.state_dict().items():
        assert torch.equal(value, trained[name]), name
        assert torch.equal(local.state_dict()[name], trained[name]), name
    tokens = open_clip.get_tokenizer(result.arch)(["a micrograph"])
    assert model.encode_text(tokens).shape == (1, 64)
