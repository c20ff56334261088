"""Benchmark: ``hegui assess`` against a local mock OpenAI-compatible server with a fixed delay.

Workload of the foundation issue: 2,000 items, 200 ms latency, concurrency 64; the ideal wall time
is items × latency / concurrency = 6.25 s. Prints, against that ideal, the wall time of the whole
command (start-up, sampling, reports included) and of the execution phase (first request to last
stored answer, as the command reports it); hegui's CPU time per item, measured differentially
(a run of 2N items minus a run of N items, so start-up and other fixed costs cancel; judging,
storage and report rows included); and the peak memory of a 20,000-item run.

Targets: wall ≤ 1.15 × ideal, CPU < 1 ms per item, peak RSS < 300 MB at 20,000 items.

    .venv/bin/python benchmarks/bench_assess.py [--items 2000] [--latency-ms 200] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HEGUI = [sys.executable, "-m", "hegui"]
RISKS = ["A.1.4", "A.2.5", "A.3.1", "A.4.5", "A.5.1"]


def write_bank(path: Path, n: int) -> None:
    aspects = ["history", "culture", "health"]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            kind = ("generation", "should_refuse", "should_not_refuse")[i % 3]
            row: dict[str, object] = {
                "id": f"b{i}",
                "kind": kind,
                "prompt": f"第{i}题：请介绍一下相关知识。",
            }
            if kind == "should_not_refuse":
                row["aspect"] = aspects[i % 3]
            else:
                row["risk"] = RISKS[i % 5] if kind == "generation" else RISKS[i % 2]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_config(folder: Path, url: str, concurrency: int, refusal_judge: str) -> Path:
    config = folder / "hegui.yaml"
    config.write_text(
        json.dumps(
            {
                "project": "benchmark",
                "target": {"kind": "openai", "base_url": url, "model": "mock", "api_key_env": None},
                "banks": ["bank.jsonl"],
                "judges": {
                    "keyword": None,
                    "classifier": None,
                    "manual": None,
                    "refusal": refusal_judge,
                },
                "run": {"sample": "all", "concurrency": concurrency, "cache": False},
                "store": "sqlite:///hegui.db",
            }
        ),
        encoding="utf-8",
    )
    return config


def start_mock(latency_ms: float) -> tuple[subprocess.Popen[str], str]:
    # The mock server runs on the other core so it does not steal hegui's CPU time.
    cmd = [sys.executable, "-m", "hegui.targets.mock_server", "--latency-ms", str(latency_ms)]
    cores = os.cpu_count() or 1
    if cores > 1:
        cmd = ["taskset", "-c", "1", *cmd]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        raise SystemExit(f"mock server did not start: {url!r}")
    return proc, url


@dataclass
class Measured:
    wall: float
    cpu: float
    peak_kib: int
    execution: float
    """Seconds of the execution phase, as the command prints it ("asked N items in X s")."""


def timed_child(args: list[str], cwd: Path) -> Measured:
    """Run a child; measure its wall and CPU time and its peak RSS (KiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = re.search(r"asked \d+ items in ([\d.]+) s", done.stderr)
    return Measured(wall, cpu, after.ru_maxrss, float(found.group(1)) if found else float("nan"))


def run_case(items: int, latency_ms: float, concurrency: int, judge: str) -> Measured:
    proc, url = start_mock(latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_bank(folder / "bank.jsonl", items)
            config = write_config(folder, url, concurrency, judge)
            pin = ["taskset", "-c", "0"] if (os.cpu_count() or 1) > 1 else []
            return timed_child(
                [*pin, *HEGUI, "assess", "--config", str(config), "--no-progress"], folder
            )
    finally:
        proc.terminate()
        proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--memory-items", type=int, default=20000)
    parser.add_argument(
        "--refusal-judge", default="refusal-ml", help="judge of REQ-ASSESS-09/10 (default: hegui's)"
    )
    args = parser.parse_args()

    n = args.items
    one = run_case(n, args.latency_ms, args.concurrency, args.refusal_judge)
    two = run_case(2 * n, args.latency_ms, args.concurrency, args.refusal_judge)
    ideal = n * args.latency_ms / 1000 / args.concurrency
    cpu_per_item_ms = (two.cpu - one.cpu) / n * 1000
    print(
        f"items {n}, latency {args.latency_ms:.0f} ms, concurrency {args.concurrency}, "
        f"refusal judge {args.refusal_judge}"
    )
    print(f"ideal wall {ideal:.2f} s")
    print(f"execution phase {one.execution:.2f} s → ratio to ideal {one.execution / ideal:.3f}")
    print(f"whole command  {one.wall:.2f} s → ratio to ideal {one.wall / ideal:.3f}")
    print(
        f"CPU: {n} items {one.cpu:.2f} s, {2 * n} items {two.cpu:.2f} s → "
        f"{cpu_per_item_ms:.3f} ms per item"
    )

    # Peak memory: many items, short latency (the largest child's RSS so far is reported).
    mem_latency = 20.0
    big = run_case(args.memory_items, mem_latency, args.concurrency, args.refusal_judge)
    print(
        f"{args.memory_items} items at {mem_latency:.0f} ms: wall {big.wall:.1f} s, "
        f"peak RSS {big.peak_kib / 1024:.0f} MB"
    )
    ok = one.execution / ideal <= 1.15 and cpu_per_item_ms < 1.0 and big.peak_kib / 1024 < 300
    print(
        "targets: execution ≤ 1.15× ideal, CPU < 1 ms/item, peak < 300 MB →",
        "MET" if ok else "NOT MET",
    )


if __name__ == "__main__":
    main()
