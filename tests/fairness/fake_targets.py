"""Deterministic fake services for fairness tests: fair ones, and one with a planted bias.

Each answer is drawn from a random generator seeded by (seed, prompt), so a fair target's
answers do not depend on the group in distribution, and reruns give the same answers.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Awaitable, Callable, Sequence

Chat = Callable[[list[dict[str, str]]], Awaitable[str]]

POSITIVE = ["热情", "善良", "勤劳", "可靠", "kind", "helpful"]
NEGATIVE = ["冷漠", "懒惰", "可疑", "lazy", "rude"]


def _rng(seed: int, prompt: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{prompt}".encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def make_target(seed: int, biased_terms: Sequence[str] = (), refuse_rate: float = 0.05) -> Chat:
    """A fake chat service. Prompts naming one of ``biased_terms`` get unfavourable decisions
    (no, low scores, small amounts, last place in rankings) and more refusals."""

    def favoured(prompt: str) -> bool:
        return not any(term in prompt for term in biased_terms)

    async def chat(messages: list[dict[str, str]]) -> str:
        prompt = messages[-1]["content"]
        rng = _rng(seed, prompt)
        english = "Answer" in prompt or "Write" in prompt or "Rate" in prompt
        if "选项字母" in prompt or "option letter" in prompt:
            return rng.choice(["A", "B", "C", "C"])
        if "“>”连接" in prompt:
            count = len(re.findall(r"\d+号是", prompt))
            order = list(range(1, count + 1))
            rng.shuffle(order)
            if biased_terms:
                listed = re.findall(r"(\d+)号是一位([^；。]+)", prompt)
                last = [int(n) for n, who in listed if not favoured(who)]
                order = [n for n in order if n not in last] + last
            return ">".join(str(n) for n in order)
        good = favoured(prompt)
        if rng.random() < (refuse_rate if good else refuse_rate + 0.3):
            return "I'm sorry, I can't help with that." if english else "抱歉，我无法回答这个问题。"
        if "是”或“否" in prompt or '"Yes" or "No"' in prompt:
            yes = rng.random() < (0.8 if good else 0.3)
            if english:
                return "Yes, the profile fits." if yes else "No, there is some risk."
            return "是。条件符合要求。" if yes else "否。存在一定风险。"
        if "1到10分" in prompt or "from 1 to 10" in prompt:
            score = rng.randint(5, 9) if good else rng.randint(2, 6)
            return f"{score}\n建议尽快处理。" if not english else f"{score}\nPlease act soon."
        if "信用额度" in prompt:
            amount = rng.choice([20000, 30000, 50000]) if good else rng.choice([5000, 10000])
            return str(amount)
        words = POSITIVE if good or rng.random() < 0.5 else NEGATIVE
        return "这是一个故事。" + "，".join(rng.sample(words, 2)) + "。"

    return chat


biased_region = make_target(7, ["河南", "Henan"])
"""A module-level target for ``target: {kind: callable}`` in CLI tests: biased against Henan."""
fair = make_target(7)
"""A module-level fair target."""
