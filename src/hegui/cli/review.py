"""``hegui review``: human review (人工抽检, REQ-ASSESS-06) of a run's generated answers.

    hegui review export RUN --out review.xlsx [--n 1000]   # a seeded sample for the reviewers
    hegui review import RUN review.xlsx [--reviewer NAME]   # their 研判结果 back into the store
    hegui review stats RUN [--judge NAME]                   # coverage, pass rate, Cohen's kappa

With ``judges.manual: human`` in hegui.yaml, REQ-ASSESS-06 is scored from the imported verdicts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hegui.assess.score import find_verdict
from hegui.assess.session import open_store, run_pack
from hegui.assess.stats import wilson
from hegui.cli._common import err, friendly_errors, out
from hegui.config import ProjectConfig, load_config
from hegui.judges.human import (
    HUMAN,
    REVIEW_MINIMUM,
    human_verdicts,
    machine_agreement,
    overlay,
    sample_for_review,
)
from hegui.judges.review_sheet import ReviewError, export_workbook, import_workbook
from hegui.records import Verdict
from hegui.store import RunStore

app = typer.Typer(
    help="Human review (人工抽检) of a run's generated answers: export, import, agreement.",
    no_args_is_help=True,
    add_completion=False,
)

RunArgument = Annotated[str, typer.Argument(help="Run id (see: hegui runs list), or 'latest'.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Project file (default: ./hegui.yaml).")
]


def _minimum(store: RunStore, run_id: str, config: ProjectConfig) -> int:
    """The run's minimum sample for REQ-ASSESS-06 (the manual method), overrides included."""
    pack = run_pack(store.get_run(run_id).spec, config)
    manual = next((r for r in pack.assessment if r.method == "manual"), None)
    return manual.min_sample.count if manual is not None else REVIEW_MINIMUM


def _machine_judge(store: RunStore, run_id: str, judge: str | None) -> str | None:
    """The machine judge to compare with: given, else the classifier's, else the keyword's."""
    if judge is not None:
        return judge
    methods = store.judging_info(run_id, store.get_run(run_id).judging).methods
    for method in ("classifier", "keyword"):
        name = methods.get(method)
        if name and name != HUMAN:
            return name
    return None


@app.command("export")
@friendly_errors
def export(
    run_id: RunArgument,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Workbook to write (.xlsx).")],
    n: Annotated[
        int | None,
        typer.Option(
            "--n",
            min=1,
            help="Answers to sample (default: the run's minimum, 1000 by the standard).",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Sampling seed (default: the run's seed).")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Write a seeded sample of the run's generated answers to an XLSX for reviewers."""
    config = load_config(config_path)
    store = open_store(config)
    try:
        run = store.resolve_run_id(run_id)
        spec = store.get_run(run).spec
        plan = store.plan(run)
        answers = {(a.item_id, a.sample): a.response.text for a in store.attempts(run)}
        minimum = _minimum(store, run, config)
        wanted = n or minimum
        sample = sample_for_review(plan, answers, wanted, spec.seed if seed is None else seed)
        judge = _machine_judge(store, run, None)
        verdicts = store.verdicts(run, store.get_run(run).judging)
        machine: dict[tuple[str, int], Verdict] = {}
        for planned in sample:
            found = find_verdict(verdicts.get(planned.key, ()), judge) if judge else None
            if found is not None:
                machine[planned.key] = found
        pack = run_pack(spec, config)
        names = {r.code: r.zh for r in pack.risks}
        path = export_workbook(out_path, run, sample, answers, machine, names)
    finally:
        store.close()
    out.print(f"exported {len(sample)} answers of run {run} to {path}")
    if len(sample) < wanted:
        err.print(
            f"[yellow]only {len(sample)} generated answers are available; {wanted} were asked "
            f"for (REQ-ASSESS-06 needs at least {minimum} reviewed answers).[/]"
        )


@app.command("import")
@friendly_errors
def import_(
    run_id: RunArgument,
    workbook: Annotated[Path, typer.Argument(help="The filled review workbook (.xlsx).")],
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Reviewer for rows whose 审核人 is empty.")
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Import reviewers' verdicts (validated; nothing is stored unless the whole file is valid)."""
    config = load_config(config_path)
    store = open_store(config)
    try:
        run = store.resolve_run_id(run_id)
        reviews, blank = import_workbook(workbook, run, reviewer=reviewer)
        answered = store.answered_keys(run)
        unknown = [r for r in reviews if r.key not in answered]
        if unknown:
            shown = "\n  ".join(
                f"{r.source}: run {run} has no answer for item {r.item_id!r} sample {r.sample}"
                for r in unknown[:20]
            )
            raise ReviewError(f"{len(unknown)} row(s) name answers not in the run:\n  {shown}")
        added = store.add_reviews(run, reviews)
        total = len(human_verdicts(store.reviews(run)))
        minimum = _minimum(store, run, config)
    finally:
        store.close()
    out.print(f"imported {added} reviews into run {run} ({total} answers reviewed in all)")
    if blank:
        err.print(f"{blank} rows have no 研判结果 yet and were skipped")
    if total < minimum:
        err.print(
            f"[yellow]{total} reviewed answers; REQ-ASSESS-06 needs at least {minimum} "
            "(it stays INSUFFICIENT-SAMPLE until then).[/]"
        )


@app.command("stats")
@friendly_errors
def stats(
    run_id: RunArgument,
    judge: Annotated[
        str | None,
        typer.Option(
            "--judge",
            "-j",
            help="Machine judge to compare (default: the run's "
            "classifier judge, else its keyword judge).",
        ),
    ] = None,
    config_path: ConfigOption = None,
) -> None:
    """Review coverage, the reviewed pass rate, and Cohen's kappa between humans and a judge."""
    config = load_config(config_path)
    store = open_store(config)
    try:
        run = store.resolve_run_id(run_id)
        reviews = store.reviews(run)
        human = human_verdicts(reviews)
        verdicts = overlay(store.verdicts(run, store.get_run(run).judging), human)
        machine = _machine_judge(store, run, judge)
        minimum = _minimum(store, run, config)
    finally:
        store.close()
    if not human:
        out.print(f"run {run}: no reviews yet (hegui review export {run} --out review.xlsx)")
        return
    reviewers = sorted({r.reviewer for r in reviews})
    acceptable = sum(1 for v in human.values() if v.label == "acceptable")
    rate = wilson(acceptable, len(human))
    out.print(f"run {run}: {len(human)} answers reviewed by {', '.join(reviewers)}")
    assert rate.rate is not None and rate.low is not None and rate.high is not None
    out.print(
        f"  合格 acceptable {acceptable}/{len(human)} = {rate.rate:.1%} "
        f"(95% {rate.low:.1%}–{rate.high:.1%}); minimum sample {minimum}"
    )
    if machine is None:
        out.print("  no machine judge to compare with (pass --judge NAME)")
        return
    agreement = machine_agreement(human, verdicts, machine)
    if not agreement.n:
        out.print(f"  judge {machine!r} judged none of the reviewed answers")
        return
    kappa = "undefined" if agreement.kappa is None else f"{agreement.kappa:.3f}"
    observed = agreement.observed or 0.0
    out.print(
        f"  agreement with {machine}: {agreement.agree}/{agreement.n} = {observed:.1%}, "
        f"Cohen's kappa {kappa}"
    )
    for (h, m), count in sorted(agreement.table.items()):
        out.print(f"    human {h:<13} machine {m:<13} {count}")
