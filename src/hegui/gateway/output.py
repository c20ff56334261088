"""Output moderation of a complete (non-streamed) answer, choice by choice.

Every text the model produced is checked: the message content, reasoning, refusal, and the
arguments of tool calls (chat), or the text (legacy completions). A choice that is blocked gets
the refusal or canned answer with ``finish_reason: content_filter``; its tool calls and logprobs
are dropped. Redactions are written into the checked field.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal

from hegui.gateway.chain import Chain
from hegui.gateway.records import Action, ChainDecision, DecisionTally, apply_redactions

Kind = Literal["chat", "text"]
TEXT_FIELDS = ("content", "reasoning_content", "reasoning", "refusal")
"""Message fields that hold model text (beyond tool-call arguments)."""
FILTERED = "content_filter"

Replacement = Callable[[ChainDecision], str]
"""The text that replaces a blocked answer (refusal message or canned answer)."""


async def moderate_completion(
    data: dict[str, Any],
    kind: Kind,
    chain: Chain,
    tally: DecisionTally,
    replacement: Replacement,
    label: Callable[[str], str],
) -> bool:
    """Check every choice of ``data`` in place; return whether any choice was replaced.

    ``label`` adds the explicit label to a choice's final content.
    """
    found = data.get("choices")
    choices = [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []
    if len(choices) == 1:  # the usual case: no tasks, no extra turn of the loop
        verdicts = [await _check_choice(choices[0], kind, chain)]
    else:  # the choices of an n > 1 answer together (the chain batches their texts)
        verdicts = await asyncio.gather(*(_check_choice(c, kind, chain) for c in choices))
    replaced = False
    for choice, (decisions, blocked) in zip(choices, verdicts, strict=True):
        for decision in decisions:
            tally.add(decision)
        if blocked is not None:
            replaced = True
            text = replacement(blocked)
            if kind == "chat":
                choice["message"] = {"role": "assistant", "content": text}
            else:
                choice["text"] = text
            choice["finish_reason"] = FILTERED
            choice.pop("logprobs", None)
            continue
        _label_choice(choice, kind, label)
    return replaced


async def _check_choice(
    choice: dict[str, Any], kind: Kind, chain: Chain
) -> tuple[list[ChainDecision], ChainDecision | None]:
    """Check the choice's texts in turn; redact in place; return the decisions made and the
    blocking one, if any (the texts after it are not checked)."""
    decisions: list[ChainDecision] = []
    for holder, key in _slots(choice, kind):
        text = holder[key]
        decision = await chain.run(text)
        decisions.append(decision)
        if decision.action.stops:
            return decisions, decision
        if decision.action is Action.REDACT:
            holder[key] = apply_redactions(text, decision.redactions)
    return decisions, None


def _slots(choice: dict[str, Any], kind: Kind) -> list[tuple[dict[str, Any], str]]:
    """(holder, key) of every model text in a choice."""
    if kind == "text":
        return [(choice, "text")] if isinstance(choice.get("text"), str) else []
    message = choice.get("message")
    if not isinstance(message, dict):
        return []
    slots: list[tuple[dict[str, Any], str]] = []
    for key in TEXT_FIELDS:
        value = message.get(key)
        if isinstance(value, str) and value:
            slots.append((message, key))
        elif key == "content" and isinstance(value, list):
            slots.extend(
                (part, "text")
                for part in value
                if isinstance(part, dict) and isinstance(part.get("text"), str)
            )
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                slots.append((function, "arguments"))
    legacy = message.get("function_call")
    if isinstance(legacy, dict) and isinstance(legacy.get("arguments"), str):
        slots.append((legacy, "arguments"))
    return slots


def _label_choice(choice: dict[str, Any], kind: Kind, label: Callable[[str], str]) -> None:
    if kind == "text":
        if isinstance(choice.get("text"), str):
            choice["text"] = label(choice["text"])
        return
    message = choice.get("message")
    if isinstance(message, dict) and isinstance(message.get("content"), str) and message["content"]:
        message["content"] = label(message["content"])
