"""``--model`` specs: presets, train checkpoints, open_clip architectures, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch", reason="evaluation needs the [train] extra")
pytest.importorskip("open_clip", reason="evaluation needs the [train] extra")

from panel2patch.eval.models import ModelSpecError, load_model, parse_model_spec  # noqa: E402


def test_presets_and_labels() -> None:
    spec = parse_model_spec("offline-lite")
    assert (spec.name, spec.kind, spec.arch) == ("offline-lite", "preset", "offline-lite")
    labelled = parse_model_spec("before=tiny-vit")
    assert (labelled.name, labelled.kind, labelled.arch) == ("before", "preset", "tiny-vit")


def test_open_clip_architecture_with_tag_or_file() -> None:
    spec = parse_model_spec("ViT-B-32:laion2b_s34b_b79k")
    assert (spec.kind, spec.arch, spec.pretrained) == ("open_clip", "ViT-B-32", "laion2b_s34b_b79k")
    spec = parse_model_spec("mine=ViT-B-16:/models/weights.pt")
    assert (spec.name, spec.arch, spec.pretrained) == ("mine", "ViT-B-16", "/models/weights.pt")
    assert parse_model_spec("hf-hub:org/repo").arch == "hf-hub:org/repo"
    preset_arch = parse_model_spec("p2p-tiny-vit:/ckpt/final/open_clip_model.safetensors")
    assert (preset_arch.arch, preset_arch.pretrained) == ("p2p-tiny-vit", "/ckpt/final/open_clip_model.safetensors")


def test_checkpoint_folder_or_its_final(tmp_path: Path) -> None:
    final = tmp_path / "ckpt" / "final"
    final.mkdir(parents=True)
    (final / "open_clip_config.json").write_text("{}")
    (final / "open_clip_model.safetensors").write_bytes(b"")
    for given in (tmp_path / "ckpt", final):
        spec = parse_model_spec(str(given))
        assert spec.kind == "checkpoint" and spec.arch == str(final)


@pytest.mark.parametrize("text, match", [("no-such-model", "unknown model"), ("NotAnArch:tag", "unknown model")])
def test_unknown_models_say_what_is_accepted(text: str, match: str) -> None:
    with pytest.raises(ModelSpecError, match=match) as info:
        parse_model_spec(text)
    assert "offline-lite" in str(info.value) and "ARCH:PRETRAINED" in str(info.value)


def test_a_folder_without_weights_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelSpecError, match="open_clip_config.json"):
        parse_model_spec(str(tmp_path))


def test_a_missing_weights_file_fails_clearly() -> None:
    with pytest.raises(ModelSpecError, match="cannot load model"):
        load_model(parse_model_spec("ViT-B-32:/nonexistent/weights.pt"))


def test_tiny_preset_loads_with_its_input_config() -> None:
    model = load_model(parse_model_spec("tiny-vit"))
    assert model.image.size == 64 and model.image.resize_mode == "longest"
    assert model.arch == "p2p-tiny-vit" and not model.model.training
