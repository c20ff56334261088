"""``hegui judge``: judge recorded answers offline, one JSON line in, one JSON line out."""

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
from hegui.judges import Judge, available_judges, build_judge
from hegui.records import Attempt, BankItem, ItemKind, TargetResponse

app = typer.Typer(
    help="Judge recorded answers offline (refusal, keyword, acceptable) without calling a model.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _group() -> None:
    """Judge recorded answers offline (refusal, keyword, acceptable) without calling a model."""


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
        _emit(
            {
                "id": attempt.item.id,
                "label": verdict.label,
                "score": verdict.score,
                "judge": verdict.judge,
                "version": verdict.judge_version,
                "rationale": verdict.rationale,
                "evidence": list(verdict.evidence),
            }
        )
    return counts


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


@app.command("run")
def run(
    judge: Annotated[
        str, typer.Option("--judge", "-j", help=f"Judge name: {' | '.join(available_judges())}.")
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
        typer.Option("--library", "-l", help="Keyword library for the keyword/acceptable judges."),
    ] = None,
) -> None:
    """Print one JSON verdict per input line; a malformed line prints {"line": N, "error": …}."""
    options: dict[str, Any] = {"library": library} if library is not None else {}
    try:
        built = build_judge(judge, **options)
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
