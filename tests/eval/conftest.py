"""The training tests' runs (the bundled sample, extracted once per session), reused here."""

from tests.train.conftest import hier_run, sample_run  # noqa: F401 - pytest fixtures
