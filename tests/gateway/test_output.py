"""Output moderation of complete answers: every choice checked, blocked ones replaced."""

from __future__ import annotations

import asyncio
from typing import Any

from hegui.gateway.chain import Chain
from hegui.gateway.output import FILTERED, moderate_completion
from hegui.gateway.records import ALLOWED, Action, DecisionTally
from tests.gateway.test_chain import Picky


def _answer(*texts: str) -> dict[str, Any]:
    return {
        "choices": [
            {"index": i, "message": {"role": "assistant", "content": t}, "finish_reason": "stop"}
            for i, t in enumerate(texts)
        ]
    }


def test_the_choices_of_an_n_answer_are_checked_together() -> None:
    picky = Picky("kw", ALLOWED)
    chain = Chain("output", [picky])
    data = _answer("fine one", "a bad one", "fine two")
    tally = DecisionTally("output")

    replaced = asyncio.run(
        moderate_completion(
            data, "chat", chain, tally, lambda d: f"refused ({d.risk})", lambda t: t + " [AI]"
        )
    )
    assert replaced
    assert picky.batches == [["fine one"], ["a bad one", "fine two"]]  # one batch, not three
    first, bad, second = data["choices"]
    assert first["message"]["content"] == "fine one [AI]"
    assert second["message"]["content"] == "fine two [AI]"
    assert bad["message"] == {"role": "assistant", "content": "refused (A.1.1)"}
    assert bad["finish_reason"] == FILTERED
    assert (tally.checks, tally.action, tally.risk) == (3, Action.BLOCK, "A.1.1")


def test_a_single_choice_is_checked_at_once() -> None:
    picky = Picky("kw", ALLOWED)
    chain = Chain("output", [picky])
    data = _answer("fine")
    tally = DecisionTally("output")
    assert not asyncio.run(
        moderate_completion(data, "chat", chain, tally, lambda d: "", lambda t: t)
    )
    assert picky.batches == [["fine"]] and tally.checks == 1
