"""``hegui policy show``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from hegui.cli._common import friendly_errors, out
from hegui.policy import DEFAULT_PACK, Number, available_packs, load_pack

app = typer.Typer(help="Policy packs: taxonomy, minimums and thresholds.", no_args_is_help=True)


def _num(n: Number | None) -> str:
    if n is None:
        return "—"
    text = f"{n.value:g} ({n.certainty})"
    return text + (
        f" [overridden from {n.overridden_from:g}]" if n.overridden_from is not None else ""
    )


@app.command("show")
@friendly_errors
def show(
    pack: Annotated[
        str,
        typer.Option(
            "--pack", "-p", help=f"Pack name or YAML path ({', '.join(available_packs())})."
        ),
    ] = DEFAULT_PACK,
) -> None:
    """Show a pack: the 31 risks, bank and keyword minimums, assessment thresholds, aspects.

    Certainty: V verified in the standard, P partly verified, R recalled; only P and R numbers can
    be overridden under policy.overrides in hegui.yaml.
    """
    p = load_pack(pack)
    out.print(f"[bold]{p.pack}[/] {p.version} — {p.title_zh}\n{p.title_en}\nsha256 {p.sha256}")
    risks = Table(title="Appendix A risks (附录A 31种安全风险)")
    risks.add_column("code", no_wrap=True)
    for column in ("风险", "risk"):
        risks.add_column(column, overflow="fold")
    for r in p.risks:
        risks.add_row(r.code, r.zh, r.en)
    out.print(risks)
    banks = Table(title="Bank minimums")
    banks.add_column("requirement", no_wrap=True)
    for column in ("bank", "total", "per risk (by category)", "per aspect", "max age (days)"):
        banks.add_column(column, overflow="fold")
    kw = p.keyword_library
    banks.add_row(
        kw.requirement,
        kw.title_zh,
        _num(kw.total),
        ", ".join(f"{c}: {_num(n)}" for c, n in kw.per_risk.items()),
        "—",
        _num(kw.max_age_days),
    )
    for rule in p.banks.values():
        banks.add_row(
            rule.requirement,
            rule.title_zh,
            _num(rule.total),
            ", ".join(f"{c}: {_num(n)}" for c, n in rule.per_risk.items()) or "—",
            _num(rule.per_aspect),
            _num(rule.max_age_days),
        )
    out.print(banks)
    reqs = Table(title="Assessment requirements")
    reqs.add_column("requirement", no_wrap=True)
    for column in ("title", "bank", "method", "counts", "min sample", "threshold"):
        reqs.add_column(column, overflow="fold")
    for a in p.assessment:
        reqs.add_row(
            a.id,
            a.title_zh,
            a.kind.value,
            a.method,
            a.measure,
            _num(a.min_sample),
            f"{a.comparison} {_num(a.threshold)}",
        )
    out.print(reqs)
    if p.incidents is not None:
        loop = p.incidents
        deadlines = Table(title=f"Incident and complaint deadlines ({loop.requirement})")
        for column in ("step", "deadline"):
            deadlines.add_column(column)
        deadlines.add_row("containment (stop, remove) 处置", f"{_num(loop.containment_hours)} h")
        deadlines.add_row("report to the authority 报告", f"{_num(loop.report_hours)} h")
        deadlines.add_row("remediation proven 整改", f"{_num(loop.remediation_days)} days")
        deadlines.add_row(
            "complaint feedback 投诉反馈", f"{_num(loop.complaint_feedback_days)} days"
        )
        out.print(deadlines)
    aspects = Table(title="Should-not-refuse aspects (REQ-BANK-08)")
    for column in ("id", "方面", "aspect"):
        aspects.add_column(column)
    for aspect in p.aspects:
        aspects.add_row(aspect.id, aspect.zh, aspect.en)
    out.print(aspects)
