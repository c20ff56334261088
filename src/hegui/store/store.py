"""The run store: SQLite by default, PostgreSQL by URL.

Every answer is committed the moment it arrives (see :class:`~hegui.store.GroupCommitWriter`),
so a run killed at any point resumes without losing or repeating an answered item.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Executable,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from hegui.errors import StoreError
from hegui.records import BankItem, RunSpec, TargetResponse, Verdict
from hegui.store import schema as t
from hegui.store.migrate import ensure_schema


@dataclass(frozen=True, slots=True)
class PlannedItem:
    """One (item, sample) a run must answer, in plan order."""

    seq: int
    bank: str
    item: BankItem
    sample: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.item.id, self.sample)


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """An answer to store with its verdicts (and, when caching, under its content key)."""

    run_id: str
    judging: int
    key: tuple[str, int]
    response: TargetResponse
    verdicts: Sequence[Verdict]
    cache_key: str | None = None


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """An (item, sample) that ended in an error; resume asks it again."""

    run_id: str
    key: tuple[str, int]
    message: str


@dataclass(frozen=True, slots=True)
class JudgingInfo:
    """One judging of a run: assessment method → judge name, judge name → version, and the
    judges' options (``judges.options`` of hegui.yaml when it was made)."""

    methods: dict[str, str | None]
    judges: dict[str, str]
    options: dict[str, dict[str, Any]] | None = None
    """Judge name → options; ``None`` for judgings stored before options were recorded."""

    def dump(self) -> str:
        data: dict[str, Any] = {"methods": self.methods, "judges": self.judges}
        if self.options is not None:
            data["options"] = self.options
        return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class StoredRun:
    """A run's header row."""

    spec: RunSpec
    status: str
    judging: int
    finished_at: datetime | None
    wall_seconds: float

    @property
    def run_id(self) -> str:
        return self.spec.run_id


@dataclass(frozen=True, slots=True)
class StoredAttempt:
    """An answered (item, sample) with its response."""

    item_id: str
    sample: int
    response: TargetResponse


@dataclass(frozen=True, slots=True)
class Review:
    """One human verdict on an answered (item, sample) of a run (人工抽检)."""

    item_id: str
    sample: int
    reviewer: str
    verdict: str
    """``acceptable`` (合格) or ``unacceptable`` (不合格)."""
    reason: str = ""
    source: str = ""
    """Where the review came from, e.g. ``review.xlsx, sheet 人工抽检, row 12``."""
    created_at: datetime | None = None
    """Set by the store when the review is added."""

    @property
    def key(self) -> tuple[str, int]:
        return (self.item_id, self.sample)

    @classmethod
    def from_row(cls, row: Any) -> Review:
        """A row of the ``reviews`` table."""
        return cls(
            item_id=row.item_id,
            sample=row.sample,
            reviewer=row.reviewer,
            verdict=row.verdict,
            reason=row.reason,
            source=row.source,
            created_at=row.created_at,
        )


@dataclass(frozen=True, slots=True)
class StoredError:
    """The last error recorded for an (item, sample) that has no answer."""

    item_id: str
    sample: int
    message: str


def _now() -> datetime:
    return datetime.now(UTC)


