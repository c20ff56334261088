"""Scanner chains: strongest action wins, inline block stops early, concurrent scanners are
cancelled on a block, failures and timeouts apply on_error (fail closed by default)."""

from __future__ import annotations

import asyncio
from typing import Literal

import pytest

from hegui.gateway import Action, Chain, Redaction, ScanResult
from hegui.gateway.records import apply_redactions


class Fake:
    """A scanner test double: returns ``result`` after ``delay`` seconds, or raises."""

    version = "1"
    lookahead = 0

    def __init__(
        self,
        name: str,
        result: ScanResult | Exception,
        *,
        inline: bool = True,
        delay: float = 0.0,
        on_error: Literal["block", "allow"] = "block",
        timeout_s: float = 1.0,
    ) -> None:
        self.name = name
        self.result = result
        self.inline = inline
        self.delay = delay
        self.on_error = on_error
        self.timeout_s = timeout_s
        self.calls = 0
        self.cancelled = False

    async def scan(self, text: str) -> ScanResult:
        self.calls += 1
        if self.delay:
            try:
                await asyncio.sleep(self.delay)
            except asyncio.CancelledError:
                self.cancelled = True
                raise
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def run(chain: Chain, text: str = "text") -> object:
    return asyncio.run(chain.run(text))


def test_strongest_action_wins_and_carries_its_risk() -> None:
    chain = Chain(
        "input",
        [
            Fake("a", ScanResult(Action.FLAG, risk="A.2.1")),
            Fake("b", ScanResult(Action.REDACT, risk="A.4.6", redactions=(Redaction(0, 2, "**"),))),
        ],
    )
    decision = asyncio.run(chain.run("1234"))
    assert decision.action is Action.REDACT
    assert decision.risk == "A.4.6"
    assert decision.redactions == (Redaction(0, 2, "**"),)
    assert [o.status for o in decision.outcomes] == ["ok", "ok"]


def test_inline_block_stops_before_the_slow_scanners_start() -> None:
    slow = Fake("llm", ScanResult(Action.FLAG), inline=False, delay=0.5)
    later = Fake("late", ScanResult(Action.FLAG))
    chain = Chain("input", [Fake("kw", ScanResult(Action.BLOCK, risk="A.1.8")), later, slow])
    decision = asyncio.run(chain.run("x"))
    assert decision.action is Action.BLOCK
    assert slow.calls == 0 and later.calls == 0
    assert {o.scanner: o.status for o in decision.outcomes} == {"kw": "ok", "llm": "cancelled"}


def test_concurrent_block_cancels_the_others() -> None:
    fast = Fake("fast", ScanResult(Action.CANNED, risk="A.4.1"), inline=False, delay=0.01)
    slow = Fake("slow", ScanResult(Action.ALLOW), inline=False, delay=5.0, timeout_s=10)

    async def go() -> object:
        start = asyncio.get_running_loop().time()
        decision = await Chain("output", [fast, slow]).run("x")
        return decision, asyncio.get_running_loop().time() - start

    decision, elapsed = asyncio.run(go())  # type: ignore[misc]
    assert decision.action is Action.CANNED
    assert elapsed < 1.0
    assert slow.cancelled
    assert {o.scanner: o.status for o in decision.outcomes}["slow"] == "cancelled"


@pytest.mark.parametrize(
    ("on_error", "expected"), [("block", Action.BLOCK), ("allow", Action.ALLOW)]
)
def test_a_failing_scanner_applies_on_error(
    on_error: Literal["block", "allow"], expected: Action
) -> None:
    chain = Chain("input", [Fake("broken", RuntimeError("model file gone"), on_error=on_error)])
    decision = asyncio.run(chain.run("x"))
    assert decision.action is expected
    (outcome,) = decision.outcomes
    assert outcome.status == "error"
    assert outcome.error == "RuntimeError: model file gone"


def test_a_timeout_fails_closed_and_is_recorded() -> None:
    seen = []
    slow = Fake("guard", ScanResult(Action.ALLOW), inline=False, delay=2.0, timeout_s=0.05)
    chain = Chain("output", [slow], on_outcome=lambda stage, o: seen.append((stage, o.status)))
    decision = asyncio.run(chain.run("x"))
    assert decision.action is Action.BLOCK
    assert decision.errors[0].status == "timeout"
    assert seen == [("output", "timeout")]


def test_an_empty_chain_allows() -> None:
    assert asyncio.run(Chain("input", []).run("anything")).action is Action.ALLOW


def test_overlapping_redactions_merge() -> None:
    spans = [Redaction(2, 5, "[A]"), Redaction(4, 8, "[B]"), Redaction(10, 11, "#")]
    assert apply_redactions("0123456789ab", spans) == "01[A]89#b"


def test_failure_messages_never_quote_the_text() -> None:
    text = "用户输入的一段很长很长的私密内容，里面有电话号码"
    chain = Chain("input", [Fake("leaky", ValueError(f"cannot parse {text!r}"))])
    (outcome,) = asyncio.run(chain.run(text)).outcomes
    assert outcome.error is not None and text[:8] not in outcome.error
    assert outcome.error.startswith("ValueError: (message withheld")
