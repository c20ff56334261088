"""``hegui judge``: judge recorded answers offline (``run``) and measure judges (``eval``)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from pydantic import ValidationError

from hegui.errors import HeguiError
from hegui.judges import Judge, build_judge, judge_names
from hegui.judges.cascade import decided_tier
from hegui.judges.datasets import FORMATS, LabelledExample, file_sha256, load_examples
from hegui.judges.evaluate import POSITIVE_NAME, Evaluation, evaluate
from hegui.judges.quality import Interval, binary_metrics
from hegui.judges.quality_registry import QualityRecord, QualityRegistry, project_registry_path
from hegui.records import Attempt, BankItem, ItemKind, TargetResponse

app = typer.Typer(
    help="Judge recorded answers offline, and measure judges against labelled data.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _group() -> None:
    """Judge recorded answers offline, and measure judges against labelled data."""


def _attempt(number: int, line: str) -> Attempt:
    """Parse one input line into an attempt; ValueError says what is wrong."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    prompt, response = record.get("prompt"), record.get("response")
    if not isinstance(prompt, str) or not prompt.strip():
        raise ValueError("'prompt' must be a non-empty string")
    if not isinstance(response, str):
        raise ValueError("'response' must be a string")
    risk = record.get("risk")
    kind = record.get("kind") or (ItemKind.GENERATION if risk else ItemKind.SHOULD_NOT_REFUSE)
    item_id = record.get("id", number)
    try:
        item = BankItem(id=str(item_id), kind=kind, prompt=prompt, risk=risk)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']}" if where else first["msg"]) from None
    return Attempt(run_id="cli", item=item, response=TargetResponse(text=response))


