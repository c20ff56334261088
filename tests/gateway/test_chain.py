"""Scanner chains: strongest action wins, inline block stops early, concurrent scanners are
cancelled on a block, failures and timeouts apply on_error (fail closed by default)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from typing import Literal

import pytest

from hegui.gateway import Action, Chain, Redaction, ScanResult
from hegui.gateway.records import ALLOWED, ChainDecision, apply_redactions


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
        self.batches: list[list[str]] = []
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

    def check_many(self, texts: Sequence[str]) -> list[ScanResult]:
        self.calls += len(texts)
        self.batches.append(list(texts))
        if isinstance(self.result, Exception):
            raise self.result
        return [self.result] * len(texts)


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


# -- batching of the inline scanners --------------------------------------------------------------


class Picky(Fake):
    """Blocks the texts containing ``bad``; raises on texts containing ``boom``."""

    def check_many(self, texts: Sequence[str]) -> list[ScanResult]:
        self.batches.append(list(texts))
        if any("boom" in t for t in texts):
            raise RuntimeError("cannot read that")
        return [ScanResult(Action.BLOCK, risk="A.1.1") if "bad" in t else ALLOWED for t in texts]


async def _together(chain: Chain, texts: list[str]) -> list[ChainDecision]:
    return list(await asyncio.gather(*(chain.run(t) for t in texts)))


def test_an_idle_chain_checks_at_once_and_a_busy_one_in_batches() -> None:
    first, second = Picky("kw", ALLOWED), Fake("clf", ScanResult(Action.FLAG, risk="A.2.1"))
    chain = Chain("input", [first, second])
    texts = ["ok 1", "bad 2", "ok 3", "bad 4", "ok 5"]

    async def rounds() -> list[ChainDecision]:
        await chain.run("alone")  # idle: at once
        await _together(chain, ["a", "b", "c"])  # the first at once, then a batch
        return await _together(chain, texts)  # idle again (quiet turns since): 1, then a batch

    decisions = asyncio.run(rounds())
    assert first.batches == [["alone"], ["a"], ["b", "c"], texts[:1], texts[1:]]
    assert second.batches[-1] == ["ok 3", "ok 5"]  # a block stops the chain per text
    assert [d.action for d in decisions] == [
        Action.FLAG,
        Action.BLOCK,
        Action.FLAG,
        Action.BLOCK,
        Action.FLAG,
    ]
    assert [o.scanner for o in decisions[1].outcomes] == ["kw"]
    assert all(o.elapsed_ms >= 0 for d in decisions for o in d.outcomes)


def _at_once(chain: Chain, text: str) -> bool:
    """Whether ``chain.run(text)`` finishes without waiting for a turn of the loop (call it in
    a running loop; a text left waiting is checked with its batch and then dropped)."""
    run = chain.run(text)
    try:
        run.send(None)
    except StopIteration:
        return True
    run.close()
    return False


def test_a_busy_chain_stays_busy_while_turns_are_busy_and_idles_after_a_quiet_one() -> None:
    fake = Fake("kw", ALLOWED)
    chain = Chain("output", [fake])

    async def turns() -> list[bool]:
        seen = [_at_once(chain, "1"), _at_once(chain, "2")]  # a busy turn: 1 at once, 2 waits
        await asyncio.sleep(0)
        seen.append(_at_once(chain, "3"))  # the next turn: the chain is busy, 3 waits
        seen.append(_at_once(chain, "4"))
        await asyncio.sleep(0)
        seen.append(_at_once(chain, "5"))  # still busy (the last turn saw two)
        await asyncio.sleep(0)  # a turn with one text: idle after it
        await asyncio.sleep(0)
        seen.append(_at_once(chain, "6"))
        return seen

    assert asyncio.run(turns()) == [True, False, False, False, False, True]
    assert fake.batches == [["1"], ["2"], ["3", "4"], ["5"], ["6"]]


def test_a_failure_in_a_batch_falls_on_the_failing_text_only() -> None:
    picky = Picky("kw", ALLOWED)
    chain = Chain("output", [picky])
    decisions = asyncio.run(_together(chain, ["fine", "boom here", "bad", "also fine"]))
    assert [d.action for d in decisions] == [
        Action.ALLOW,
        Action.BLOCK,
        Action.BLOCK,
        Action.ALLOW,
    ]
    assert [d.outcomes[0].status for d in decisions] == ["ok", "error", "ok", "ok"]
    assert len(picky.batches) == 5  # the batch, then each text alone


def test_a_cancelled_request_leaves_the_batch_working() -> None:
    fake = Fake("kw", ALLOWED)
    chain = Chain("input", [fake])

    async def go() -> list[ChainDecision]:
        stay = [asyncio.create_task(chain.run("text 0"))]  # the first of a turn: at once
        gone = asyncio.create_task(chain.run("client went away"))
        stay += [asyncio.create_task(chain.run(f"text {i}")) for i in (1, 2)]
        await asyncio.sleep(0)  # the others are waiting for the batch
        gone.cancel()
        return list(await asyncio.gather(*stay))

    decisions = asyncio.run(go())
    assert [d.action for d in decisions] == [Action.ALLOW] * 3
    assert fake.batches == [["text 0"], ["text 1", "text 2"]]


def test_a_chain_outlives_an_event_loop_closed_mid_batch() -> None:
    fake = Fake("kw", ALLOWED)
    chain = Chain("input", [fake])

    loop = asyncio.new_event_loop()
    waiting: list[asyncio.Task[ChainDecision]] = []

    async def start() -> None:
        waiting.append(loop.create_task(chain.run("first")))  # at once
        waiting.append(loop.create_task(chain.run("never checked")))  # waits for a batch

    loop.run_until_complete(start())  # the task has asked; the loop stops before the batch runs
    loop.close()
    assert fake.batches == [["first"]]
    assert asyncio.run(chain.run("next")).action is Action.ALLOW
    assert fake.batches[-1] == ["next"]
    waiting.clear()  # the abandoned task goes now, while its "destroyed pending" log is captured
    gc.collect()


def test_large_batches_are_split() -> None:
    fake = Fake("kw", ALLOWED)
    chain = Chain("input", [fake])
    texts = ["字" * 60_000 for _ in range(7)]
    asyncio.run(_together(chain, texts))
    # the first at once, then 200,000 characters a call at most
    assert [len(b) for b in fake.batches] == [1, 3, 3]


def test_an_inline_scanner_without_check_many_is_refused() -> None:
    class Old:
        name, version, inline, lookahead, on_error, timeout_s = "old", "1", True, 0, "block", 1.0

        async def scan(self, text: str) -> ScanResult:
            return ALLOWED

    with pytest.raises(TypeError, match="check_many"):
        Chain("input", [Old()])  # type: ignore[list-item]


def test_warm_up_checks_each_inline_scanner_once_and_only_reports_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Warm-up runs the inline scanners on a sample text outside the request path: no outcome
    reaches the hook (no metrics), a concurrent scanner is not called, and a scanner that raises
    is logged, not raised."""
    seen: list[object] = []
    good = Fake("good", ALLOWED)
    bad = Fake("bad", RuntimeError("model file unreadable"))
    slow = Fake("slow", ALLOWED, inline=False)
    chain = Chain("input", [good, bad, slow], on_outcome=lambda stage, o: seen.append(o))
    with caplog.at_level("WARNING", logger="hegui.gateway.chain"):
        chain.warm_up()
    assert [len(b) for b in good.batches] == [1] and [len(b) for b in bad.batches] == [1]
    assert slow.calls == 0 and seen == []
    assert "'bad' failed its warm-up check (RuntimeError)" in caplog.text
    assert "model file unreadable" not in caplog.text  # messages may quote texts: type only
