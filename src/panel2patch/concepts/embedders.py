"""Image embedders for the BIOMEDICA-style cluster path.

``Embedder`` is a small protocol (``spec``, ``dim``, ``embed(images) -> (n, dim) float32``).
Two implementations:

* ``HistogramEmbedder`` ("builtin"): colour and texture histograms plus the cheap features
  of ``features.py``. Needs nothing beyond numpy/OpenCV; good enough to group plots,
  micrographs, blots and photos apart.
* ``TorchEmbedder``: any torch model you have on disk, loaded lazily (torch is imported
  only here, through ``panel2patch.extras.require``). Nothing is ever downloaded. Specs:

  - ``PATH`` to a TorchScript file (``torch.jit.save``) or a Hugging Face model directory
    (``config.json`` + weights, e.g. ``facebook/dinov2-large`` saved locally: its CLS token);
  - ``timm:ARCH=WEIGHTS`` (e.g. ``timm:vit_large_patch14_reg4_dinov2.lvd142m=/models/dinov2.safetensors``);
  - ``open_clip:ARCH=WEIGHTS`` (``encode_image``);
  - ``hub:REPO_DIR:ENTRY=WEIGHTS`` (a local clone of facebookresearch/dinov2 and its
    ``.pth``, e.g. ``hub:/src/dinov2:dinov2_vitl14_reg=/models/dinov2_vitl14_reg4_pretrain.pth``,
    BIOMEDICA's own model).

  Images are resized to ``size`` x ``size`` (224, as BIOMEDICA) and, unless
  ``normalize=False``, normalised with ImageNet statistics.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import cv2
import numpy as np

from panel2patch.concepts.features import FEATURE_NAMES, ImageFeatures, image_features
from panel2patch.extras import require
from panel2patch.layout.image_input import UnusableImage, to_rgb_array

BUILTIN = "builtin"


@runtime_checkable
class Embedder(Protocol):
    spec: str
    dim: int

    def embed(self, images: Sequence[np.ndarray]) -> np.ndarray:
        """One row per image, float32; a row of zeros for an unusable image."""
        ...


class HistogramEmbedder:
    """Colour (HSV), gradient-orientation and intensity histograms + the cheap features."""

    spec = BUILTIN
    SIDE = 160
    HSV_BINS = (8, 3, 3)
    GRAD_BINS = 8
    GRAY_BINS = 16

    def __init__(self) -> None:
        self.dim = int(np.prod(self.HSV_BINS)) + 2 * self.GRAD_BINS + self.GRAY_BINS + len(FEATURE_NAMES)

    def embed(self, images: Sequence[np.ndarray]) -> np.ndarray:
        return self.embed_with_features(images)[0]

    def embed_with_features(self, images: Sequence[np.ndarray]) -> tuple[np.ndarray, list[ImageFeatures]]:
        """The embeddings and the cheap features computed on the way (callers reuse them)."""
        out = np.zeros((len(images), self.dim), dtype=np.float32)
        features = []
        for row, image in enumerate(images):
            out[row], found = self._one(image)
            features.append(found)
        return out, features

    def _one(self, image: np.ndarray) -> tuple[np.ndarray, ImageFeatures]:
        features = image_features(image)
        try:
            rgb = to_rgb_array(image)
        except (UnusableImage, ValueError, TypeError):
            return np.zeros(self.dim, dtype=np.float32), features
        if min(rgb.shape[:2]) < 2:
            return np.zeros(self.dim, dtype=np.float32), features
        small = cv2.resize(rgb, (self.SIDE, self.SIDE), interpolation=cv2.INTER_AREA)
        hsv = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)
        colour = cv2.calcHist([hsv], [0, 1, 2], None, list(self.HSV_BINS), [0, 180, 0, 256, 0, 256]).ravel()
        gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)
        gx, gy = cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1)
        magnitude, angle = cv2.cartToPolar(gx, gy)
        orientation = np.histogram(angle % np.pi, bins=self.GRAD_BINS, range=(0, np.pi), weights=magnitude)[0]
        strength = np.histogram(np.log1p(magnitude), bins=self.GRAD_BINS, range=(0, 7))[0]
        intensity = np.histogram(gray, bins=self.GRAY_BINS, range=(0, 256))[0]
        parts = [colour, orientation, strength, intensity]
        parts = [p / (np.linalg.norm(p) + 1e-9) for p in parts]
        return np.concatenate(parts + [features.vector() * 0.5]).astype(np.float32), features


class TorchEmbedder:
    """A torch image model from a local file or directory (see the module docstring)."""

    def __init__(
        self, spec: str, size: int = 224, normalize: bool = True, batch_size: int = 32, device: str | None = None
    ):
        self.spec = spec
        self.size = size
        self.normalize = normalize
        self.batch_size = batch_size
        self._torch = require("torch", purpose="image embeddings from a torch model")
        self.device = device or ("cuda" if self._torch.cuda.is_available() else "cpu")
        self._model, self._forward = _load_model(spec, self._torch)
        self._model.eval().to(self.device)
        self.dim = int(self.embed([np.zeros((size, size, 3), np.uint8)]).shape[1])

    def _tensor(self, images: Sequence[np.ndarray]) -> Any:
        torch = self._torch
        batch = np.zeros((len(images), self.size, self.size, 3), dtype=np.float32)
        for i, image in enumerate(images):
            try:
                rgb = to_rgb_array(image)
            except (UnusableImage, ValueError, TypeError):
                continue
            batch[i] = cv2.resize(rgb, (self.size, self.size), interpolation=cv2.INTER_AREA) / 255.0
        if self.normalize:
            batch = (batch - np.array([0.485, 0.456, 0.406], np.float32)) / np.array([0.229, 0.224, 0.225], np.float32)
        return torch.from_numpy(batch).permute(0, 3, 1, 2).contiguous().to(self.device)

    def embed(self, images: Sequence[np.ndarray]) -> np.ndarray:
        torch = self._torch
        rows = []
        with torch.inference_mode():
            for start in range(0, len(images), self.batch_size):
                out = self._forward(self._model, self._tensor(images[start : start + self.batch_size]))
                rows.append(out.float().reshape(out.shape[0], -1).cpu().numpy())
        return np.concatenate(rows) if rows else np.zeros((0, getattr(self, "dim", 0)), np.float32)


def _load_model(spec: str, torch: Any) -> tuple[Any, Any]:
    """(model, forward(model, batch) -> (n, d) tensor) for a spec; never downloads."""
    kind, _, rest = spec.partition(":") if spec.split(":", 1)[0] in ("timm", "open_clip", "hub") else ("path", "", spec)
    if kind == "timm":
        timm = require("timm", extra="train", purpose=f"embedder {spec!r}")
        arch, weights = _split_weights(rest)
        model = timm.create_model(arch, pretrained=False, num_classes=0)
        _load_state(model, weights, torch)
        return model, lambda m, x: m(x)
    if kind == "open_clip":
        open_clip = require("open_clip", purpose=f"embedder {spec!r}")
        arch, weights = _split_weights(rest)
        model = open_clip.create_model(arch, pretrained=str(weights))
        return model, lambda m, x: m.encode_image(x)
    if kind == "hub":
        repo, _, entry_weights = rest.rpartition(":")
        entry, weights = _split_weights(entry_weights)
        model = torch.hub.load(repo, entry, source="local", pretrained=False)
        _load_state(model, weights, torch)
        return model, lambda m, x: m(x)
    path = Path(rest)
    if path.is_dir() and (path / "config.json").is_file():
        transformers = require("transformers", extra="train", purpose=f"embedder {spec!r}")
        model = transformers.AutoModel.from_pretrained(str(path), local_files_only=True)

        def forward(m: Any, x: Any) -> Any:
            out = m(pixel_values=x)
            return out.pooler_output if getattr(out, "pooler_output", None) is not None else out.last_hidden_state[:, 0]

        return model, forward
    if path.is_file():
        return torch.jit.load(str(path), map_location="cpu"), lambda m, x: m(x)
    raise FileNotFoundError(f"embedder {spec!r}: no such file or model directory (nothing is downloaded)")


def _split_weights(text: str) -> tuple[str, Path]:
    arch, sep, weights = text.partition("=")
    if not sep or not weights:
        raise ValueError(f"expected ARCH=WEIGHTS_PATH, got {text!r}")
    path = Path(weights)
    if not path.is_file():
        raise FileNotFoundError(f"weights {path} not found (nothing is downloaded)")
    return arch, path


def _load_state(model: Any, weights: Path, torch: Any) -> None:
    if weights.suffix == ".safetensors":
        state = require("safetensors.torch", extra="train").load_file(str(weights))
    else:
        state = torch.load(str(weights), map_location="cpu", weights_only=True)
    for key in ("state_dict", "model", "teacher"):
        if isinstance(state, dict) and key in state and isinstance(state[key], dict):
            state = state[key]
    state = {k.removeprefix("module.").removeprefix("backbone."): v for k, v in state.items()}
    result = model.load_state_dict(state, strict=False)
    if result.missing_keys:  # a head the checkpoint carries is fine; missing backbone weights are not
        raise ValueError(
            f"{weights}: {len(result.missing_keys)} weights of the model are not in the file "
            f"(e.g. {result.missing_keys[:3]}); is it the right architecture?"
        )


def get_embedder(spec: str | None = None) -> Embedder:
    """``"builtin"`` (or None) for the histogram embedder, anything else for ``TorchEmbedder``."""
    if spec in (None, "", BUILTIN):
        return HistogramEmbedder()
    return TorchEmbedder(spec)
