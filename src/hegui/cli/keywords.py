"""``hegui keywords``: scan texts with a keyword library, explain matches, check coverage."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.table import Table

from hegui.cli._common import EXIT_FAIL, friendly_errors, out
from hegui.cli.render import print_keyword_coverage
from hegui.errors import ConfigError

app = typer.Typer(
    help="Keyword libraries (附件4): scan texts, explain matches, check coverage.",
    no_args_is_help=True,
)

LibraryOption = Annotated[
    Path,
    typer.Option("--library", "-l", help="Keyword library: .tsv, .csv, .xlsx or .txt."),
]
RiskOption = Annotated[
    str | None,
    typer.Option("--risk", help="Risk code of keywords that have none (plain .txt word lists)."),
]
HomophoneOption = Annotated[
    bool,
    typer.Option(
        "--homophones/--no-homophones",
        help="Also report homophone spellings (level 'suspect', never 'hit').",
    ),
]


def _matcher(library: Path, risk: str | None, homophones: bool) -> Any:
    from hegui.text import KeywordMatcher  # imported here: keeps `hegui --help` fast

    return KeywordMatcher.from_file(library, default_risk=risk, homophones=homophones)


def _lines(source: str) -> Iterator[bytes]:
    if source == "-":
        yield from sys.stdin.buffer
        return
    path = Path(source)
    if not path.is_file():
        raise ConfigError(f"input file {source!r} not found", field="--input")
    with path.open("rb") as handle:
        yield from handle


def _scan_line(raw: bytes, number: int, field: str, matcher: Any) -> dict[str, Any] | None:
    line = raw.rstrip(b"\r\n")
    if not line.strip():
        return None
    if b"\x00" in line:
        return {"line": number, "error": "binary data (NUL byte), not a JSON line"}
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return {"line": number, "error": f"not valid UTF-8 at byte {exc.start}"}
    except json.JSONDecodeError as exc:
        return {"line": number, "error": f"not JSON: {exc.msg} (column {exc.colno})"}
    if not isinstance(record, dict):
        return {"line": number, "error": "expected a JSON object per line"}
    text = record.get(field)
    if not isinstance(text, str):
        return {"line": number, "error": f"field {field!r} is missing or not a string"}
    result: dict[str, Any] = {"line": number}
    if "id" in record:
        result["id"] = record["id"]
    result["matches"] = [m.to_json() for m in matcher.scan(text)]
    return result


@app.command("scan")
@friendly_errors
def scan(
    library: LibraryOption,
    input: Annotated[
        str, typer.Option("--input", "-i", help="JSONL file, or - for standard input.")
    ] = "-",
    field: Annotated[str, typer.Option("--field", help="JSON field holding the text.")] = "text",
    risk: RiskOption = None,
    homophones: HomophoneOption = True,
) -> None:
    """Scan JSONL texts; print one JSON line per input line.

    Output: ``{"line": N, "id": …, "matches": [{"keyword", "risk", "start", "end", "how",
    "level", "severity"}]}`` with ``start``/``end`` as character offsets into the field's text.
    A line that is not UTF-8, not JSON or lacks the field gives ``{"line": N, "error": "…"}`` and
    the scan goes on. Blank lines are skipped.
    """
    matcher = _matcher(library, risk, homophones)
    stream: IO[str] = sys.stdout
    for number, raw in enumerate(_lines(input), start=1):
        result = _scan_line(raw, number, field, matcher)
        if result is not None:
            stream.write(json.dumps(result, ensure_ascii=False) + "\n")
    stream.flush()


@app.command("explain")
@friendly_errors
def explain(
    text: Annotated[str, typer.Argument(help="The text to explain.")],
    library: LibraryOption,
    risk: RiskOption = None,
    homophones: HomophoneOption = True,
) -> None:
    """Show the normalised text and each match with its span in the original text."""
    from hegui.text import normalize

    matcher = _matcher(library, risk, homophones)
    norm = normalize(text)
    out.print(f"[bold]original[/]   {text}")
    out.print(f"[bold]normalised[/] {norm.text}")
    matches = matcher.scan_normalized(norm)
    if not matches:
        out.print("no keyword found")
        return
    table = Table(title=f"{len(matches)} match(es)")
    for column in ("keyword", "risk", "span", "original text", "how", "level", "severity"):
        table.add_column(column, overflow="fold")
    for m in matches:
        style = "bold red" if m.level == "hit" else "yellow"
        table.add_row(
            m.keyword,
            m.risk,
            f"{m.start}–{m.end}",
            text[m.start : m.end],
            m.how.value,
            f"[{style}]{m.level.value}[/]",
            m.severity.value,
        )
    out.print(table)


@app.command("check")
@friendly_errors
def check(
    library: LibraryOption,
    risk: RiskOption = None,
    pack: Annotated[str, typer.Option("--pack", "-p", help="Policy pack name or path.")] = (
        "gbt45654-2025"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check the library against the pack's minimums (total, per risk, weekly update).

    Exit code 1 when a minimum is not met.
    """
    from hegui.policy import load_pack
    from hegui.text import check_coverage, load_library

    loaded_pack = load_pack(pack)
    report = check_coverage(load_library(library, pack=loaded_pack, default_risk=risk), loaded_pack)
    if as_json:
        out.print_json(report.model_dump_json())
    else:
        print_keyword_coverage(report, library.name)
    if not report.ok:
        raise typer.Exit(EXIT_FAIL)
