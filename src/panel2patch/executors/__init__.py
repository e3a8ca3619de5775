"""Executors: local (in-process or process pool) and Ray; each registers itself by name."""

from panel2patch.executors import local as _local  # noqa: F401  (registers "local")
from panel2patch.executors import ray_executor as _ray  # noqa: F401  (registers "ray"; imports Ray only when made)
from panel2patch.executors.base import Executor, Outcome, make_executor, register_executor

__all__ = ["Executor", "Outcome", "make_executor", "register_executor"]