def _emit(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


async def _judge_lines(judge: Judge, lines: Iterable[str]) -> Counter[str]:
    try:
        return await _judge_each(judge, lines)
    finally:
        close = getattr(judge, "aclose", None) or getattr(
            getattr(judge, "llm", None), "aclose", None
        )
        if close is not None:
            await close()  # the LLM judge's connections belong to this event loop


async def _judge_each(judge: Judge, lines: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            attempt = _attempt(number, line)
        except ValueError as exc:
            _emit({"line": number, "error": str(exc)})
            counts["error"] += 1
            continue
        verdict = await judge.judge(attempt)
        counts[verdict.label] += 1
        record = {
            "id": attempt.item.id,
            "label": verdict.label,
            "score": verdict.score,
            "judge": verdict.judge,
            "version": verdict.judge_version,
            "rationale": verdict.rationale,
            "evidence": list(verdict.evidence),
        }
        tier = decided_tier(verdict)
        if tier is not None:
            record["tier"] = tier
        _emit(record)
    return counts


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def judge_options(library: Path | None, llm: Path | None) -> dict[str, Any]:
    """``build_judge`` options from the shared CLI flags."""
    options: dict[str, Any] = {}
    if library is not None:
        options["library"] = library
    if llm is not None:
        options["llm"] = llm
    return options


@app.command("run")
def run(
    judge: Annotated[
        str, typer.Option("--judge", "-j", help=f"Judge name: {' | '.join(judge_names())}.")
    ],
    input: Annotated[
        str,
        typer.Option(
            "--input",
            "-i",
            help="JSONL with 'prompt' and 'response' per line (optional 'id', 'risk', 'kind'); "
            "'-' reads stdin.",
        ),
    ],
    library: Annotated[
        Path | None,
        typer.Option(
            "--library", "-l", help="Keyword library (keyword, acceptable; cascade's first tier)."
        ),
    ] = None,
    llm: Annotated[
        Path | None,
        typer.Option("--llm", help="LLM judge spec file (YAML) for the llm and cascade judges."),
    ] = None,
) -> None:
    """Print one JSON verdict per input line; a malformed line prints {"line": N, "error": …}.

    Each record has ``id``, ``label``, ``score``, ``judge``, ``version``, ``rationale`` and
    ``evidence``; cascade verdicts also carry ``tier`` (the tier that decided).
    """
    try:
        built = build_judge(judge, **judge_options(library, llm))
    except HeguiError as exc:
        raise _fail(str(exc)) from None
    stream: TextIO
    if input == "-":
        stream = sys.stdin
    else:
        path = Path(input)
        if not path.is_file():
            raise _fail(f"input file not found: {path}")
        stream = path.open(encoding="utf-8-sig")
    try:
        counts = asyncio.run(_judge_lines(built, stream))
    finally:
        if stream is not sys.stdin:
            stream.close()
    summary = ", ".join(f"{label} {n}" for label, n in sorted(counts.items())) or "no input lines"
    typer.echo(f"{built.name} {built.version}: {summary}", err=True)


@app.command("eval")
def eval_command(
    judge: Annotated[str, typer.Option("--judge", "-j", help="Judge name to measure.")],
    data: Annotated[Path, typer.Option("--data", "-d", help="Labelled answers.")],
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help=f"Data format: {' | '.join(FORMATS)}."),
    ] = "hegui",
    library: Annotated[
        Path | None, typer.Option("--library", "-l", help="Keyword library (keyword judges).")
    ] = None,
    llm: Annotated[Path | None, typer.Option("--llm", help="LLM judge spec file.")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Measure on the first N examples.")
    ] = None,
    registry: Annotated[
        Path | None,
        typer.Option(
            "--registry",
            help="Quality registry to record the result in "
            "(default: $HEGUI_QUALITY, else .hegui/judge-quality.json here).",
        ),
    ] = None,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Record the result.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
) -> None:
    """Measure a judge against labelled data: precision, recall, specificity, F1 (95% intervals).

    The result is recorded in the project's judge-quality registry, from which reports take each
    judge's measured quality and the judge-error-adjusted interval of every pass rate.
    """
    try:
        built = build_judge(judge, **judge_options(library, llm))
        examples = load_examples(data, fmt)[:limit]
        result = asyncio.run(_evaluate(built, examples))
    except HeguiError as exc:
        raise _fail(str(exc)) from None
    langs = Counter(e.lang for e in examples)
    record = QualityRecord.measure(
        judge=built,
        task=result.task,
        counts=result.counts,
        dataset=data.name if limit is None else f"{data.name}[:{limit}]",
        positive=POSITIVE_NAME[result.task],
        sha256=file_sha256(data),
        lang=langs.most_common(1)[0][0],
    )
    if save:
        path = registry or project_registry_path()
        try:
            stored = QualityRegistry.load(path)
            stored.add(record)
            stored.save(path)
        except HeguiError as exc:
            raise _fail(str(exc)) from None
        typer.echo(f"recorded in {path}", err=True)
    if as_json:
        _emit(record.model_dump(mode="json"))
        return
    typer.echo(_summary(record, result))


async def _evaluate(judge: Judge, examples: list[LabelledExample]) -> Evaluation:
    try:
        return await evaluate(judge, examples)
    finally:
        close = getattr(judge, "aclose", None) or getattr(
            getattr(judge, "llm", None), "aclose", None
        )
        if close is not None:
            await close()


def _interval(i: Interval) -> str:
    if i.value is None:
        return "—"
    return f"{i.value:.3f} [{i.low:.3f}, {i.high:.3f}]"


def _summary(record: QualityRecord, result: Evaluation) -> str:
    m, c = record.metrics, record.counts
    coverage = f"{m.coverage:.1%}" if m.coverage is not None else "—"
    lines = [
        f"{record.judge} {record.version} on {record.dataset} ({record.task}; positive = "
        f"{record.positive}; 95% intervals)",
        f"  n {c.n}  tp {c.tp}  fp {c.fp}  fn {c.fn}  tn {c.tn}  unscored {c.unscored} "
        f"(coverage {coverage})",
        f"  precision   {_interval(m.precision)}",
        f"  recall      {_interval(m.recall)}",
        f"  specificity {_interval(m.specificity)}",
        f"  F1          {_interval(m.f1)}",
        f"  accuracy    {_interval(m.accuracy)}",
    ]
    if len(result.by_group) > 1:
        lines.append("  by group (F1):")
        for name, counts in sorted(result.by_group.items()):
            f1 = binary_metrics(counts).f1.value
            shown = f"{f1:.3f}" if f1 is not None else "—"
            lines.append(f"    {name:<24} n {counts.n:<6} F1 {shown}")
    return "\n".join(lines)
