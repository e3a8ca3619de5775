"""The typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="panel2patch",
    help=(
        "Turn biomedical articles (PMC JATS XML + figure images) into figure / panel / region "
        "image-text pairs in WebDataset shards, and inspect them."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
