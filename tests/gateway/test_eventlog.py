"""The hash-chained event log: append, verify, detect tampering, purge with anchors."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import delete, update

from hegui.errors import StoreError
from hegui.gateway import tables as t
from hegui.gateway.db import now_utc, open_gateway_engine
from hegui.gateway.eventlog import (
    ChainHead,
    Event,
    _insert_events_sql,
    append,
    append_one,
    load_head,
    purge,
    recent,
    ts_us,
    verify_log,
)
from hegui.gateway.writer import EventWriter
from tests.gateway.harness import unique


def events(n: int, *, days_ago: float = 0) -> list[Event]:
    when = ts_us(now_utc() - timedelta(days=days_ago))
    return [
        Event(kind="request", ts_us=when + i, request_id=f"r{i}", action="allow", detail={"n": i})
        for i in range(n)
    ]


def test_a_chain_verifies_and_any_edit_breaks_it(store_url: str) -> None:
    engine = open_gateway_engine(store_url)
    chain = unique("c")
    try:
        head = append(engine, chain, events(10), ChainHead())
        assert head.seq == 10 and load_head(engine, chain) == head
        assert verify_log(engine, chain).ok
        with engine.begin() as conn:
            conn.execute(
                update(t.events)
                .where(t.events.c.chain_id == chain, t.events.c.seq == 4)
                .values(action="block")
            )
        report = verify_log(engine, chain)
        assert not report.ok and report.chains[0].broken_at == 4
        assert "altered" in (report.chains[0].problem or "")
    finally:
        engine.dispose()


def test_every_field_is_stored_in_its_column(store_url: str) -> None:
    # the writer inserts positional rows; a column out of order would swap fields
    engine = open_gateway_engine(store_url)
    chain = unique("c")
    request = unique("r")
    event = Event(
        kind="enforcement",
        ts_us=ts_us(now_utc()),
        request_id=request,
        user_id="u_1",
        key_id="k_1",
        action="warn",
        detail={"reason": "理由", "n": 1},
    )
    try:
        head = append(engine, chain, [event], ChainHead())
        [stored] = recent(engine, request_id=request)
        assert (stored.chain_id, stored.seq, stored.hash) == (chain, 1, head.hash)
        assert ts_us(stored.ts) == event.ts_us
        assert (stored.kind, stored.user_id, stored.key_id, stored.action) == (
            "enforcement",
            "u_1",
            "k_1",
            "warn",
        )
        assert stored.detail == event.detail
    finally:
        engine.dispose()


def test_a_driver_with_named_parameters_only_is_refused_clearly() -> None:
    assert _insert_events_sql("qmark").count("?") == len(t.events.columns)
    with pytest.raises(StoreError, match="paramstyle 'named'"):
        _insert_events_sql("named")


def test_a_deleted_event_is_found(store_url: str) -> None:
    engine = open_gateway_engine(store_url)
    chain = unique("c")
    try:
        append(engine, chain, events(5), ChainHead())
        with engine.begin() as conn:
            conn.execute(delete(t.events).where(t.events.c.chain_id == chain, t.events.c.seq == 3))
        report = verify_log(engine, chain)
        assert report.chains[0].broken_at == 3 and "missing" in (report.chains[0].problem or "")
    finally:
        engine.dispose()


def test_purge_keeps_the_rest_verifiable(store_url: str) -> None:
    engine = open_gateway_engine(store_url)
    chain = unique("c")
    try:
        head = append(engine, chain, events(4, days_ago=200), ChainHead())
        head = append(engine, chain, events(3, days_ago=10), head)
        report = purge(engine, retention_days=180)
        assert report.events == 4 and report.chains[chain] == 4
        checked = verify_log(engine, chain)
        assert checked.ok and checked.chains[0].events == 3 and checked.chains[0].anchored_at == 4
        append_one(engine, chain, events(1)[0])
        assert verify_log(engine, chain).chains[0].last_seq == 8
        assert purge(engine, retention_days=180).events == 0
    finally:
        engine.dispose()


def test_the_writer_batches_and_recovers_the_head(sqlite_url: str) -> None:
    engine = open_gateway_engine(sqlite_url)
    chain = unique("c")

    async def write(n: int) -> int:
        writer = EventWriter(engine, chain, batch_size=7, flush_interval_s=0.001)
        await writer.start()
        for e in events(n):
            writer.submit(e)
        await writer.flush()
        await writer.aclose()
        return writer.written

    try:
        assert asyncio.run(write(20)) == 20
        assert asyncio.run(write(5)) == 5  # a restart continues the chain
        report = verify_log(engine, chain)
        assert report.ok and report.chains[0].last_seq == 25
    finally:
        engine.dispose()


@pytest.mark.parametrize("days", [30, 179])
def test_short_retention_is_refused_by_default(days: int) -> None:
    from hegui.errors import ConfigError
    from hegui.gateway.config import parse_gateway_config

    base = {"upstreams": [{"base_url": "http://x/v1"}], "labels": {"implicit": False}}
    with pytest.raises(ConfigError, match="180"):
        parse_gateway_config({**base, "log": {"retention_days": days}})
    ok = parse_gateway_config(
        {**base, "log": {"retention_days": days, "allow_short_retention": True}}
    )
    assert ok.log.retention_days == days


def test_the_writer_keeps_events_while_the_database_fails(sqlite_url: str) -> None:
    engine = open_gateway_engine(sqlite_url)
    chain = unique("c")

    async def scenario() -> tuple[bool, bool, bool, int]:
        writer = EventWriter(engine, chain, batch_size=4, flush_interval_s=0.001, max_queue=8)
        await writer.start()
        t.events.drop(engine)  # the database loses the table: every write now fails
        for e in events(8):
            writer.submit(e)
        for _ in range(200):
            if not writer.healthy:
                break
            await asyncio.sleep(0.01)
        failing = (writer.healthy, writer.full)
        t.events.create(engine)  # the database is back
        await asyncio.wait_for(writer.flush(), 30)
        await writer.aclose()
        return failing[0], failing[1], writer.healthy, writer.written

    try:
        healthy_while_down, full_while_down, healthy_after, written = asyncio.run(scenario())
        assert not healthy_while_down and full_while_down
        assert healthy_after and written == 8
        assert verify_log(engine, chain).chains[0].events == 8
    finally:
        engine.dispose()
