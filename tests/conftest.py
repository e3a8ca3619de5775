"""Shared test setup: offline hub, paths to fixtures and to the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
EXAMPLES = REPO_ROOT / "examples" / "articles"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real articles, figures, benchmarks); skip when this checkout has none."""
    if not (SHARED_DATA / "articles").is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def hostile() -> Path:
    return FIXTURES / "hostile"


@pytest.fixture(scope="session")
def example_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run of the bundled sample (``examples/articles``), made once per session."""
    from tests.dataset.runs import example_run

    return example_run(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def fixture_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small run of the test fixtures, made once per session."""
    from tests.dataset.runs import fixture_run

    return fixture_run(tmp_path_factory.getbasetemp())
