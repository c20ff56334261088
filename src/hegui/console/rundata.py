"""Reading runs for the console with keyset queries: pages of runs and of answered items.

Nothing here loads a whole run: a page reads its rows by the ``(run_id, seq)`` index of the plan,
then the answers, verdicts and reviews of those keys only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from hegui.assess.score import find_verdict, item_passed
from hegui.judges.human import HUMAN, human_verdicts
from hegui.policy import Pack
from hegui.records import BankItem, RunSpec, Verdict
from hegui.reports.builder import primary_requirements
from hegui.store import RunStore
from hegui.store import schema as s
from hegui.store.store import Review

ZH_JUDGEMENT = {True: "合格", False: "不合格", None: "未判定"}


@dataclass(frozen=True, slots=True)
class RunLine:
    """One run in the runs list."""

    run_id: str
    created_at: datetime
    status: str
    judging: int
    spec: RunSpec


@dataclass(frozen=True, slots=True)
class ItemLine:
    """One planned (item, sample) with its answer, verdicts and reviews."""

    seq: int
    bank: str
    item: BankItem
    sample: int
    answer: str | None
    model: str | None
    verdicts: tuple[Verdict, ...]
    reviews: tuple[Review, ...]
    passed: bool | None
    """Whether the answer meets the item's expectation (the human verdict when reviewed)."""
    risk_name: str | None

    @property
    def judgement_zh(self) -> str:
        """研判结果: 合格 / 不合格 / 未判定, or 未回答 when the item has no answer."""
        return "未回答" if self.answer is None else ZH_JUDGEMENT[self.passed]


def runs_page(store: RunStore, *, after: str | None, limit: int) -> list[RunLine]:
    """Runs newest first, after run ``after`` (keyset on created_at, id)."""
    query = select(s.runs).order_by(s.runs.c.created_at.desc(), s.runs.c.id.desc()).limit(limit)
    with store.engine.connect() as conn:
        if after is not None:
            mark = conn.execute(select(s.runs.c.created_at).where(s.runs.c.id == after)).first()
            if mark is not None:
                query = query.where(
                    or_(
                        s.runs.c.created_at < mark.created_at,
                        and_(s.runs.c.created_at == mark.created_at, s.runs.c.id < after),
                    )
                )
        rows = conn.execute(query).all()
    return [
        RunLine(
            run_id=r.id,
            created_at=r.created_at,
            status=r.status,
            judging=r.judging,
            spec=RunSpec.model_validate_json(r.spec),
        )
        for r in rows
    ]


def items_page(
    store: RunStore,
    run_id: str,
    pack: Pack,
    *,
    after: int = -1,
    limit: int = 50,
) -> list[ItemLine]:
    """Planned items in plan order with ``seq > after`` (keyset on the plan's index)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(s.run_items)
            .where(s.run_items.c.run_id == run_id, s.run_items.c.seq > after)
            .order_by(s.run_items.c.seq)
            .limit(limit)
        ).all()
    return _lines(store, run_id, pack, [(r.seq, r.bank, r.item, r.sample) for r in rows])


def item_line(
    store: RunStore, run_id: str, pack: Pack, item_id: str, sample: int
) -> ItemLine | None:
    """One planned (item, sample) with everything stored about it, or ``None``."""
    with store.engine.connect() as conn:
        row = conn.execute(
            select(s.run_items).where(
                s.run_items.c.run_id == run_id,
                s.run_items.c.item_id == item_id,
                s.run_items.c.sample == sample,
            )
        ).first()
    if row is None:
        return None
    return _lines(store, run_id, pack, [(row.seq, row.bank, row.item, row.sample)])[0]


def _lines(
    store: RunStore, run_id: str, pack: Pack, rows: Sequence[tuple[int, str, str, int]]
) -> list[ItemLine]:
    if not rows:
        return []
    items = [
        (seq, bank, BankItem.model_validate_json(raw), sample) for seq, bank, raw, sample in rows
    ]
    keys = [(item.id, sample) for _, _, item, sample in items]
    judging = store.get_run(run_id).judging
    methods = store.judging_info(run_id, judging).methods
    # item_id IN (...) under run_id uses the tables' primary keys; a row-value IN over
    # (item_id, sample) makes SQLite scan the whole run, so samples are matched here instead
    ids = sorted({item_id for item_id, _ in keys})
    wanted = set(keys)
    with store.engine.connect() as conn:
        answers = {
            (r.item_id, r.sample): (r.text, r.model)
            for r in conn.execute(
                select(
                    s.attempts.c.item_id, s.attempts.c.sample, s.attempts.c.text, s.attempts.c.model
                ).where(s.attempts.c.run_id == run_id, s.attempts.c.item_id.in_(ids))
            )
            if (r.item_id, r.sample) in wanted
        }
        verdicts: dict[tuple[str, int], list[Verdict]] = {}
        for r in conn.execute(
            select(s.verdicts.c.item_id, s.verdicts.c.sample, s.verdicts.c.verdict).where(
                s.verdicts.c.run_id == run_id,
                s.verdicts.c.judging == judging,
                s.verdicts.c.item_id.in_(ids),
            )
        ):
            if (r.item_id, r.sample) in wanted:
                verdicts.setdefault((r.item_id, r.sample), []).append(
                    Verdict.model_validate_json(r.verdict)
                )
        reviews: dict[tuple[str, int], list[Review]] = {}
        for r in conn.execute(
            select(s.reviews)
            .where(s.reviews.c.run_id == run_id, s.reviews.c.item_id.in_(ids))
            .order_by(s.reviews.c.id)
        ):
            if (r.item_id, r.sample) not in wanted:
                continue
            reviews.setdefault((r.item_id, r.sample), []).append(Review.from_row(r))
    primary = primary_requirements(pack, {m: j for m, j in methods.items() if j != HUMAN})
    manual = next((r for r in pack.assessment if r.method == "manual"), None)
    lines = []
    for seq, bank, item, sample in items:
        key = (item.id, sample)
        own = reviews.get(key, [])
        human = human_verdicts(own).get(key)
        machine = [v for v in verdicts.get(key, []) if v.judge != HUMAN or human is None]
        passed: bool | None = None
        if item.kind in primary:
            req, judge = primary[item.kind]
            verdict = find_verdict(machine, judge)
            passed = None if verdict is None else item_passed(req, verdict)
        if human is not None and manual is not None:
            passed = item_passed(manual, human)
        answer = answers.get(key)
        lines.append(
            ItemLine(
                seq=seq,
                bank=bank,
                item=item,
                sample=sample,
                answer=answer[0] if answer else None,
                model=answer[1] if answer else None,
                verdicts=tuple(machine if human is None else [*machine, human]),
                reviews=tuple(own),
                passed=passed,
                risk_name=pack.risk_name(item.risk) if item.risk else None,
            )
        )
    return lines
