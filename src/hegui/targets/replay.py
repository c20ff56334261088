"""Replay answers recorded earlier: re-run judges and reports without calling the service."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hegui.errors import ConfigError, RetryableTargetError, TargetError
from hegui.records import BankItem, TargetInfo, TargetResponse

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ReplayRecord(BaseModel):
    """One line of a replay file.

    Keyed by ``id`` (a bank item id) or ``prompt_sha256`` (:meth:`BankItem.content_hash`), and
    optionally ``sample``; a record without ``sample`` serves every sample. It holds either an
    ``answer`` or an ``error`` to replay (``retryable`` picks the error class).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str | None = Field(default=None, min_length=1)
    prompt_sha256: str | None = None
    sample: int | None = Field(default=None, ge=0)
    answer: str | None = None
    error: str | None = None
    retryable: bool = False
    delay_s: float = Field(default=0.0, ge=0, le=3600)
    model: str | None = None
    finish_reason: str | None = None
    prompt: str | None = None
    """Informational (for people reading the file); not used for matching."""
    meta: dict[str, Any] | None = None
    """Informational."""

    @model_validator(mode="after")
    def _shape(self) -> ReplayRecord:
        if (self.id is None) == (self.prompt_sha256 is None):
            raise ValueError("give exactly one of 'id' or 'prompt_sha256'")
        if self.prompt_sha256 is not None and not _SHA256.match(self.prompt_sha256):
            raise ValueError("'prompt_sha256' must be 64 lowercase hex digits")
        if (self.answer is None) == (self.error is None):
            raise ValueError("give exactly one of 'answer' or 'error'")
        return self


Records = dict[tuple[str, int | None], ReplayRecord]


def read_replay_file(path: Path) -> tuple[bytes, Records]:
    """Read a replay file: its bytes (for the content hash) and its parsed records."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the replay file: {exc}", field="target.path") from None
    return data, parse_replay(data, path)


def parse_replay(data: bytes, path: Path) -> Records:
    """Parse replay JSONL into ``{(key, sample): record}``; key is ``id:…`` or ``sha:…``.

    Blank lines are skipped. A malformed line or a duplicate key is a :class:`ConfigError`
    naming the file and the 1-based line.
    """
    try:
        lines = data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc})", field="target.path") from None
    records: Records = {}
    where: dict[tuple[str, int | None], int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        source = f"{path}, line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"not valid JSON ({exc.msg}, column {exc.colno})", source=source
            ) from None
        if not isinstance(data, dict):
            raise ConfigError("each line must be a JSON object", source=source)
        try:
            record = ReplayRecord.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or None
            message = err["msg"].removeprefix("Value error, ")
            raise ConfigError(message, source=source, field=field) from None
        key = (
            f"id:{record.id}" if record.id is not None else f"sha:{record.prompt_sha256}",
            record.sample,
        )
        if key in records:
            raise ConfigError(f"duplicate record (first on line {where[key]})", source=source)
        records[key] = record
        where[key] = number
    return records


class ReplayTarget:
    """Answers from a replay file, looked up by item id, then by the prompt's SHA-256.

    For each key a record for the exact ``sample`` wins over one without ``sample``. An item
    with no record is a :class:`TargetError` naming the item and the file.
    """

    def __init__(self, path: str | Path, *, name: str | None = None) -> None:
        self.path = Path(path)
        data, self._records = read_replay_file(self.path)
        digest = hashlib.sha256(data).hexdigest()
        self._info = TargetInfo(
            kind="replay",
            name=name or self.path.stem,
            identity=f"replay|sha256={digest}",
            details={"path": str(self.path), "records": len(self._records), "sha256": digest},
        )

    @property
    def info(self) -> TargetInfo:
        """The file and its content hash (the identity changes when the file does)."""
        return self._info

    def _find(self, item: BankItem, sample: int) -> ReplayRecord | None:
        for key in (f"id:{item.id}", f"sha:{item.content_hash()}"):
            record = self._records.get((key, sample)) or self._records.get((key, None))
            if record is not None:
                return record
        return None

    async def send(self, item: BankItem, sample: int = 0) -> TargetResponse:
        """Replay the recorded answer or error for ``item`` (after its ``delay_s``)."""
        record = self._find(item, sample)
        if record is None:
            raise TargetError(
                f"no recorded answer for item {item.id!r} (sample {sample}, prompt_sha256 "
                f"{item.content_hash()}) in the replay file {self.path}"
            )
        start = time.perf_counter()
        if record.delay_s:
            await asyncio.sleep(record.delay_s)
        if record.error is not None:
            error = RetryableTargetError if record.retryable else TargetError
            raise error(f"replayed error for item {item.id!r}: {record.error}")
        assert record.answer is not None
        return TargetResponse(
            text=record.answer,
            model=record.model,
            finish_reason=record.finish_reason,
            latency_s=time.perf_counter() - start,
        )

    async def aclose(self) -> None:
        """Nothing to release."""
