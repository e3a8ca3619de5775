"""Zero-shot classification end to end with a model whose answer is known: it embeds brightness."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="evaluation needs the [train] extra")

from panel2patch.eval.models import EvalModel, ModelSpec, image_config_of  # noqa: E402
from panel2patch.eval.readers import read_task_data  # noqa: E402
from panel2patch.eval.tasks import load_registry  # noqa: E402
from panel2patch.eval.zeroshot import evaluate_zeroshot  # noqa: E402
from tests.eval.test_registry import toy_data  # noqa: E402


class BrightnessClip(torch.nn.Module):
    """Images embed as (+b, -b) with b their mean brightness; texts as (+1, -1) when they say
    "bright", else (-1, +1). A correct zero-shot pipeline therefore scores 100%."""

    def __init__(self) -> None:
        super().__init__()
        self.visual = torch.nn.Identity()
        self.visual.preprocess_cfg = {"size": 16, "mean": (0.5, 0.5, 0.5), "std": (0.5, 0.5, 0.5)}

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        b = images.mean(dim=(1, 2, 3))
        return torch.stack([b, -b], dim=1)

    def encode_text(self, tokens: torch.Tensor) -> torch.Tensor:
        return tokens


def tokenize(texts: list[str]) -> torch.Tensor:
    return torch.tensor([[1.0, -1.0] if "bright" in t else [-1.0, 1.0] for t in texts])


@pytest.mark.parametrize("task", ["toy_npz", "toy_csv", "toy_folder"])
def test_a_model_that_knows_brightness_scores_everything(task: str, tmp_path: Path) -> None:
    registry = load_registry(toy_data(tmp_path))
    model = BrightnessClip()
    evaluated = EvalModel(ModelSpec("brightness", "open_clip", "fake"), model, tokenize, image_config_of(model),
                          "fake", "cpu")
    outcome = evaluate_zeroshot(evaluated, registry[task], read_task_data(registry[task], tmp_path), resamples=20)
    assert outcome.images == 8 and outcome.classes == 2 and outcome.chance == 0.5
    for values in outcome.metrics.values():
        assert values == {"value": 1.0, "ci_low": 1.0, "ci_high": 1.0}
