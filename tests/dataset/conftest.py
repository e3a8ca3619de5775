from __future__ import annotations

from pathlib import Path

import pytest

from tests.dataset.runs import example_run, fixture_run


@pytest.fixture(scope="session")
def example_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return example_run(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def fixture_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_run(tmp_path_factory.getbasetemp())
