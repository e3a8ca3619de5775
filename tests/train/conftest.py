"""Runs for the training tests: the bundled sample articles extracted once per session, then
copied with synthetic regions (and panels where the extraction found none) into 3 shards."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.train.synthetic import add_synthetic_hierarchy


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``panel2patch run examples/articles`` (real figures and captions, real panels when found)."""
    from typer.testing import CliRunner

    from panel2patch.cli import _register_commands, app

    _register_commands()
    out = tmp_path_factory.mktemp("train") / "sample_run"
    result = CliRunner().invoke(app, ["run", str(EXAMPLES), "--out", str(out), "-w", "1"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def hier_run(sample_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample run with every panel given a region, in 3 shards."""
    return add_synthetic_hierarchy(sample_run, tmp_path_factory.mktemp("train") / "hier_run", shards=3)


@pytest.fixture()
def fresh_dir(tmp_path: Path) -> Path:
    path = tmp_path / "ckpt"
    yield path
    shutil.rmtree(path, ignore_errors=True)
