"""The console's tables and queries on PostgreSQL (127.0.0.1:5432, database test): accounts,
audit log, the review queue with two reviewers, and keyset pages of a run's items."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from hegui.console.accounts import AccountStore, Role
from hegui.console.audit import AuditLog
from hegui.console.review import agreement, fill_queue, next_item, queue_status, submit
from hegui.console.rundata import items_page, runs_page
from hegui.console.tables import create_tables
from hegui.policy import load_pack
from hegui.records import BankItem, ItemKind, TargetResponse, Verdict
from hegui.store import AnswerRecord, PlannedItem, RunStore
from tests.store.test_store import make_spec

pytestmark = pytest.mark.postgres

PG_DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture
def store() -> Iterator[RunStore]:
    psycopg = pytest.importorskip("psycopg")
    schema = f"hegui_console_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(PG_DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"create schema {schema}")
    except psycopg.OperationalError:
        pytest.fail("PostgreSQL at 127.0.0.1:5432 (database test) is required")
    run_store = RunStore(f"{PG_URL}?options=-csearch_path%3D{schema}")
    create_tables(run_store.engine)
    yield run_store
    run_store.close()
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f"drop schema {schema} cascade")


def _run(store: RunStore, n: int) -> str:
    spec = make_spec()
    plan = [
        PlannedItem(
            seq=i,
            bank="b",
            item=BankItem(id=f"g{i}", kind=ItemKind.GENERATION, prompt=f"问题{i}", risk="A.1.4"),
            sample=0,
        )
        for i in range(n)
    ]
    store.create_run(spec, plan)
    verdict = Verdict(label="acceptable", judge="acceptable", judge_version="1")
    with store.engine.begin() as conn:
        store.write_records(
            conn,
            [
                AnswerRecord(spec.run_id, 1, p.key, TargetResponse(text=f"答{p.seq}"), [verdict])
                for p in plan
            ],
        )
    return spec.run_id


def test_review_queue_on_postgres(store: RunStore) -> None:
    run_id = _run(store, 30)
    assert fill_queue(store, run_id, 6, 1, by="admin") == 6
    labelled = []
    for reviewer, verdicts in (("甲", "AAAAAU"), ("乙", "AAAAAA")):
        for mark in verdicts:
            item = next_item(store, run_id, reviewer, needed=2)
            assert item is not None
            submit(
                store,
                run_id,
                reviewer=reviewer,
                item_id=item.item_id,
                sample=item.sample,
                verdict="unacceptable" if mark == "U" else "acceptable",
                reason="不当" if mark == "U" else "",
                source="console",
            )
            labelled.append(item.item_id)
        assert next_item(store, run_id, reviewer, needed=2) is None
    assert labelled[:6] == labelled[6:]  # both reviewers saw the same answers, in queue order
    status = queue_status(store, run_id, "甲", needed=2)
    assert (status.size, status.started, status.complete, status.mine) == (6, 6, 6, 6)
    kappa, differ = agreement(store, run_id)
    assert kappa.n == 6 and kappa.agree == 5 and [d.item_id for d in differ] == [labelled[5]]
    assert len(store.reviews(run_id)) == 12


def test_accounts_audit_and_keyset_pages_on_postgres(store: RunStore) -> None:
    accounts = AccountStore(store.engine, PasswordHasher(time_cost=1, memory_cost=8192))
    accounts.create("王审计", "a-long-password", Role.AUDITOR)
    assert accounts.authenticate("王审计", "a-long-password") is not None
    log = AuditLog(store.engine)
    for i in range(5):
        log.record("王审计", "view", f"t{i}", {"i": i})
    first = log.page(limit=3)
    rest = log.page(before=first[-1].id, limit=3)
    assert [e.target for e in first + rest] == ["t4", "t3", "t2", "t1", "t0"]
    run_id = _run(store, 25)
    pack = load_pack()
    seen: list[int] = []
    after = -1
    while page := items_page(store, run_id, pack, after=after, limit=10):
        seen += [line.seq for line in page]
        after = page[-1].seq
    assert seen == list(range(25))
    assert [r.run_id for r in runs_page(store, after=None, limit=5)] == [run_id]
