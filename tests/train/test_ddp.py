"""DDP with torchrun on 2 CPU processes (gloo) gives the gradients of one process on the global batch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="training tests need the [train] extra")
pytest.importorskip("open_clip", reason="training tests need the [train] extra")

from tests.conftest import REPO_ROOT  # noqa: E402

TORCHRUN = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1",
            "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}


@pytest.mark.slow
def test_ddp_gradients_equal_single_process(hier_run: Path, tmp_path: Path) -> None:
    report_path = tmp_path / "ddp.json"
    script = Path(__file__).with_name("ddp_grad_check.py")
    done = subprocess.run([*TORCHRUN, str(script), str(hier_run), str(report_path)], env=_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(report_path.read_text())
    assert len(report["steps"]) == 3
    for step in report["steps"]:
        assert all(n > 0 for n in step["items_per_rank"])
        assert step["same_params"] and step["n_params"] > 10
        assert step["terms_ddp"].keys() == step["terms_single"].keys()
        for name, value in step["terms_single"].items():
            assert step["terms_ddp"][name] == pytest.approx(value, rel=1e-5, abs=1e-6), name
        assert step["max_relative_grad_diff"] < 1e-4
    covered = set().union(*(s["terms_single"] for s in report["steps"]))
    assert {"figure", "panel", "region", "figure_panel_image", "panel_region_text", "patch"} <= covered


@pytest.mark.slow
def test_train_command_runs_under_torchrun(hier_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "ck"
    done = subprocess.run(
        [*TORCHRUN, "-m", "panel2patch", "train", str(hier_run), "--preset", "tiny-vit", "--max-steps", "4",
         "--out", str(out), "--workers", "1", "--no-tensorboard", "--save-every", "2"],
        env=_env(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (out / "final" / "open_clip_model.safetensors").exists()
    rows = (out / "train_log.csv").read_text().splitlines()
    assert len(rows) == 5
    shutil.rmtree(out)
