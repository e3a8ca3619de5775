"""The optional torch embedder, with tiny models saved to disk (skipped without torch)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from panel2patch.concepts.embedders import TorchEmbedder, get_embedder

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.slow  # importing torch takes seconds


class _Tiny(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, stride=4)

    def forward(self, x):
        return self.conv(x).mean(dim=(2, 3))


def test_torchscript_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.pt"
    torch.jit.script(_Tiny()).save(str(path))
    embedder = get_embedder(str(path))
    assert isinstance(embedder, TorchEmbedder) and embedder.dim == 8
    rows = embedder.embed([np.zeros((1, 1, 3), np.uint8), np.full((50, 70, 3), 200, np.uint8), "broken"])
    assert rows.shape == (3, 8) and np.isfinite(rows).all()


def test_timm_weights(tmp_path: Path) -> None:
    timm = pytest.importorskip("timm")
    model = timm.create_model("resnet10t", pretrained=False, num_classes=0)
    path = tmp_path / "resnet10t.pth"
    torch.save({"state_dict": {f"module.{k}": v for k, v in model.state_dict().items()}}, path)
    embedder = TorchEmbedder(f"timm:resnet10t={path}", size=64)
    assert embedder.embed([np.zeros((40, 40, 3), np.uint8)]).shape == (1, embedder.dim)
    torch.save({"fc.weight": torch.zeros(1)}, tmp_path / "wrong.pth")
    with pytest.raises(ValueError, match="not in the file"):
        TorchEmbedder(f"timm:resnet10t={tmp_path / 'wrong.pth'}")


def test_missing_model_is_an_error() -> None:
    with pytest.raises(FileNotFoundError):
        get_embedder("/no/such/model.pt")
    with pytest.raises(FileNotFoundError):
        get_embedder("timm:resnet10t=/no/such/weights.pth")
