"""Benchmark: ``hegui assess`` against a local mock OpenAI-compatible server with a fixed delay.

Workload of the foundation issue: 2,000 items, 200 ms latency, concurrency 64; the ideal wall time
is items × latency / concurrency = 6.25 s. Prints hegui's wall time as a ratio of that ideal, its
own CPU time per item (judging and storage included; interpreter start-up measured in the same
run and subtracted), and peak memory of a 20,000-item run.

Targets: wall ≤ 1.15 × ideal, CPU < 1 ms per item, peak RSS < 300 MB at 20,000 items.

    .venv/bin/python benchmarks/bench_assess.py [--items 2000] [--latency-ms 200] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
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


def write_config(folder: Path, url: str, concurrency: int) -> Path:
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
                    "refusal": "refusal",
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
    if os.cpu_count() and os.cpu_count() > 1:
        cmd = ["taskset", "-c", "1", *cmd]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        raise SystemExit(f"mock server did not start: {url!r}")
    return proc, url


def timed_child(args: list[str], cwd: Path) -> tuple[float, float, int]:
    """Run a child; return (wall s, CPU s, peak RSS KiB) of that child alone."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    code = subprocess.run(args, cwd=cwd, stdout=subprocess.DEVNULL, check=False).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {code}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss


def run_case(items: int, latency_ms: float, concurrency: int) -> tuple[float, float, int]:
    proc, url = start_mock(latency_ms)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_bank(folder / "bank.jsonl", items)
            config = write_config(folder, url, concurrency)
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
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        _, startup_cpu, _ = timed_child([*HEGUI, "policy", "show"], Path(tmp))
    wall, cpu, _ = run_case(args.items, args.latency_ms, args.concurrency)
    ideal = args.items * args.latency_ms / 1000 / args.concurrency
    cpu_per_item_ms = max(0.0, cpu - startup_cpu) / args.items * 1000
    print(f"items {args.items}, latency {args.latency_ms:.0f} ms, concurrency {args.concurrency}")
    print(f"ideal wall {ideal:.2f} s, hegui wall {wall:.2f} s, ratio to ideal {wall / ideal:.3f}")
    print(
        f"hegui CPU {cpu:.2f} s (start-up {startup_cpu:.2f} s) → {cpu_per_item_ms:.3f} ms per item"
    )

    # Peak memory: many items, short latency (RSS of the largest child so far is reported).
    mem_latency = 20.0
    wall_m, _, peak_kib = run_case(args.memory_items, mem_latency, args.concurrency)
    print(
        f"{args.memory_items} items at {mem_latency:.0f} ms: wall {wall_m:.1f} s, "
        f"peak RSS {peak_kib / 1024:.0f} MB"
    )
    ok = wall / ideal <= 1.15 and cpu_per_item_ms < 1.0 and peak_kib / 1024 < 300
    print(
        "targets: wall ≤ 1.15× ideal, CPU < 1 ms/item, peak < 300 MB →", "MET" if ok else "NOT MET"
    )


if __name__ == "__main__":
    main()
