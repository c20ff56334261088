"""The ``hegui`` command line: thin Typer commands over library calls.

Exit codes: 0 every requirement passes, 1 a requirement fails, 2 usage or configuration error.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="hegui",
    help="合规 hegui — compliance engine for generative-AI services (GB/T 45654-2025).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    """Entry point of the ``hegui`` script."""
    app()
