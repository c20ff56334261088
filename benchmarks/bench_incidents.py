"""Benchmark: the incident store on SQLite — what a console page or ``hegui incident overdue``
costs with many incidents.

Prints, each against a baseline measured in the same run:

* one incident step (``note``: row claim, timeline append, state update, in one transaction)
  against a bare single-row INSERT transaction on the same engine;
* ``overdue()`` over N incidents of which 1% are overdue (indexed on the next deadline) against
  loading every open incident (``list(open_only=True)``), which is what it would cost without it;
* ``verify_timeline`` of a 1,000-entry timeline against reading it (``timeline``).

    .venv/bin/python benchmarks/bench_incidents.py [--incidents 3000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from hegui.incidents import IncidentIn, IncidentService, IncidentSource, SourceKind
from hegui.policy import load_pack


def best(fn: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other processes)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=3000)
    args = parser.parse_args()
    now = datetime(2026, 11, 28, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        service = IncidentService(
            f"sqlite:///{Path(folder) / 'b.db'}", load_pack(), clock=lambda: now
        )
        source = IncidentSource(kind=SourceKind.MANUAL)
        start = time.perf_counter()
        for i in range(args.incidents):
            # 1% found 30 days ago (containment and report overdue), the rest today
            detected = now - timedelta(days=30 if i % 100 == 0 else 0)
            service.open(IncidentIn(title=f"t{i}", source=source, detected_at=detected), actor="a")
        opened = time.perf_counter() - start
        print(f"open: {opened / args.incidents * 1000:.2f} ms per incident ({args.incidents})")

        scratch = Table("bench_scratch", MetaData(), Column("id", Integer, primary_key=True),
                        Column("v", String(10)))  # fmt: skip
        scratch.create(service.engine)
        target = service.list(limit=1)[0].id
        counter = iter(range(10**9))

        def bare() -> None:
            for _ in range(50):
                with service.engine.begin() as conn:
                    conn.execute(insert(scratch).values(id=next(counter), v="x"))

        def steps() -> None:
            for _ in range(50):
                service.note(target, "n", actor="a")

        base, step = best(bare), best(steps)
        print(f"step (note): {step / 50 * 1000:.2f} ms; bare insert {base / 50 * 1000:.2f} ms; "
              f"ratio {step / base:.1f}x")  # fmt: skip

        overdue = best(service.overdue)
        everything = best(lambda: service.list(open_only=True, limit=10**9))
        found = len(service.overdue())
        print(f"overdue(): {overdue * 1000:.1f} ms for {found} rows of {args.incidents} incidents;"
              f" loading all open {everything * 1000:.1f} ms; ratio {everything / overdue:.1f}x"
              " faster")  # fmt: skip

        for _ in range(1000 - len(service.timeline(target))):
            service.note(target, "n", actor="a")
        read = best(lambda: service.timeline(target))
        check = best(lambda: service.verify_timeline(target))
        print(f"verify_timeline (1,000 entries): {check * 1000:.1f} ms; reading it "
              f"{read * 1000:.1f} ms; ratio {check / read:.2f}x")  # fmt: skip
        service.dispose()


if __name__ == "__main__":
    main()
