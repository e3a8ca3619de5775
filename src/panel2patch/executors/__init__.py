"""Executors: local (in-process or process pool); cluster executors register here too."""

from panel2patch.executors import local as _local  # noqa: F401  (registers "local")
from panel2patch.executors.base import Executor, Outcome, make_executor, register_executor

__all__ = ["Executor", "Outcome", "make_executor", "register_executor"]
