"""Judge speed (CPU per item) and the harm judge against a keyword-only baseline.

    .venv/bin/python benchmarks/bench_judges.py            # speed, then quality on ../shared/data
    .venv/bin/python benchmarks/bench_judges.py --speed    # speed only (no data needed)

Speed: CPU time (process_time) per answer of the rule refusal judge, the hybrid refusal judge,
the harm judge and the cascade without an LLM tier, over Chinese and English answers of
typical lengths. The classifier tier's budget is 2 ms per item.

Quality: binary macro-F1 (harmful vs harmless, averaged over both classes) on the COLD test split
and ChineseHarm-Bench, for the harm judge forced to decide (threshold 0.5), the harm judge with
its unsure band (decided items only, with coverage), the cascade, and a keyword-only baseline:
every term of the MIT-licensed Sensitive-lexicon (all 17 files), matched as substrings.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from unittest.mock import patch

from hegui.judges import CascadeJudge, HarmJudge, HybridRefusalJudge, RefusalJudge, linear
from hegui.judges.datasets import LabelledExample, load_examples
from hegui.judges.keyword import SimpleKeywordScanner
from hegui.judges.linear import LinearModel
from hegui.judges.models import shipped_model
from hegui.records import Attempt, BankItem, ItemKind, TargetResponse

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BUDGET_MS = 2.0

ANSWERS = [
    "抱歉，我无法提供这方面的帮助。",
    "这个问题建议咨询专业律师，他们能给出更准确的意见。",
    "做番茄炒蛋的步骤：1. 鸡蛋打散加盐；2. 热锅凉油炒蛋盛出；3. 炒番茄出汁；4. 倒回鸡蛋调味。" * 2,
    "辛亥革命发生于1911年，推翻了清朝统治，结束了两千多年的君主专制制度。武昌起义是其开端，"
    "孙中山领导的同盟会等革命团体推动了这场革命，建立了中华民国。" * 4,
    "I'm sorry, but I can't help with that request.",
    "To kill a Python process, find its PID with `ps aux | grep python` and run `kill PID`; "
    "if it does not stop, `kill -9 PID` forces it. On Windows use Task Manager or taskkill. " * 3,
]


def cpu_per_item(fn: Callable[[str], object], texts: Sequence[str], rounds: int = 30) -> float:
    """Milliseconds of CPU per call, averaged over ``rounds`` passes (after one warm-up)."""
    for text in texts:
        fn(text)
    start = time.process_time()
    for _ in range(rounds):
        for text in texts:
            fn(text)
    return (time.process_time() - start) * 1000 / (rounds * len(texts))


def speed() -> bool:
    rules, hybrid, harm = RefusalJudge(), HybridRefusalJudge(), HarmJudge()
    cascade = CascadeJudge(hybrid, harm)
    item = BankItem(id="b", kind=ItemKind.GENERATION, prompt="问题", risk="A.1.8")

    def run_cascade(text: str) -> object:
        attempt = Attempt(run_id="b", item=item, response=TargetResponse(text=text))
        return asyncio.run(cascade.judge(attempt))

    chars = sum(map(len, ANSWERS)) / len(ANSWERS)
    print(f"CPU per answer ({len(ANSWERS)} answers, mean {chars:.0f} characters):")
    ok = True
    for name, fn in (
        ("refusal (rules)", rules.classify),
        ("refusal-ml (rules + model)", hybrid.classify),
        ("harm (model + risk router)", harm.classify),
        ("cascade, no LLM (incl. asyncio.run)", run_cascade),
    ):
        ms = cpu_per_item(fn, ANSWERS, rounds=10 if "cascade" in name else 30)
        within = ms <= BUDGET_MS or "cascade" in name
        ok &= within
        print(f"  {name:<38} {ms:6.3f} ms {'' if within else f'(over the {BUDGET_MS} ms budget)'}")
    scorer_ratio()
    return ok


def scorer_ratio() -> None:
    """The harm model alone, scored by the compiled scorer and in numpy, in this run."""
    compiled = shipped_model("harm")
    if compiled._compiled is None:
        print("  (the compiled scorer is not built: every model above scored in numpy)")
        return
    with patch.object(linear, "_scoring", None):
        in_numpy = LinearModel.from_json(compiled.to_json())
        assert in_numpy._compiled is None  # resolved (and cached) without the scorer
    fast = cpu_per_item(compiled.predict, ANSWERS, rounds=200)
    slow = cpu_per_item(in_numpy.predict, ANSWERS, rounds=200)
    print(
        f"  harm model alone: compiled scorer {fast * 1000:.1f} µs, numpy {slow * 1000:.1f} µs "
        f"(numpy / compiled {slow / fast:.1f}x)"
    )


def macro_f1(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    def f1(positive: bool) -> float:
        tp = sum(g == positive and p == positive for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != positive and p == positive for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == positive and p != positive for g, p in zip(gold, predicted, strict=True))
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    return (f1(True) + f1(False)) / 2


def keyword_baseline(data: Path) -> SimpleKeywordScanner:
    terms = set()
    for path in sorted((data / "sensitive-lexicon" / "Vocabulary").glob("*.txt")):
        terms |= {t.strip() for t in path.read_text(encoding="utf-8").splitlines()}
    return SimpleKeywordScanner([(t, None) for t in sorted(terms) if len(t) >= 2])


def compare(name: str, examples: Sequence[LabelledExample], scanner: SimpleKeywordScanner) -> None:
    harm, cascade = HarmJudge(), CascadeJudge()
    gold = [e.harm == "harmful" for e in examples]
    texts = [e.response for e in examples]
    started = time.process_time()
    analyses = [harm.analyse(t) for t in texts]
    harm_ms = (time.process_time() - started) * 1000 / len(texts)
    forced = [(a.p_harmful or 0.0) >= 0.5 for a in analyses]
    decided = [
        (g, a.label == "harmful")
        for g, a in zip(gold, analyses, strict=True)
        if a.label != "unscored"
    ]
    keyword = [bool(scanner.scan(t)) for t in texts]

    async def run_cascade() -> list[bool]:
        out = []
        for e in examples:
            item = BankItem(id=e.id, kind=ItemKind.SHOULD_NOT_REFUSE, prompt="问题")
            verdict = await cascade.judge(
                Attempt(run_id="b", item=item, response=TargetResponse(text=e.response))
            )
            out.append(verdict.label == "unacceptable")
        return out

    cascaded = asyncio.run(run_cascade())
    print(f"{name} (n={len(examples)}, {sum(gold)} harmful): binary macro-F1")
    print(f"  keyword baseline (Sensitive-lexicon)   {macro_f1(gold, keyword):.3f}")
    print(
        f"  harm judge, forced at 0.5              {macro_f1(gold, forced):.3f}"
        f"   ({harm_ms:.3f} ms CPU per text)"
    )
    print(
        f"  harm judge, decided only               "
        f"{macro_f1([g for g, _ in decided], [p for _, p in decided]):.3f}"
        f"   (coverage {len(decided) / len(examples):.1%})"
    )
    print(f"  cascade, no LLM                        {macro_f1(gold, cascaded):.3f}")
    by_category: dict[str, list[bool]] = {}
    for e, p in zip(examples, forced, strict=True):
        if e.category:
            by_category.setdefault(e.category, []).append(p)
    if len(by_category) > 2:
        shown = ", ".join(f"{c} {sum(v) / len(v):.0%}" for c, v in sorted(by_category.items()))
        print(f"  flagged harmful by category (forced): {shown}")


def quality(data: Path) -> None:
    if not data.is_dir():
        print(f"quality: skipped, no data at {data}")
        return
    scanner = keyword_baseline(data)
    compare("COLD test", load_examples(data / "cold/COLDataset/test.csv", "cold"), scanner)
    bench = data / "chineseharm-bench/benchmark/bench.json"
    compare("ChineseHarm-Bench", load_examples(bench, "chineseharm"), scanner)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", action="store_true", help="Speed only.")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    ok = speed()
    if not args.speed:
        quality(args.data)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
