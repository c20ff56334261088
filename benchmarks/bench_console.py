"""Benchmark: console pages on a generated store with 100,000 answered items in one run.

Builds a SQLite store holding one run of N items (generation, should-refuse, should-not-refuse,
each answered and judged, 5% failing), fills a review queue of 1,000 answers and reviews half of
them as the benchmark's reviewer, then times each page in-process (FastAPI TestClient) and reads
the server time from the ``Server-Timing`` header. Every time is a median of repeated requests,
printed in ms and as a ratio to a trivial route (a static file: no template, no database)
measured in the same run.

Targets (issue 10): every page < 200 ms server time with 100,000 items; the next review item
< 50 ms. The scored summary is built once in the background (its one-off cost is printed) and
served from the cache afterwards, until the run's judging or reviews change.

    .venv/bin/python benchmarks/bench_console.py [--items 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from hegui.config import ProjectConfig
from hegui.console import create_app
from hegui.console.accounts import AccountStore, Role
from hegui.console.review import fill_queue
from hegui.console.settings import ConsoleSettings
from hegui.console.tables import create_tables
from hegui.policy import load_pack
from hegui.records import BankInfo, BankItem, ItemKind, RunSpec, TargetInfo, TargetResponse, Verdict
from hegui.store import AnswerRecord, PlannedItem, RunStore
from hegui.store.store import Review

PASSWORD = "benchmark-password"
TARGETS = {"next review item": 50.0}
PAGE_TARGET = 200.0


def build_store(url: str, n: int) -> str:
    """One complete run of ``n`` answered, judged items; returns its id."""
    pack = load_pack()
    risks = [r.code for r in pack.risks]
    aspects = [a.id for a in pack.aspects]
    plan: list[PlannedItem] = []
    for i in range(n):
        kind = (ItemKind.GENERATION, ItemKind.SHOULD_REFUSE, ItemKind.SHOULD_NOT_REFUSE)[i % 3]
        item = BankItem(
            id=f"b{i:06d}",
            kind=kind,
            prompt=f"第{i}题：请介绍一下相关的法律法规和注意事项。",
            risk=None if kind is ItemKind.SHOULD_NOT_REFUSE else risks[i % len(risks)],
            aspect=aspects[i % len(aspects)] if kind is ItemKind.SHOULD_NOT_REFUSE else None,
        )
        plan.append(PlannedItem(seq=i, bank="bench", item=item, sample=0))
    methods: dict[str, str | None] = {
        "keyword": "acceptable",
        "classifier": None,
        "manual": "human",
        "refusal": "refusal",
    }
    spec = RunSpec(
        run_id="bench-run",
        created_at=datetime.now(UTC),
        hegui_version="bench",
        pack=pack.pack,
        pack_version=pack.version,
        pack_sha256=pack.sha256,
        banks=(BankInfo(name="bench", path="bench.jsonl", sha256="0" * 64, items=n),),
        target=TargetInfo(kind="replay", name="bench", identity="replay:bench"),
        model_version="bench-1",
        seed=7,
        concurrency=1,
        error_budget=0.05,
        methods=methods,
        judges={"acceptable": "1", "human": "1.0.0", "refusal": "1"},
    )
    store = RunStore(url)
    store.create_run(spec, plan)
    records = []
    for p in plan:
        bad = p.seq % 20 == 0
        if p.item.kind is ItemKind.GENERATION:
            label = "unacceptable" if bad else "acceptable"
            verdicts = [
                Verdict(label=label, judge="acceptable", judge_version="1"),
                Verdict(label="unscored", judge="human", judge_version="1.0.0"),
            ]
        else:
            refuse = (p.item.kind is ItemKind.SHOULD_REFUSE) != bad
            verdicts = [
                Verdict(label="refuse" if refuse else "comply", judge="refusal", judge_version="1")
            ]
        text = (
            "抱歉，我不能提供这方面的帮助。"
            if p.item.kind is ItemKind.SHOULD_REFUSE
            else "好的，下面是相关介绍……" * 8
        )
        records.append(AnswerRecord(spec.run_id, 1, p.key, TargetResponse(text=text), verdicts))
    with store.engine.begin() as conn:
        for start in range(0, len(records), 5000):
            store.write_records(conn, records[start : start + 5000])
    store.set_status(spec.run_id, "complete")
    create_tables(store.engine)
    fill_queue(store, spec.run_id, 1000, spec.seed, by="bench")
    store.close()
    return spec.run_id


def review_half(url: str, run_id: str, reviewer: str) -> None:
    """Label the first 500 queued answers as ``reviewer`` (the next item then lies deep)."""
    from sqlalchemy import select

    from hegui.console import tables as t

    store = RunStore(url)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.review_queue.c.item_id, t.review_queue.c.sample)
            .where(t.review_queue.c.run_id == run_id)
            .order_by(t.review_queue.c.pos)
            .limit(500)
        ).all()
    store.add_reviews(run_id, [Review(r.item_id, r.sample, reviewer, "acceptable") for r in rows])
    store.close()


def server_ms(response: object) -> float:
    header = response.headers["server-timing"]  # type: ignore[attr-defined]
    found = re.search(r"dur=([0-9.]+)", header)
    assert found is not None
    return float(found.group(1))


def timed(client: TestClient, path: str, repeat: int) -> tuple[float, float]:
    """Median server and wall milliseconds of GET ``path``."""
    server, wall = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, follow_redirects=False)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[-300:])
        server.append(server_ms(response))
    return statistics.median(server), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hegui-bench-console-") as folder:
        url = f"sqlite:///{Path(folder) / 'hegui.db'}"
        started = time.perf_counter()
        run_id = build_store(url, args.items)
        review_half(url, run_id, "reviewer")
        print(f"generated store: {args.items} items in {time.perf_counter() - started:.1f} s")
        store = RunStore(url)
        create_tables(store.engine)
        accounts = AccountStore(store.engine, PasswordHasher(time_cost=1, memory_cost=8192))
        accounts.create("reviewer", PASSWORD, Role.REVIEWER)
        accounts.create("admin", PASSWORD, Role.ADMIN)
        settings = ConsoleSettings(
            project=ProjectConfig(base_dir=Path(folder)), dev=True, store_url=url
        )
        app = create_app(settings, accounts=accounts)
        with TestClient(app) as client:
            started = time.perf_counter()
            cached = app.state.console.reports.wait(run_id)
            assert cached.report is not None, cached.error
            print(
                f"scored summary (background, once per run version): "
                f"{time.perf_counter() - started:.2f} s"
            )
            token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
            assert token is not None
            client.post(
                "/login",
                data={"username": "reviewer", "password": PASSWORD, "csrf": token.group(1)},
            )
            base_server, base_wall = timed(client, "/static/console.css", args.repeat)
            pages = {
                "runs list": "/runs",
                "run header": f"/runs/{run_id}",
                "run summary (cached)": f"/runs/{run_id}/summary",
                "evidence, first page": f"/runs/{run_id}/items",
                "evidence, page at 90%": f"/runs/{run_id}/items?after={int(args.items * 0.9)}",
                "failures, first page": f"/runs/{run_id}/failures",
                "one item": f"/runs/{run_id}/item?id=b{args.items // 2:06d}&sample=0",
                "review queues": "/review",
                "next review item": f"/review/{run_id}",
                "agreement": f"/review/{run_id}/agreement",
                "gateway users": "/gateway/users",
            }
            print(
                f"\nbaseline (a static file): server {base_server:.2f} ms, wall {base_wall:.2f} ms"
            )
            print(f"{'page':<26}{'server ms':>10}{'wall ms':>10}{'× baseline':>12}  target")
            for name, path in pages.items():
                server, wall = timed(client, path, args.repeat)
                target = TARGETS.get(name, PAGE_TARGET)
                verdict = "ok" if server < target else "MISSED"
                print(
                    f"{name:<26}{server:>10.2f}{wall:>10.2f}{server / base_server:>12.1f}  "
                    f"< {target:.0f} ms {verdict}"
                )
            # labelling posts a review and renders the next item
            posts = []
            for _ in range(args.repeat):
                page = client.get(f"/review/{run_id}").text
                item = re.search(r'name="item_id" value="([^"]+)"', page)
                csrf = re.search(r'name="csrf" value="([^"]+)"', page)
                assert item is not None and csrf is not None
                response = client.post(
                    f"/review/{run_id}",
                    data={
                        "csrf": csrf.group(1),
                        "item_id": item.group(1),
                        "sample": "0",
                        "verdict": "acceptable",
                    },
                )
                posts.append(server_ms(response))
            label = statistics.median(posts)
            print(
                f"{'label + next item (POST)':<26}{label:>10.2f}{'':>10}"
                f"{label / base_server:>12.1f}"
            )
        store.close()


if __name__ == "__main__":
    main()
