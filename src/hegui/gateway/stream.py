"""Output moderation of a streamed answer: upstream events in, checked events out.

Each text channel of each choice (``content``, reasoning, ``refusal``; ``text`` for legacy
completions) goes through its own :class:`~hegui.gateway.window.StreamWindow`, so the client
only ever receives text the output chain has passed. Tool-call deltas are held until their
choice finishes and are checked whole. Logprobs are dropped from streamed chunks: they carry the
text of tokens not yet released. On a block the stream ends with the canned answer (or refusal
message) and ``finish_reason: content_filter`` on every choice, plus a ``hegui`` field saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hegui.gateway.chain import Chain
from hegui.gateway.output import FILTERED, TEXT_FIELDS, Kind, Replacement
from hegui.gateway.records import ChainDecision, DecisionTally
from hegui.gateway.window import StreamWindow, WindowPolicy

Event = dict[str, Any]


@dataclass(slots=True)
class _Choice:
    index: int
    windows: dict[str, StreamWindow] = field(default_factory=dict)
    tool_calls: list[Any] = field(default_factory=list)
    started: bool = False
    """Whether any model text of this choice was released (for the explicit label)."""
    done: bool = False


class StreamModerator:
    """Turns upstream stream events into moderated events (see the module docstring).

    Feed parsed events with :meth:`on_event`, call :meth:`finish` at the end of the stream.
    After a block, :attr:`blocked` is set and the returned events end the stream (the caller
    then sends ``[DONE]`` and drops the upstream connection).
    """

    def __init__(
        self,
        kind: Kind,
        chain: Chain,
        policy: WindowPolicy,
        tally: DecisionTally,
        replacement: Replacement,
        *,
        prefix: str = "",
        suffix: str = "",
        extra: Callable[[ChainDecision | None], dict[str, Any]] | None = None,
    ) -> None:
        self.kind: Kind = kind
        self.chain = chain
        self.policy = policy
        self.tally = tally
        self.replacement = replacement
        self.prefix, self.suffix = prefix, suffix
        self.extra = extra
        self.blocked: ChainDecision | None = None
        self._choices: dict[int, _Choice] = {}
        self._base: Event = {}

    @property
    def released_chars(self) -> int:
        """Model characters sent to the client so far."""
        return sum(w.released_chars for c in self._choices.values() for w in c.windows.values())

    async def on_event(self, event: Event) -> list[Event]:
        """Moderate one upstream event."""
        if self.blocked is not None:
            return []
        self._base = {k: v for k, v in event.items() if k not in ("choices", "usage")}
        choices = event.get("choices")
        if not isinstance(choices, list) or not choices:
            return [event]  # usage chunk, or an event without choices: nothing to moderate
        out: list[Event] = []
        for raw in choices:
            if not isinstance(raw, dict):
                continue
            index = raw.get("index", 0)
            state = self._choice(index if isinstance(index, int) else 0)
            if state.done:
                continue
            events = await self._on_choice(state, raw)
            if self.blocked is not None:
                return events
            out.extend(events)
        return out

    async def finish(self) -> list[Event]:
        """The stream ended: check and release what every unfinished choice holds."""
        out: list[Event] = []
        for state in list(self._choices.values()):
            if state.done or self.blocked is not None:
                continue
            events = await self._close(state, None)
            if self.blocked is not None:
                return events
            out.extend(events)
        return out

    # -- choices ------------------------------------------------------------------------------

    def _choice(self, index: int) -> _Choice:
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice(index)
        return state

    def _window(self, state: _Choice, channel: str) -> StreamWindow:
        window = state.windows.get(channel)
        if window is None:
            window = state.windows[channel] = StreamWindow(self.chain, self.policy, self.tally)
        return window

    async def _on_choice(self, state: _Choice, raw: dict[str, Any]) -> list[Event]:
        released: dict[str, str] = {}
        passthrough: dict[str, Any] = {}
        if self.kind == "chat":
            delta = raw.get("delta")
            delta = delta if isinstance(delta, dict) else {}
            if isinstance(delta.get("role"), str):
                passthrough["role"] = delta["role"]
            for channel in TEXT_FIELDS:
                value = delta.get(channel)
                if isinstance(value, str) and value:
                    step = await self._window(state, channel).feed(value)
                    if step.blocked is not None:
                        return self._block(step.blocked)
                    if step.released:
                        released[channel] = step.released
            calls = delta.get("tool_calls")
            if isinstance(calls, list):
                state.tool_calls.extend(calls)
            if isinstance(delta.get("function_call"), dict):
                state.tool_calls.append({"function_call": delta["function_call"]})
        else:
            value = raw.get("text")
            if isinstance(value, str) and value:
                step = await self._window(state, "text").feed(value)
                if step.blocked is not None:
                    return self._block(step.blocked)
                if step.released:
                    released["text"] = step.released
        out = []
        if released or passthrough:
            out.append(self._chunk(state, released, passthrough))
        finish = raw.get("finish_reason")
        if finish:
            closing = await self._close(state, str(finish))
            if self.blocked is not None:
                return closing
            out.extend(closing)
        return out

    async def _close(self, state: _Choice, finish: str | None) -> list[Event]:
        """Flush a choice's windows and held tool calls; end it with ``finish``."""
        released: dict[str, str] = {}
        for channel, window in state.windows.items():
            step = await window.finish()
            if step.blocked is not None:
                return self._block(step.blocked)
            if step.released:
                released[channel] = step.released
        out: list[Event] = []
        if released:
            out.append(self._chunk(state, released, {}))
        if state.tool_calls:
            decision = await self.chain.run(_tool_text(state.tool_calls)) if self.chain else None
            if decision is not None:
                self.tally.add(decision)
                if decision.action.stops:
                    return self._block(decision)
            out.extend(self._tool_chunks(state))
        state.done = True
        if finish is None:
            return out
        if self.suffix and state.started:
            key = "content" if self.kind == "chat" else "text"
            out.append(self._raw_chunk(state.index, {key: self.suffix}))
        out.append(self._raw_chunk(state.index, {}, finish))
        return out

    def _chunk(
        self, state: _Choice, released: dict[str, str], passthrough: dict[str, Any]
    ) -> Event:
        body: dict[str, Any] = dict(passthrough)
        key = "content" if self.kind == "chat" else "text"
        for channel, text in released.items():
            if channel == key and not state.started:
                state.started = True
                text = self.prefix + text
            body[channel] = text
        return self._raw_chunk(state.index, body)

    def _raw_chunk(self, index: int, body: dict[str, Any], finish: str | None = None) -> Event:
        if self.kind == "chat":
            choice: dict[str, Any] = {"index": index, "delta": body, "finish_reason": finish}
        else:
            choice = {"index": index, "text": body.get("text", ""), "finish_reason": finish}
        return {**self._base, "choices": [choice]}

    def _tool_chunks(self, state: _Choice) -> list[Event]:
        out = []
        for call in state.tool_calls:
            if isinstance(call, dict) and "function_call" in call and len(call) == 1:
                out.append(self._raw_chunk(state.index, {"function_call": call["function_call"]}))
            else:
                out.append(self._raw_chunk(state.index, {"tool_calls": [call]}))
        state.tool_calls.clear()
        return out

    def _block(self, decision: ChainDecision) -> list[Event]:
        """End every choice: the replacement text, then ``content_filter``."""
        self.blocked = decision
        text = self.replacement(decision)
        key = "content" if self.kind == "chat" else "text"
        out: list[Event] = []
        indexes = sorted(self._choices) or [0]
        for index in indexes:
            state = self._choice(index)
            lead = "\n\n" if state.started else ""
            out.append(self._raw_chunk(index, {key: lead + text}))
            final = self._raw_chunk(index, {}, FILTERED)
            if self.extra is not None:
                final.update(self.extra(decision))
            out.append(final)
            state.done = True
        return out


def _tool_text(calls: list[Any]) -> str:
    """The text of held tool-call deltas: names and arguments, joined."""
    parts: list[str] = []
    for call in calls:
        function = call.get("function") if isinstance(call, dict) else None
        if isinstance(call, dict) and "function_call" in call:
            function = call["function_call"]
        if isinstance(function, dict):
            for key in ("name", "arguments"):
                if isinstance(function.get(key), str):
                    parts.append(function[key])
    return "".join(parts)
