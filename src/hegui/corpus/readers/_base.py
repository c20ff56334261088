"""What every reader shares: the read context that numbers documents and records problems."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from hegui.corpus.document import Document, ProblemKind, ReadProblem
from hegui.corpus.manifest import Source
from hegui.corpus.shards import Shard

Item = Document | ReadProblem
"""What a reader yields."""


@dataclass
class ReadContext:
    """Per-shard reading state. Readers update :attr:`consumed` as they go (progress)."""

    shard: Shard
    source: Source
    max_doc_bytes: int
    keep_record: bool
    consumed: int = 0
    """Bytes of the shard's file read so far (compressed bytes for compressed files)."""
    line: int | None = None
    """The line or row being read, for problems that stop the file."""
    _ordinal: int = 0

    def document(self, text: str, line: int, record: dict[str, Any] | None = None) -> Document:
        """A document at ``line`` of the shard's file, numbered in reading order."""
        key = f"{self.shard.rel}:{line}"
        doc_id = key
        field = self.source.id_field
        if field is not None and record is not None:
            value = record.get(field)
            if value is not None:
                doc_id = str(value)
        doc = Document(
            text=text,
            source=self.shard.source,
            shard=self.shard.index,
            ordinal=self._ordinal,
            line=line,
            key=key,
            id=doc_id,
            record=record if self.keep_record else None,
        )
        self._ordinal += 1
        return doc

    def problem(self, kind: ProblemKind, line: int | None, message: str) -> ReadProblem:
        return ReadProblem(kind=kind, path=self.shard.rel, line=line, message=message)

    def text_of(self, record: dict[str, Any], line: int) -> Item:
        """The document of a parsed record, or the problem when its text field is unusable."""
        field = self.source.text_field
        text = record.get(field)
        if not isinstance(text, str):
            what = "missing" if text is None else f"a {type(text).__name__}, not a string"
            return self.problem(ProblemKind.MISSING_TEXT, line, f"field {field!r} is {what}")
        return self.document(text, line, record)


def decode(ctx: ReadContext, raw: bytes, line: int) -> str | ReadProblem:
    """``raw`` decoded with the source's encoding, or a ``bad_encoding`` problem."""
    try:
        return raw.decode(ctx.source.encoding)
    except UnicodeDecodeError as exc:
        return ctx.problem(
            ProblemKind.BAD_ENCODING,
            line,
            f"byte {exc.start + 1} of the line is not valid {ctx.source.encoding}",
        )


ItemIterator = Iterator[Item]
