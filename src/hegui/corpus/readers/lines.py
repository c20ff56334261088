"""Line-oriented readers: JSONL and plain text (by line, paragraph or whole file)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from hegui.corpus.document import ProblemKind
from hegui.corpus.manifest import TextUnit
from hegui.corpus.readers._base import Item, ReadContext, decode
from hegui.corpus.readers._streams import count_newlines, lines, open_bytes

_BOM = b"\xef\xbb\xbf"
_PROGRESS_EVERY = 512


def numbered_lines(ctx: ReadContext) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, raw line)`` of the shard's byte range; ``None`` for an over-long line.

    A line belongs to the shard its first byte falls in, so split shards neither lose nor repeat
    a line. Updates ``ctx.consumed``.
    """
    shard = ctx.shard
    stream, raw = open_bytes(shard.path, shard.compression)
    with contextlib.ExitStack() as stack:
        stack.callback(raw.close)
        if stream is not raw:
            stack.callback(stream.close)
        number, pos = 0, 0
        if shard.start > 0:
            raw.seek(shard.start - 1)
            pos = shard.start
            if raw.read(1) != b"\n":
                pos += len(raw.readline())  # the rest of a line owned by the previous shard
            number = count_newlines(shard.path, pos)
        end = shard.end
        compressed = stream is not raw
        for size, line in lines(stream, ctx.max_doc_bytes):
            if end is not None and pos >= end:
                break
            number += 1
            ctx.line = number
            pos += size
            if number == 1 and line is not None and line.startswith(_BOM):
                line = line[len(_BOM) :]
            if compressed:
                if number % _PROGRESS_EVERY == 0:
                    ctx.consumed = raw.tell()
            else:
                ctx.consumed = pos - shard.start
            yield number, line
        ctx.consumed = raw.tell() if compressed else pos - shard.start


def read_jsonl(ctx: ReadContext) -> Iterator[Item]:
    """One JSON object per line; the text is ``source.text_field``. Blank lines are skipped."""
    loads = json.loads
    for number, raw in numbered_lines(ctx):
        if raw is None:
            yield _too_large(ctx, number)
            continue
        text = decode(ctx, raw, number)
        if not isinstance(text, str):
            yield text
            continue
        if not text.strip():
            continue
        try:
            record = loads(text)
        except ValueError as exc:
            message = getattr(exc, "msg", str(exc))
            column = getattr(exc, "colno", None)
            where = f" at column {column}" if column else ""
            yield ctx.problem(ProblemKind.MALFORMED, number, f"invalid JSON: {message}{where}")
            continue
        if not isinstance(record, dict):
            kind = type(record).__name__
            yield ctx.problem(ProblemKind.MALFORMED, number, f"expected a JSON object, not {kind}")
            continue
        yield ctx.text_of(record, number)


def read_text(ctx: ReadContext) -> Iterator[Item]:
    """Plain text: one document per non-blank line, per paragraph, or per file."""
    unit = ctx.source.text_unit
    if unit is TextUnit.LINE:
        for number, raw in numbered_lines(ctx):
            if raw is None:
                yield _too_large(ctx, number)
                continue
            text = decode(ctx, raw, number)
            if isinstance(text, str):
                stripped = text.rstrip("\r\n")
                if stripped.strip():
                    yield ctx.document(stripped, number, {ctx.source.text_field: stripped})
            else:
                yield text
        return
    buffer: list[str] = []
    first, size, skipping = 0, 0, False
    for number, raw in numbered_lines(ctx):
        text = ""
        if raw is not None:
            decoded = decode(ctx, raw, number)
            if not isinstance(decoded, str):
                yield decoded
                continue
            text = decoded
            if unit is TextUnit.PARAGRAPH and not text.strip():
                if buffer and not skipping:
                    yield _joined(ctx, buffer, first)
                buffer, size, skipping = [], 0, False
                continue
        if skipping:
            continue
        if not buffer:
            first = number
        size += len(raw) if raw is not None else ctx.max_doc_bytes + 1
        if size > ctx.max_doc_bytes:
            yield _too_large(ctx, first)
            buffer, skipping = [], True
            continue
        assert raw is not None
        buffer.append(text)
    if buffer and not skipping:
        yield _joined(ctx, buffer, first)


def _joined(ctx: ReadContext, buffer: list[str], first: int) -> Item:
    text = "".join(buffer).strip("\r\n")
    return ctx.document(text, first, {ctx.source.text_field: text})


def _too_large(ctx: ReadContext, number: int) -> Item:
    limit = ctx.max_doc_bytes // (1 << 20)
    return ctx.problem(ProblemKind.TOO_LARGE, number, f"document larger than {limit} MB skipped")