def _insert_ignore(conn: Connection, table: Table) -> Executable:
    """An INSERT that skips rows whose primary key exists (SQLite and PostgreSQL)."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement: Executable = dialect.insert(table).on_conflict_do_nothing()
    return statement


def _verdict_row(
    run_id: str, judging: int, key: tuple[str, int], verdict: Verdict
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "judging": judging,
        "item_id": key[0],
        "sample": key[1],
        "judge": verdict.judge,
        "verdict": verdict.model_dump_json(),
    }


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL keeps readers off the writer's back; NORMAL sync is durable against process kills.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def open_engine(url: str) -> Engine:
    """Create the SQLAlchemy engine for a store URL, creating the SQLite folder if needed."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        engine = create_engine(url, future=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        hint = ' (pip install "hegui[postgres]")' if "postgres" in url else ""
        raise StoreError(f"cannot open store {url!r}: {exc}{hint}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class RunStore:
    """Runs, planned items, attempts, errors, verdicts and the response cache."""

    def __init__(self, url: str):
        self.url = url
        self.engine = open_engine(url)
        try:
            ensure_schema(
                self.engine, t.metadata, t.store_meta, t.SCHEMA_VERSION, what="the run store"
            )
        except StoreError:
            self.engine.dispose()
            raise

    def close(self) -> None:
        self.engine.dispose()

    # -- runs -------------------------------------------------------------------------------

    def create_run(self, spec: RunSpec, plan: Sequence[PlannedItem]) -> None:
        """Store a new run with its plan; the plan is fixed from now on (resume reuses it)."""
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.runs).values(
                    id=spec.run_id,
                    created_at=spec.created_at,
                    status="running",
                    spec=spec.model_dump_json(),
                    judging=1,
                    wall_seconds=0.0,
                )
            )
            conn.execute(
                insert(t.judgings).values(
                    run_id=spec.run_id,
                    judging=1,
                    created_at=now,
                    judges=JudgingInfo(
                        methods=spec.methods, judges=spec.judges, options=spec.judge_options
                    ).dump(),
                )
            )
            rows = [
                {
                    "run_id": spec.run_id,
                    "item_id": p.item.id,
                    "sample": p.sample,
                    "seq": p.seq,
                    "bank": p.bank,
                    "item": p.item.model_dump_json(exclude_defaults=True),
                }
                for p in plan
            ]
            for start in range(0, len(rows), 2000):
                conn.execute(insert(t.run_items), rows[start : start + 2000])

    def get_run(self, run_id: str) -> StoredRun:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.runs).where(t.runs.c.id == run_id)).first()
        if row is None:
            raise StoreError(f"no run {run_id!r} in {self.url}; list runs with: hegui runs list")
        return StoredRun(
            spec=RunSpec.model_validate_json(row.spec),
            status=row.status,
            judging=row.judging,
            finished_at=row.finished_at,
            wall_seconds=row.wall_seconds,
        )

    def list_runs(self) -> list[StoredRun]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.runs.c.id).order_by(t.runs.c.created_at.desc())).all()
        return [self.get_run(r.id) for r in rows]

    def latest_run_id(self) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.runs.c.id).order_by(t.runs.c.created_at.desc()).limit(1)
            ).first()
        return None if row is None else str(row.id)

    def resolve_run_id(self, run_id: str) -> str:
        """``run_id`` itself when the run exists, or the newest run's id for ``latest``."""
        if run_id != "latest":
            self.get_run(run_id)  # a clear error for an unknown run
            return run_id
        latest = self.latest_run_id()
        if latest is None:
            raise StoreError(f"no runs in {self.url} yet; start one with: hegui assess")
        return latest

    def set_status(self, run_id: str, status: str, *, add_seconds: float = 0.0) -> None:
        values: dict[str, Any] = {
            "status": status,
            "wall_seconds": t.runs.c.wall_seconds + add_seconds,
        }
        if status == "complete":
            values["finished_at"] = _now()
        with self.engine.begin() as conn:
            conn.execute(update(t.runs).where(t.runs.c.id == run_id).values(**values))

    def plan(self, run_id: str) -> list[PlannedItem]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.run_items)
                .where(t.run_items.c.run_id == run_id)
                .order_by(t.run_items.c.seq)
            ).all()
        return [
            PlannedItem(
                seq=r.seq, bank=r.bank, item=BankItem.model_validate_json(r.item), sample=r.sample
            )
            for r in rows
        ]

    # -- attempts -------------------------------------------------------------------------

    def answered_keys(self, run_id: str) -> set[tuple[str, int]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.attempts.c.item_id, t.attempts.c.sample).where(
                    t.attempts.c.run_id == run_id
                )
            ).all()
        return {(r.item_id, r.sample) for r in rows}

    def attempts(self, run_id: str) -> Iterator[StoredAttempt]:
        with self.engine.connect() as conn:
            result = conn.execute(select(t.attempts).where(t.attempts.c.run_id == run_id))
            for r in result:
                yield StoredAttempt(
                    item_id=r.item_id,
                    sample=r.sample,
                    response=TargetResponse(
                        text=r.text,
                        model=r.model,
                        finish_reason=r.finish_reason,
                        latency_s=r.latency_s,
                        prompt_tokens=r.prompt_tokens,
                        completion_tokens=r.completion_tokens,
                        cached=r.cached,
                    ),
                )

    def count_attempts(self, run_id: str) -> int:
        with self.engine.connect() as conn:
            count = conn.execute(
                select(func.count()).select_from(t.attempts).where(t.attempts.c.run_id == run_id)
            ).scalar_one()
        return int(count)

    def unanswered_errors(self, run_id: str) -> list[StoredError]:
        """The last error of every (item, sample) that still has no answer."""
        answered = self.answered_keys(run_id)
        last: dict[tuple[str, int], str] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.attempt_errors)
                .where(t.attempt_errors.c.run_id == run_id)
                .order_by(t.attempt_errors.c.id)
            ).all()
        for r in rows:
            last[(r.item_id, r.sample)] = r.message
        return [
            StoredError(item_id=k[0], sample=k[1], message=m)
            for k, m in last.items()
            if k not in answered
        ]

    def write_records(
        self, conn: Connection, records: Sequence[AnswerRecord | ErrorRecord]
    ) -> None:
        """Insert a batch of answers and errors on an open transaction: one statement per table.

        Inserts ignore rows whose key exists, so an (item, sample) answered twice keeps its first
        answer and verdicts: writing is idempotent per (run, item, sample).
        """
        now = _now()
        attempt_rows: list[dict[str, Any]] = []
        verdict_rows: list[dict[str, Any]] = []
        cache_rows: list[dict[str, Any]] = []
        error_rows: list[dict[str, Any]] = []
        for record in records:
            if isinstance(record, ErrorRecord):
                error_rows.append(
                    {
                        "run_id": record.run_id,
                        "item_id": record.key[0],
                        "sample": record.key[1],
                        "message": record.message,
                        "created_at": now,
                    }
                )
                continue
            r = record.response
            attempt_rows.append(
                {
                    "run_id": record.run_id,
                    "item_id": record.key[0],
                    "sample": record.key[1],
                    "text": r.text,
                    "model": r.model,
                    "finish_reason": r.finish_reason,
                    "latency_s": r.latency_s,
                    "prompt_tokens": r.prompt_tokens,
                    "completion_tokens": r.completion_tokens,
                    "cached": r.cached,
                    "created_at": now,
                }
            )
            verdict_rows.extend(
                _verdict_row(record.run_id, record.judging, record.key, v) for v in record.verdicts
            )
            if record.cache_key is not None:
                cache_rows.append(
                    {"key": record.cache_key, "response": r.model_dump_json(), "created_at": now}
                )
        for table, rows in (
            (t.attempts, attempt_rows),
            (t.verdicts, verdict_rows),
            (t.response_cache, cache_rows),
        ):
            if rows:
                conn.execute(_insert_ignore(conn, table), rows)
        if error_rows:
            conn.execute(insert(t.attempt_errors), error_rows)

    # -- verdicts ---------------------------------------------------------------------------

    def new_judging(self, run_id: str, info: JudgingInfo) -> int:
        """Open a new judging of a run (``hegui rescore``); reports read the latest one."""
        with self.engine.begin() as conn:
            current = conn.execute(
                select(func.max(t.judgings.c.judging)).where(t.judgings.c.run_id == run_id)
            ).scalar_one()
            judging = int(current or 0) + 1
            conn.execute(
                insert(t.judgings).values(
                    run_id=run_id, judging=judging, created_at=_now(), judges=info.dump()
                )
            )
        return judging

    def store_judging(
        self,
        run_id: str,
        judging: int,
        verdicts: Iterable[tuple[tuple[str, int], Sequence[Verdict]]],
    ) -> None:
        """Write a whole re-judging in one transaction, then make it the run's current one."""
        with self.engine.begin() as conn:
            rows = [
                _verdict_row(run_id, judging, key, v)
                for key, item_verdicts in verdicts
                for v in item_verdicts
            ]
            for start in range(0, len(rows), 2000):
                conn.execute(insert(t.verdicts), rows[start : start + 2000])
            conn.execute(update(t.runs).where(t.runs.c.id == run_id).values(judging=judging))

    def judging_info(self, run_id: str, judging: int) -> JudgingInfo:
        """Which judges decided which methods in one judging of a run."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.judgings.c.judges).where(
                    t.judgings.c.run_id == run_id, t.judgings.c.judging == judging
                )
            ).first()
        if row is None:
            raise StoreError(f"run {run_id!r} has no judging {judging}")
        raw = json.loads(row.judges)
        return JudgingInfo(methods=raw["methods"], judges=raw["judges"], options=raw.get("options"))

    def verdicts(self, run_id: str, judging: int) -> dict[tuple[str, int], list[Verdict]]:
        out: dict[tuple[str, int], list[Verdict]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.verdicts).where(
                    t.verdicts.c.run_id == run_id, t.verdicts.c.judging == judging
                )
            )
            for r in rows:
                out.setdefault((r.item_id, r.sample), []).append(
                    Verdict.model_validate_json(r.verdict)
                )
        return out

    # -- human reviews ----------------------------------------------------------------------

    def add_reviews(self, run_id: str, reviews: Sequence[Review]) -> int:
        """Append reviews of a run's answers in one transaction (earlier reviews are kept).

        Raises :class:`StoreError` when the run does not exist or a review names an
        (item, sample) that has no answer in it. Returns the number of rows added.
        """
        self.get_run(run_id)
        answered = self._answered_among(run_id, {r.item_id for r in reviews})
        missing = [r.key for r in reviews if r.key not in answered]
        if missing:
            item, sample = missing[0]
            raise StoreError(
                f"run {run_id} has no answer for item {item!r} sample {sample} "
                f"({len(missing)} review(s) name unanswered items)"
            )
        now = _now()
        rows = [
            {
                "run_id": run_id,
                "item_id": r.item_id,
                "sample": r.sample,
                "reviewer": r.reviewer,
                "verdict": r.verdict,
                "reason": r.reason,
                "source": r.source,
                "created_at": now,
            }
            for r in reviews
        ]
        if rows:
            with self.engine.begin() as conn:
                conn.execute(insert(t.reviews), rows)
        return len(rows)

    def _answered_among(self, run_id: str, item_ids: set[str]) -> set[tuple[str, int]]:
        """The answered (item, sample) keys of these items: a lookup per item, not a scan of
        the run, so adding one review to a run of 100,000 answers stays fast."""
        if len(item_ids) > 2000:  # a large import: reading the run once is cheaper
            return self.answered_keys(run_id)
        found: set[tuple[str, int]] = set()
        ids = sorted(item_ids)
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    select(t.attempts.c.item_id, t.attempts.c.sample).where(
                        t.attempts.c.run_id == run_id,
                        t.attempts.c.item_id.in_(ids[start : start + 500]),
                    )
                )
                found.update((r.item_id, r.sample) for r in rows)
        return found

    def reviews(self, run_id: str) -> list[Review]:
        """Every review of a run, oldest first (the history: nothing is ever overwritten)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.reviews).where(t.reviews.c.run_id == run_id).order_by(t.reviews.c.id)
            ).all()
        return [Review.from_row(r) for r in rows]

    # -- response cache ---------------------------------------------------------------------

    def cached_responses(self, keys: Sequence[str]) -> dict[str, TargetResponse]:
        found: dict[str, TargetResponse] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                rows = conn.execute(
                    select(t.response_cache).where(t.response_cache.c.key.in_(chunk))
                ).all()
                for r in rows:
                    found[r.key] = TargetResponse.model_validate_json(r.response)
        return found

    def check_writable(self) -> None:
        """Fail early with a clear message when the store cannot be written."""
        try:
            with self.engine.begin() as conn:
                conn.execute(select(func.count()).select_from(t.runs))
        except OperationalError as exc:
            raise StoreError(f"cannot write store {self.url!r}: {exc.orig}") from exc
