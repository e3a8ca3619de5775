"""Register open_clip model configs at run time through open_clip's public ``add_model_config``.

open_clip builds a model from a JSON config found in its registry. A config registered here is
written to a JSON file first (``~/.cache/panel2patch/open_clip_configs/NAME.json``, or
``$PANEL2PATCH_CACHE``), so that ``open_clip.create_model_and_transforms(NAME, pretrained=PATH)``
works in this process, and the same file can be copied next to trained weights.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from panel2patch.extras import require
from panel2patch.output.atomic import write_bytes_atomic


def config_cache_dir() -> Path:
    base = os.environ.get("PANEL2PATCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "panel2patch"
    )
    return Path(base) / "open_clip_configs"


def write_model_config(name: str, config: dict[str, Any], folder: Path) -> Path:
    """Write ``folder/NAME.json`` (the file name is the architecture name open_clip registers)."""
    path = folder / f"{name}.json"
    write_bytes_atomic(path, (json.dumps(config, indent=2, sort_keys=True) + "\n").encode())
    return path


def register_model_config(name: str, config: dict[str, Any], folder: Path | None = None) -> Path:
    """Make ``name`` a known open_clip architecture in this process; returns the JSON file."""
    open_clip = require("open_clip", purpose="model configs")
    for key in ("embed_dim", "vision_cfg", "text_cfg"):
        if key not in config:
            raise ValueError(f"open_clip config {name!r} lacks {key!r}")
    path = write_model_config(name, config, folder or config_cache_dir())
    open_clip.add_model_config(path)
    return path


def register_config_file(path: Path) -> str:
    """Register an open_clip config JSON file; returns the architecture name (the file's stem)."""
    open_clip = require("open_clip", purpose="model configs")
    open_clip.add_model_config(Path(path))
    if open_clip.get_model_config(Path(path).stem) is None:
        raise ValueError(f"{path} is not an open_clip model config (needs embed_dim, vision_cfg, text_cfg)")
    return Path(path).stem


def model_config(name: str) -> dict[str, Any] | None:
    """The registered open_clip config of ``name`` (a copy), or None."""
    open_clip = require("open_clip", purpose="model configs")
    config = open_clip.get_model_config(name)
    return json.loads(json.dumps(config)) if config is not None else None
