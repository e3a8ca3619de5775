"""Without Ray installed, asking for the Ray executor fails at once with the install hint."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from panel2patch.cli import _register_commands, app
from panel2patch.errors import MissingExtraError
from panel2patch.executors import make_executor
from tests.conftest import EXAMPLES

HINT = "pip install 'panel2patch[ray]'"


@pytest.fixture
def no_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without the extra looks like to import


def test_make_executor_names_the_extra(no_ray: None) -> None:
    with pytest.raises(MissingExtraError, match=r"the Ray executor.*pip install 'panel2patch\[ray\]'"):
        make_executor("ray", 2)


def test_the_run_command_fails_before_any_work(no_ray: None, tmp_path: Path) -> None:
    _register_commands()
    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", str(EXAMPLES), "--out", str(out), "--executor", "ray", "--no-progress"])
    assert result.exit_code == 2
    assert HINT in " ".join(result.output.split())  # rich may wrap the line
    assert not out.exists() and "found" not in result.output  # nothing discovered, planned or written
