"""Regression items: a prompt that once produced a bad answer, added to a bank so every later
assessment asks it again (the incident loop, docs/incidents.md).

The bank file is rewritten atomically (a complete new file replaces the old one, never half a
file) under a lock file, as a new version made by the bank builder's
:func:`hegui.banks.versioning.versioned_meta` (next version, today's date, content hash, a
changelog entry counting the added items). The bank format has no place for the bad answer, so
each added item is also logged, with the bad answer and the incident reference, in a
``<stem>.regression.jsonl`` file beside the bank.

>>> from hegui.policy import load_pack
>>> item = RegressionItem(prompt="……", bad_answer="……", risk="A.1.4", incident="inc-1")
>>> add_regression_items("banks/regression.jsonl", [item], load_pack())  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hegui.banks._meta import BankMeta
from hegui.banks.loader import SUFFIXES, load_bank
from hegui.banks.versioning import versioned_meta
from hegui.banks.writer import write_bank
from hegui.errors import BankError
from hegui.policy import Pack
from hegui.records import BankItem, ItemKind, Message

REGRESSION_TAG = "regression"
"""Tag carried by every regression item (``hegui bank check`` and reports can filter on it)."""
LOG_SUFFIX = ".regression.jsonl"


class RegressionItem(BaseModel):
    """One prompt (or conversation) to ask again, with the answer that must not come back."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: str | None = None
    messages: tuple[Message, ...] | None = None
    bad_answer: str = Field(min_length=1)
    """The answer the model gave (kept in the changelog, not sent to the model)."""
    risk: str | None = None
    """Appendix A code such as ``A.1.4`` (required unless ``kind`` is should-not-refuse)."""
    kind: ItemKind = ItemKind.GENERATION
    """``generation``: the next answer must be acceptable; ``should_refuse``: it must refuse."""
    aspect: str | None = None
    incident: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.:\-]+$")
    """The incident reference (``inc-…``), used in the item id and its tags."""
    language: str = "zh"

    @model_validator(mode="after")
    def _one_question(self) -> RegressionItem:
        if (self.prompt is None) == (self.messages is None):
            raise ValueError("set exactly one of 'prompt' or 'messages'")
        return self

    def to_bank_item(self, item_id: str) -> BankItem:
        """The bank item asking this prompt again."""
        return BankItem(
            id=item_id,
            kind=self.kind,
            prompt=self.prompt,
            messages=self.messages,
            risk=self.risk,
            aspect=self.aspect,
            language=self.language,
            tags=(REGRESSION_TAG, f"incident:{self.incident}"),
        )


@dataclass(frozen=True)
class RegressionUpdate:
    """What :func:`add_regression_items` did."""

    path: Path
    item_ids: tuple[str, ...]
    """The bank ids of the given items, in order (existing ids for prompts already present)."""
    added: tuple[str, ...]
    """The ids of the items that were new to the bank."""
    version: str | None
    """The bank's version after the update (unchanged when nothing was added)."""


def add_regression_items(
    path: str | os.PathLike[str],
    items: Sequence[RegressionItem],
    pack: Pack,
    *,
    today: date | None = None,
) -> RegressionUpdate:
    """Add ``items`` to the bank at ``path`` (created when missing), atomically.

    A prompt the bank already asks (same conversation, same kind) is not added twice: its existing
    id is returned, so re-running is harmless. The risk codes are checked against ``pack``. Raises
    :class:`~hegui.errors.BankError` naming the file and the bad item.
    """
    target = Path(path)
    if target.suffix.lower() not in SUFFIXES:
        raise BankError(f"a bank file ends with one of {', '.join(SUFFIXES)}", path=str(path))
    if not target.parent.is_dir():
        raise BankError("the bank's folder does not exist; create it first", path=str(path))
    day = today or datetime.now(UTC).date()
    with _locked(target):
        existing = load_bank(target, pack) if target.exists() else None
        current = list(existing.items) if existing else []
        by_content = {(i.kind, i.content_hash()): i.id for i in current}
        taken = {i.id for i in current}
        ids: list[str] = []
        added: list[tuple[BankItem, RegressionItem]] = []
        for number, regression in enumerate(items, 1):
            _check_risk(regression, pack, str(path), number)
            candidate = _build(regression, "candidate", str(path), number)
            known = by_content.get((candidate.kind, candidate.content_hash()))
            if known is not None:
                ids.append(known)
                continue
            item = _build(regression, _new_id(regression.incident, taken), str(path), number)
            taken.add(item.id)
            by_content[(item.kind, item.content_hash())] = item.id
            ids.append(item.id)
            added.append((item, regression))
        if not added:
            return RegressionUpdate(
                target, tuple(ids), (), existing.meta.version if existing else None
            )
        new_items = [*current, *(item for item, _ in added)]
        incidents = ", ".join(dict.fromkeys(r.incident for _, r in added))
        meta = versioned_meta(
            new_items,
            name=existing.info.name if existing else target.stem,
            today=day,
            previous=existing,
            note=f"regression items of incident {incidents}",
            description=existing.description if existing else "Regression items from incidents",
        )
        _replace(target, new_items, meta, pack)
        _append_log(target, added, meta.version, day)
    return RegressionUpdate(target, tuple(ids), tuple(i.id for i, _ in added), meta.version)


def log_path(bank: Path) -> Path:
    """``banks/regression.jsonl`` → ``banks/regression.regression.jsonl``."""
    return bank.with_name(bank.stem + LOG_SUFFIX)


def _check_risk(item: RegressionItem, pack: Pack, path: str, number: int) -> None:
    if item.risk is not None and pack.risk(item.risk) is None:
        raise BankError(
            f"regression item {number}: risk {item.risk!r} is not one of the pack's risk codes "
            "(hegui policy show)",
            path=path,
            field="risk",
        )


def _build(item: RegressionItem, item_id: str, path: str, number: int) -> BankItem:
    try:
        return item.to_bank_item(item_id)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise BankError(f"regression item {number}: {message}", path=path) from None


def _new_id(incident: str, taken: set[str]) -> str:
    number = 1
    while f"reg-{incident}-{number}" in taken:
        number += 1
    return f"reg-{incident}-{number}"


def _replace(target: Path, items: list[BankItem], meta: BankMeta, pack: Pack) -> None:
    """Write the bank (and its metadata sidecar, for CSV) into a private folder beside it,
    check it loads, then move each file over the old one."""
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        staged = scratch / target.name
        write_bank(staged, items, meta)
        load_bank(staged, pack)  # never replace a good bank with one that does not load
        for produced in sorted(scratch.iterdir(), key=lambda p: p.name != target.name):
            with open(produced, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(produced, target.parent / produced.name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _append_log(
    target: Path, added: list[tuple[BankItem, RegressionItem]], version: str | None, day: date
) -> None:
    lines = [
        json.dumps(
            {
                "id": item.id,
                "incident": regression.incident,
                "risk": regression.risk,
                "kind": regression.kind.value,
                "bad_answer": regression.bad_answer,
                "version": version,
                "added": str(day),
            },
            ensure_ascii=False,
        )
        for item, regression in added
    ]
    with open(log_path(target), "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """An exclusive lock on ``<bank>.lock`` so two writers never lose each other's items."""
    lock = target.with_name(f".{target.name}.lock")
    with open(lock, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
