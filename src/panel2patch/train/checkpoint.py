"""Checkpoints with exact resume, and the final weights in a form open_clip loads.

A checkpoint (``checkpoints/step_NNNNNNNN.pt``) holds the model, optimizer and scheduler
states, the step, every rank's RNG states and the data position (each loader stream's position
per level). ``final/`` holds ``open_clip_model.safetensors`` and ``open_clip_config.json``, so both
``open_clip.create_model_and_transforms(ARCH, pretrained="final/open_clip_model.safetensors")``
and ``open_clip.create_model_and_transforms("local-dir:final")`` load it; for an architecture
open_clip does not ship (the presets), ``final/ARCH.json`` is the config to register first with
``open_clip.add_model_config`` (or call ``panel2patch.models.register_presets()``).
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import save_file

from panel2patch.models.registry import write_model_config
from panel2patch.output.atomic import write_bytes_atomic

CHECKPOINTS = "checkpoints"
FINAL = "final"
WEIGHTS = "open_clip_model.safetensors"
_STEP_FILE = re.compile(r"step_(\d+)\.pt$")


def rng_state() -> dict[str, Any]:
    state = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def checkpoint_path(out: Path, step: int) -> Path:
    return out / CHECKPOINTS / f"step_{step:08d}.pt"


def list_checkpoints(out: Path) -> list[tuple[int, Path]]:
    folder = out / CHECKPOINTS
    found = [(int(m.group(1)), p) for p in folder.glob("step_*.pt") if (m := _STEP_FILE.search(p.name))]
    return sorted(found)


def latest_checkpoint(out: Path) -> Path | None:
    found = list_checkpoints(out)
    return found[-1][1] if found else None


def save_checkpoint(out: Path, step: int, state: dict[str, Any], keep: int) -> Path:
    path = checkpoint_path(out, step)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    torch.save(state, tmp)
    os.replace(tmp, path)
    for _, old in list_checkpoints(out)[:-max(1, keep)]:
        old.unlink(missing_ok=True)
    return path


def load_checkpoint(path: Path) -> dict[str, Any]:
    # our own file: optimizer and RNG states need full unpickling
    return torch.load(path, map_location="cpu", weights_only=False)


def export_final(out: Path, model: torch.nn.Module, arch: str, model_cfg: dict[str, Any] | None,
                 preprocess: dict[str, Any], builtin: bool) -> Path:
    """Write the trained weights where open_clip can load them; returns the weights file."""
    folder = out / FINAL
    folder.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    tmp = folder / f".{WEIGHTS}.tmp-{os.getpid()}"
    save_file(state, str(tmp))
    os.replace(tmp, folder / WEIGHTS)
    if model_cfg is not None:
        local_dir = {"model_cfg": model_cfg, "preprocess_cfg": _jsonable(preprocess), "architecture": arch}
        write_bytes_atomic(folder / "open_clip_config.json", (json.dumps(local_dir, indent=2) + "\n").encode())
        if not builtin:
            write_model_config(arch, model_cfg, folder)
    write_bytes_atomic(folder / "LOADING.md", _loading_note(arch, builtin, model_cfg is not None).encode())
    return folder / WEIGHTS


def _loading_note(arch: str, builtin: bool, has_config: bool) -> str:
    register = "" if builtin else (
        f"open_clip.add_model_config(\"final/{arch}.json\")  # open_clip does not ship {arch}; or:\n"
        "# from panel2patch.models import register_presets; register_presets()\n")
    lines = [
        "# Loading these weights with open_clip", "", "```python", "import open_clip", register.rstrip("\n"),
        f"model, _, preprocess = open_clip.create_model_and_transforms(\"{arch}\", "
        f"pretrained=\"final/{WEIGHTS}\", image_resize_mode=\"longest\")",
        f"tokenizer = open_clip.get_tokenizer(\"{arch}\")",
    ]
    if has_config:
        lines += ["# or, with config and weights from this folder:",
                  "model, _, preprocess = open_clip.create_model_and_transforms(\"local-dir:final\")"]
    lines += ["```", "", "Training fed crops letterboxed to a square (resize mode `longest`); pass",
              "`image_resize_mode=\"longest\"` to get the same at inference.", ""]
    return "\n".join(line for line in lines if line is not None)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: list(v) if isinstance(v, tuple) else str(v)))
