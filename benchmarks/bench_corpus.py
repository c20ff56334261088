"""Benchmark of the corpus audit (hegui.corpus) on generated Chinese JSONL.

    python benchmarks/bench_corpus.py              # 20 MB and 200 MB corpora (a few minutes)
    python benchmarks/bench_corpus.py --full       # 100 MB and 1 GB, as the issue's targets
    python benchmarks/bench_corpus.py --small-mb 5 --large-mb 40 --skip-ray   # quick look

What it measures, each in a fresh child process so that timings and peak memory are its own:

1. Throughput per core (child pinned to one core): the full scan of the audit pipeline (read,
   keywords, PII, copyright, language, MinHash dedup keys, stats, samples) on the small corpus,
   beside the keyword engine alone (read + ``KeywordMatcher.scan``) on the same documents, and
   the single scanners for a breakdown.
2. Peak memory (ru_maxrss) of a whole one-worker audit, merge included, on the small and the
   large corpus: flat with input size means a ratio near 1 (target ≤ 1.2).
3. Local executor: wall time of the large audit with 1 and 2 workers (target ≥ 1.7×).
4. Ray: the same audit on a local 2-worker Ray cluster (target ≤ 1.3× the local 2-worker time),
   timed without and with starting the cluster.

Data: documents of ~700 characters made of sentences drawn from a pool built from the word list
that ships with hegui.text; 1% carry a library keyword, 5% an ID number and a mobile, 2% are exact
and 2% near copies of recent documents. Keyword library: 10,000 two-word keywords plus the
planted ones. Files of ``--file-mb`` MB, so both sizes split into shards the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus.factory import KEYWORDS, id_number, words  # noqa: E402

DOC_CHARS = 700


def _sentence_pool(rng: random.Random, size: int) -> list[str]:
    vocab = words()
    return [
        "".join(rng.choice(vocab) for _ in range(rng.randint(5, 12))) + rng.choice("，。；！？")
        for _ in range(size)
    ]


def generate(folder: Path, megabytes: int, file_mb: int, seed: int) -> None:
    """JSONL files of about ``megabytes`` MB in total (skipped when already there)."""
    marker = folder / ".complete"
    if marker.is_file():
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    pool = _sentence_pool(rng, 50_000)
    recent: list[str] = []
    target, written, part = megabytes * 1_000_000, 0, 0
    while written < target:
        path = folder / f"part-{part:04d}.jsonl"
        size = 0
        with open(path, "w", encoding="utf-8") as out:
            n = 0
            while size < file_mb * 1_000_000 and written + size < target:
                roll = rng.random()
                if recent and roll < 0.02:
                    text = rng.choice(recent)
                elif recent and roll < 0.04:
                    chars = list(rng.choice(recent))
                    chars[rng.randrange(len(chars))] = "的"
                    text = "".join(chars)
                else:
                    parts, length = [], 0
                    while length < DOC_CHARS:
                        parts.append(rng.choice(pool))
                        length += len(parts[-1])
                    if rng.random() < 0.01:
                        parts.insert(rng.randrange(len(parts)), rng.choice(KEYWORDS))
                    if rng.random() < 0.05:
                        mobile = f"1{rng.choice('3578')}{rng.randint(10**8, 10**9 - 1)}"
                        parts.append(f"身份证号{id_number(rng)}，电话{mobile}。")
                    text = "".join(parts)
                    recent.append(text)
                    if len(recent) > 200:
                        recent.pop(0)
                line = json.dumps({"id": f"{part}-{n}", "text": text}, ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                n += 1
        written += size
        part += 1
    marker.write_text("ok", encoding="utf-8")


def write_library(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    vocab = words()
    terms = {rng.choice(vocab) + rng.choice(vocab) for _ in range(10_000)} | set(KEYWORDS)
    rows = "".join(f"{t}\tA.1\tA.1.8\n" for t in sorted(terms))
    path.write_text("关键词\t一级分类\t二级分类\n" + rows, encoding="utf-8")


def write_manifest(folder: Path, data: Path, library: Path) -> Path:
    path = folder / f"{data.name}.yaml"
    path.write_text(
        f"name: bench-{data.name}\nkeywords: [{library}]\nsources:\n"
        f"  - {{id: web, type: open_source, licence: MIT, origin: domestic, language: zh, "
        f'paths: ["{data}/*.jsonl"]}}\n',
        encoding="utf-8",
    )
    return path


def data_megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.glob("*.jsonl")) / 1e6


# -- child processes ------------------------------------------------------------------------


def child_throughput(manifest: Path, work: Path) -> dict[str, Any]:
    """Full pipeline and single scanners on one core."""
    os.sched_setaffinity(0, {0})
    from hegui.corpus import build_plan
    from hegui.corpus.document import Document
    from hegui.corpus.layout import AuditDir
    from hegui.corpus.scanners.copyright import CopyrightScanner
    from hegui.corpus.scanners.language import LanguageScanner
    from hegui.corpus.scanners.pii import PiiScanner
    from hegui.corpus.worker import ShardRunner
    from hegui.text import KeywordMatcher, load_library, normalize
    from hegui.text.dedup import MinHasher, exact_key

    plan = build_plan(manifest)
    out = work / "throughput"
    shutil.rmtree(out, ignore_errors=True)
    AuditDir(out).make()
    runner = ShardRunner(plan, out)
    total = sum(s.size for s in plan.shards) / 1e6
    started = time.perf_counter()
    for shard in plan.shards:
        runner.run(shard.index)
    full = time.perf_counter() - started

    texts: list[str] = []
    for shard in plan.shards:
        with open(shard.path, encoding="utf-8") as handle:
            texts.extend(json.loads(line)["text"] for line in handle)
    matcher = KeywordMatcher.from_library(load_library(plan.keywords[0].path), homophones=False)
    started = time.perf_counter()
    for shard in plan.shards:  # read + parse + scan, as the audit does
        with open(shard.path, encoding="utf-8") as handle:
            for line in handle:
                matcher.scan(json.loads(line)["text"])
    keywords_alone = time.perf_counter() - started

    def timed(fn: Any) -> float:
        begin = time.perf_counter()
        for text in texts:
            fn(text)
        return time.perf_counter() - begin

    hasher = MinHasher()
    pii, copyright_, language = PiiScanner(), CopyrightScanner(), LanguageScanner({})

    def doc(text: str) -> Document:
        return Document(text, "web", 0, 0, 1, "k", "k")

    def minhash(text: str) -> None:
        norm = normalize(text)
        hasher.band_keys(hasher.signature(norm.codes))
        exact_key(norm)

    parts = {
        "normalise": timed(normalize),
        "keywords (normalise + scan)": timed(matcher.scan),
        "pii": timed(lambda t: pii.scan(doc(t))),
        "minhash + exact key (with normalise)": timed(minhash),
        "copyright markers": timed(lambda t: copyright_.scan(doc(t))),
        "language": timed(lambda t: language.scan(doc(t))),
    }
    return {
        "mb": total,
        "docs": len(texts),
        "full_mb_s": total / full,
        "keywords_mb_s": total / keywords_alone,
        "parts_mb_s": {name: total / seconds for name, seconds in parts.items()},
    }


def child_warm(manifest: Path) -> dict[str, Any]:
    """Compile the keyword matcher into the cache, so no measurement pays for compiling."""
    from hegui.corpus import build_plan
    from hegui.corpus.worker import build_scanners

    begin = time.perf_counter()
    build_scanners(build_plan(manifest))
    return {"seconds": time.perf_counter() - begin}


def child_audit(manifest: Path, out: Path, executor: str, workers: int) -> dict[str, Any]:
    """One whole audit (merge and reports included): wall time and peak memory."""
    from hegui.corpus import LocalExecutor, RayExecutor, build_plan, run_audit

    shutil.rmtree(out, ignore_errors=True)
    if executor == "local":
        local = LocalExecutor(workers=workers)  # starts its fork server while planning
    plan = build_plan(manifest)
    cluster = 0.0
    if executor == "ray":
        import ray

        begin = time.perf_counter()
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        cluster = time.perf_counter() - begin
        runner: Any = RayExecutor(workers=workers)
    else:
        runner = local
    begin = time.perf_counter()
    report = run_audit(plan, out, runner)
    seconds = time.perf_counter() - begin
    if executor == "ray":
        ray.shutdown()
    shard_cpu = sum(
        json.loads(f.read_text(encoding="utf-8"))["cpu_seconds"]
        for f in (out / "shards").glob("*.json")
    )
    own_usage = resource.getrusage(resource.RUSAGE_SELF)
    child_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own, children = own_usage.ru_maxrss / 1024, child_usage.ru_maxrss / 1024
    return {
        "shard_cpu_s": shard_cpu,
        "executor_s": report.execution.seconds,
        "seconds": seconds,
        "cluster_start_s": cluster,
        "peak_mb": own,
        "peak_child_mb": children,
        "docs": report.totals.docs,
        "violations": report.totals.violations,
        "duplicates": [report.totals.duplicates_exact, report.totals.duplicates_near],
        "sample": [s.sample.model_dump() for s in report.sources],
        "status": report.status.value,
    }


def run_child(*args: str) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; the 1-minute load average before it is
    recorded (other work on the machine skews parallel timings)."""
    load = os.getloadavg()[0]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_before"] = load
    print(f"  (load average before: {load:.2f} on {os.cpu_count()} CPUs)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small-mb", type=int, default=20)
    parser.add_argument("--large-mb", type=int, default=200)
    parser.add_argument("--full", action="store_true", help="100 MB and 1 GB")
    parser.add_argument("--file-mb", type=int, default=25, help="size of each JSONL file")
    parser.add_argument("--workdir", type=Path, help="keep data here (reused between runs)")
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument(
        "--skip-throughput", action="store_true", help="only the audits (memory, executors)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, *rest = args.child
        if task == "warm":
            result = child_warm(Path(rest[0]))
        elif task == "throughput":
            result = child_throughput(Path(rest[0]), Path(rest[1]))
        else:
            result = child_audit(Path(rest[0]), Path(rest[1]), rest[2], int(rest[3]))
        print(json.dumps(result))
        return
    if args.full:
        args.small_mb, args.large_mb = 100, 1000
    work = args.workdir or Path(tempfile.mkdtemp(prefix="hegui-bench-corpus-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("HEGUI_CACHE_DIR", str(work / "cache"))
    library = work / "keywords.tsv"
    write_library(library, 7)
    small, large = work / f"data-{args.small_mb}mb", work / f"data-{args.large_mb}mb"
    print(f"generating data in {work} …", flush=True)
    generate(small, args.small_mb, args.file_mb, 1)
    generate(large, args.large_mb, args.file_mb, 2)
    m_small, m_large = write_manifest(work, small, library), write_manifest(work, large, library)
    print(f"small {data_megabytes(small):.0f} MB, large {data_megabytes(large):.0f} MB", flush=True)
    results: dict[str, Any] = {"cpus": os.cpu_count()}
    print("compiling the keyword matcher into the cache …", flush=True)
    run_child("warm", str(m_small))

    if not args.skip_throughput:
        print("throughput per core …", flush=True)
        results["throughput"] = t = run_child("throughput", str(m_small), str(work))
        print(f"  full scan      {t['full_mb_s']:6.2f} MB/s")
        print(f"  keywords alone {t['keywords_mb_s']:6.2f} MB/s")
        print(f"  ratio full/keywords {t['full_mb_s'] / t['keywords_mb_s']:.2f}")
        for name, speed in t["parts_mb_s"].items():
            print(f"    {name:38s} {speed:7.2f} MB/s")

    print("peak memory, one worker …", flush=True)
    results["small_1"] = s1 = run_child("audit", str(m_small), str(work / "o-s1"), "local", "1")
    results["large_1"] = l1 = run_child("audit", str(m_large), str(work / "o-l1"), "local", "1")
    memory_ratio = l1["peak_mb"] / s1["peak_mb"]
    print(f"  {args.small_mb} MB: {s1['peak_mb']:.0f} MB peak   {args.large_mb} MB: "
          f"{l1['peak_mb']:.0f} MB peak   ratio {memory_ratio:.2f} (target ≤ 1.2)")  # fmt: skip

    print("local executor, 2 workers …", flush=True)
    results["large_2"] = l2 = run_child("audit", str(m_large), str(work / "o-l2"), "local", "2")
    speedup = l1["seconds"] / l2["seconds"]
    print(f"  1 worker {l1['seconds']:.1f} s, 2 workers {l2['seconds']:.1f} s: "
          f"speed-up {speedup:.2f}× (target ≥ 1.7)")  # fmt: skip
    share = l2["shard_cpu_s"] / (2 * l2["executor_s"])
    print(f"  CPU on shards: 1 worker {l1['shard_cpu_s']:.1f} s, 2 workers "
          f"{l2['shard_cpu_s']:.1f} s; the 2 workers got {share:.0%} of two cores "
          f"(near 100% on an idle machine)")  # fmt: skip
    same = all(l1[k] == l2[k] for k in ("docs", "violations", "duplicates", "sample", "status"))
    print(f"  identical counts and verdicts: {same}")

    if not args.skip_ray:
        print("ray, local 2-worker cluster …", flush=True)
        results["large_ray"] = lr = run_child("audit", str(m_large), str(work / "o-lr"), "ray", "2")
        ratio = lr["seconds"] / l2["seconds"]
        with_start = (lr["seconds"] + lr["cluster_start_s"]) / l2["seconds"]
        print(f"  ray {lr['seconds']:.1f} s (+{lr['cluster_start_s']:.1f} s cluster start): "
              f"{ratio:.2f}× local (target ≤ 1.3), {with_start:.2f}× with the start")  # fmt: skip
        same_ray = all(lr[k] == l2[k] for k in ("docs", "violations", "duplicates", "sample"))
        print(f"  identical counts and verdicts: {same_ray}")
        results["ray_ratio"] = ratio
    results["memory_ratio"] = memory_ratio
    results["speedup_2_workers"] = speedup
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
