"""CSV/TSV reader: a header row names the columns; quoted cells may span lines."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator

from hegui.corpus.document import ProblemKind
from hegui.corpus.readers._base import Item, ReadContext, decode
from hegui.corpus.readers.lines import numbered_lines

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(ctx: ReadContext) -> Iterator[Item]:
    """Rows as documents; the text is the ``source.text_field`` column.

    Lines that cannot be decoded are reported and left out before the CSV parser sees them; a
    row whose cell count differs from the header's is reported as malformed. Line numbers are
    those of the row's last physical line.
    """
    name = ctx.shard.path.lower()
    if ctx.shard.compression:
        name = name.removesuffix(ctx.shard.compression)
    delimiter = "\t" if name.endswith((".tsv", ".tab")) else ","
    current = 0
    pending: list[Item] = []

    def text_lines() -> Iterator[str]:
        nonlocal current
        for number, raw in numbered_lines(ctx):
            current = number
            if raw is None:
                pending.append(
                    ctx.problem(ProblemKind.TOO_LARGE, number, "line too large, skipped")
                )
                continue
            text = decode(ctx, raw, number)
            if isinstance(text, str):
                yield text
            else:
                pending.append(text)

    reader = csv.reader(text_lines(), delimiter=delimiter)
    header: list[str] | None = None
    try:
        for cells in reader:
            yield from pending
            pending.clear()
            if header is None:
                header = [c.strip() for c in cells]
                if ctx.source.text_field not in header:
                    yield ctx.problem(
                        ProblemKind.MISSING_TEXT,
                        current,
                        f"no column {ctx.source.text_field!r} in the header "
                        f"({', '.join(header) or 'empty'})",
                    )
                    return
                continue
            if not any(cells):
                continue
            if len(cells) != len(header):
                yield ctx.problem(
                    ProblemKind.MALFORMED,
                    current,
                    f"{len(cells)} cells, the header has {len(header)}",
                )
                continue
            yield ctx.text_of(dict(zip(header, cells, strict=True)), current)
    except csv.Error as exc:
        yield ctx.problem(ProblemKind.MALFORMED, current, f"CSV error: {exc}; rest of file skipped")
    yield from pending
