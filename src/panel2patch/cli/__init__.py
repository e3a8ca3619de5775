"""Command line: ``panel2patch --help``. Only this package knows about argv."""

from __future__ import annotations

import importlib

from panel2patch.cli.app import app

# Each module registers its commands on ``app`` when imported.
_COMMAND_MODULES = ("run", "stats", "caption", "figure", "export", "report", "train", "concepts", "split", "eval")


def _register_commands() -> None:
    for name in _COMMAND_MODULES:
        try:
            importlib.import_module(f"panel2patch.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"panel2patch.cli.{name}":
                raise


def main() -> None:
    _register_commands()
    app()


__all__ = ["app", "main"]
