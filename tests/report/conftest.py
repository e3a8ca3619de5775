from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def fixture_report(fixture_run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the fixture run (6 gallery figures), written once."""
    pytest.importorskip("matplotlib", reason="the report's charts need the [report] extra")
    from panel2patch.report import write_run_report

    return write_run_report(fixture_run_dir, tmp_path_factory.mktemp("report"), gallery_size=6)
