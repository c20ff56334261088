"""The ``hegui`` command line: thin Typer commands over library calls.

Exit codes: 0 every requirement passes, 1 a requirement fails, 2 usage or configuration error.
"""

from __future__ import annotations

import typer

from hegui.cli import (
    assess,
    bank,
    complaints,
    console,
    corpus,
    fairness,
    filing,
    gateway,
    incident,
    judge,
    keywords,
    label,
    policy,
    project,
    review,
    runs,
)

app = typer.Typer(
    name="hegui",
    help="合规 hegui — compliance engine for generative-AI services (GB/T 45654-2025).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(project.init)
app.command("demo")(project.demo)
app.command("assess")(assess.assess)
app.command("rescore")(assess.rescore)
app.command("report")(assess.report)
app.add_typer(runs.app, name="runs")
app.add_typer(policy.app, name="policy")
app.add_typer(bank.app, name="bank")
app.add_typer(judge.app, name="judge")
app.add_typer(keywords.app, name="keywords")
app.add_typer(label.app, name="label")
app.add_typer(corpus.app, name="corpus")
app.add_typer(filing.app, name="filing")
app.add_typer(fairness.app, name="fairness")
app.add_typer(review.app, name="review")
app.add_typer(gateway.app, name="gateway")
app.add_typer(gateway.users_app, name="users")
app.add_typer(gateway.log_app, name="log")
app.add_typer(complaints.app, name="complaints")
app.add_typer(incident.app, name="incident")
app.add_typer(console.app, name="console")


def main() -> None:
    """Entry point of the ``hegui`` script."""
    app()
