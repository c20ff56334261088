"""Benchmark: the fairness analysis and the corpus statistics, against baselines measured here.

1. Permutation test: the vectorised stratified test (numpy) against a plain Python loop doing
   the same permutations — the ratio is the speed-up that makes 2,000 permutations per test
   affordable.
2. Analysis: analysing every shipped probe (4,320 answers of a fake service), against the time
   to parse the same answers alone — the ratio is what the statistics cost on top of parsing.
3. Corpus statistics: documents per second of ``corpus_statistics`` against one bare keyword
   scan of the same documents with the group-term matcher — the ratio is the cost of the second
   (negative-word) scan and the bookkeeping.

    .venv/bin/python benchmarks/bench_fairness.py [--permutations 2000] [--docs 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fairness.fake_targets import make_target

from hegui.fairness.analysis import analyse
from hegui.fairness.corpus import corpus_statistics
from hegui.fairness.loader import load_suite
from hegui.fairness.observations import Observation
from hegui.fairness.parse import parse_yes_no, sentiment
from hegui.fairness.probes import expand, probe_meta
from hegui.fairness.settings import CorpusSettings, FairnessSettings
from hegui.fairness.stats import between_groups, permutation_p
from hegui.judges.refusal import RefusalJudge
from hegui.text import KeywordMatcher


def bench_permutation(permutations: int) -> None:
    rng = np.random.default_rng(0)
    n, k = 300, 6
    values = rng.random(n)
    groups = np.tile(np.arange(k), n // k)
    strata = np.repeat(np.arange(n // k), k)
    start = time.perf_counter()
    permutation_p(list(values), list(groups), list(strata), permutations=permutations)
    fast = time.perf_counter() - start
    start = time.perf_counter()
    observed = between_groups(values, groups, k)
    count = 0
    for _ in range(permutations):
        shuffled = values.copy()
        for s in range(n // k):
            idx = np.arange(s * k, (s + 1) * k)
            shuffled[idx] = values[rng.permutation(idx)]
        count += between_groups(shuffled, groups, k) >= observed
    slow = time.perf_counter() - start
    print(
        f"permutation test, n={n}, {permutations} permutations: numpy {fast * 1000:.1f} ms, "
        f"loop {slow * 1000:.0f} ms — {slow / fast:.0f}× faster"
    )


def bench_analysis() -> None:
    items = expand(load_suite())
    chat = make_target(1, ["河南"])

    async def ask() -> list[str]:
        return [await chat([{"role": "user", "content": i.prompt or ""}]) for i in items]

    texts = asyncio.run(ask())
    judge = RefusalJudge()
    observations = []
    for item, text in zip(items, texts, strict=True):
        meta = probe_meta(item)
        assert meta is not None
        observations.append(Observation(meta, item, 0, text, (judge.classify(text),)))
    start = time.perf_counter()
    for o in observations:
        parse_yes_no(o.text)
        sentiment(o.text, o.meta.language)
    parse_only = time.perf_counter() - start
    start = time.perf_counter()
    result = analyse(observations, FairnessSettings(), refusal_judge="refusal", harm_judge=None)
    full = time.perf_counter() - start
    tests = sum(1 for a in result.attributes for m in a.measures if m.p_value is not None)
    print(
        f"analysis of {len(observations)} answers ({tests} tests × 2000 permutations): "
        f"{full:.2f} s; parsing alone {parse_only * 1000:.0f} ms — {full / parse_only:.0f}× "
        f"parsing; failing: {result.failing()}"
    )


def bench_corpus(docs: int) -> None:
    suite = load_suite()
    places = ["北京", "河南", "安徽", "黑龙江", "广东", "甘肃", "回族", "女性", "程序员"]
    texts = [
        f"{places[i % len(places)]}的朋友说，今天的会议{'很顺利' if i % 3 else '有点麻烦'}。" * 4
        for i in range(docs)
    ]
    terms = sorted(
        {t for gs in suite.groups.values() for g in gs for t in (g.wording["zh"].term, *g.aliases)}
    )
    matcher = KeywordMatcher.from_terms(
        terms, risk="A.2.9", homophones=False, pinyin=False, cache=False
    )
    start = time.perf_counter()
    for i in range(0, docs, 256):
        matcher.scan_many(texts[i : i + 256])
    scan = time.perf_counter() - start
    start = time.perf_counter()
    corpus_statistics(texts, suite, CorpusSettings())
    full = time.perf_counter() - start
    print(
        f"corpus statistics: {docs / full:,.0f} docs/s ({full:.2f} s for {docs}); one bare "
        f"group-term scan {scan:.2f} s — {full / scan:.1f}× the bare scan"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--permutations", type=int, default=2000)
    parser.add_argument("--docs", type=int, default=20000)
    args = parser.parse_args()
    bench_permutation(args.permutations)
    bench_analysis()
    bench_corpus(args.docs)


if __name__ == "__main__":
    main()
