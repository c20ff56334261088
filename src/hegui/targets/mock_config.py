"""Configuration of the mock OpenAI-compatible server: answers, latency and injected failures."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hegui.errors import ConfigError

FAULT_KINDS = ("ok", "429", "500", "hang", "truncate", "non_json", "disconnect", "content_filter")
"""What the mock can do to one request.

``429`` (with ``Retry-After``), ``500``, ``hang`` (sleep ``hang_s``, far past any sane timeout),
``truncate`` (close the connection mid-body, or mid-stream), ``non_json`` (an HTML page with
status 200), ``disconnect`` (close without answering), ``content_filter`` (empty text with
``finish_reason: content_filter``); ``ok`` answers normally (useful in scripts).
"""

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def conversation_hash(messages: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 of a conversation, equal to :meth:`hegui.records.BankItem.content_hash`."""
    turns = [[m.get("role"), m.get("content")] for m in messages]
    return hashlib.sha256(json.dumps(turns, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class MockAnswer:
    """A scripted answer, with faults for the first requests of that prompt and a delay."""

    answer: str
    faults: tuple[str, ...] = ()
    """Fault kinds for this prompt's 1st, 2nd, … request; later requests answer normally."""
    delay_s: float | None = None
    """Replaces the server-wide latency for this prompt."""


def _check_faults(kinds: Sequence[str], what: str) -> None:
    bad = [k for k in kinds if k not in FAULT_KINDS]
    if bad:
        raise ConfigError(f"unknown fault kind(s) {bad}; use {', '.join(FAULT_KINDS)}", field=what)


@dataclass(frozen=True)
class MockConfig:
    """How the mock server behaves. All behaviour is deterministic for a given config.

    Answers are looked up by the conversation hash, then by the last user turn's text; otherwise
    ``default_answer`` is formatted with ``{prompt}`` (the last user turn). A request's fault is
    decided, in order, by ``script`` (the server's n-th request overall), by the matched answer's
    ``faults`` (that prompt's n-th request), then by ``fail_rate`` (a hash of seed, prompt and
    the prompt's request number, so it does not depend on the order requests arrive in).
    """

    latency_s: float = 0.0
    answers: Mapping[str, MockAnswer] = field(default_factory=dict)
    default_answer: str = "Mock answer to: {prompt}"
    fail_rate: float = 0.0
    fail_kinds: tuple[str, ...] = ("429", "500")
    seed: int = 0
    script: tuple[str, ...] = ()
    retry_after_s: float | None = 1.0
    """Sent as ``Retry-After`` with 429 answers; ``None`` sends no header."""
    hang_s: float = 3600.0
    api_key: str | None = None
    """When set, requests without ``Authorization: Bearer <api_key>`` get 401."""
    models: tuple[str, ...] = ()
    """When set, other model names get 404 (like vLLM); empty accepts any model."""
    max_prompt_chars: int | None = None
    """When set, longer conversations get 400 (like a context-length error)."""
    keep_bodies: int = 10_000
    """How many recent request bodies to keep for tests to inspect."""
    chunk_chars: int = 4
    """Characters per streamed delta."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.fail_rate <= 1.0:
            raise ConfigError(f"{self.fail_rate} is not in [0, 1]", field="fail_rate")
        if self.latency_s < 0 or self.hang_s < 0:
            raise ConfigError("latency and hang time must be >= 0", field="latency_s")
        if self.chunk_chars < 1:
            raise ConfigError("must be >= 1", field="chunk_chars")
        try:
            self.default_answer.format(prompt="")
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(
                f"only {{prompt}} may be used ({exc!r})", field="default_answer"
            ) from None
        _check_faults(self.fail_kinds, "fail_kinds")
        _check_faults(self.script, "script")
        if self.fail_rate and not self.fail_kinds:
            raise ConfigError("a fail_rate needs at least one fault kind", field="fail_kinds")
        for answer in self.answers.values():
            _check_faults(answer.faults, "answers.faults")

    def fault_for(self, request_no: int, key: str, prompt_no: int, entry: MockAnswer | None) -> str:
        """The fault for the server's ``request_no``-th request, its prompt's ``prompt_no``-th."""
        if request_no <= len(self.script):
            return self.script[request_no - 1]
        if entry is not None and prompt_no <= len(entry.faults):
            return entry.faults[prompt_no - 1]
        if self.fail_rate > 0.0:
            digest = hashlib.sha256(f"{self.seed}:{key}:{prompt_no}".encode()).digest()
            draw = int.from_bytes(digest[:8], "big") / 2.0**64
            if draw < self.fail_rate:
                return self.fail_kinds[int.from_bytes(digest[8:12], "big") % len(self.fail_kinds)]
        return "ok"


def load_answers(path: str | Path) -> dict[str, MockAnswer]:
    """Read scripted answers from JSONL: ``{"prompt" | "prompt_sha256": …, "answer": …}``.

    Optional per line: ``"faults": ["429", "500"]`` and ``"delay_s": 0.5``. Errors name the
    file and line.
    """
    answers: dict[str, MockAnswer] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the answers file: {exc}", source=str(path)) from None
    allowed = {"prompt", "prompt_sha256", "answer", "faults", "delay_s"}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        source = f"{path}, line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not valid JSON ({exc.msg})", source=source) from None
        if not isinstance(data, dict) or set(data) - allowed:
            raise ConfigError(f"expected an object with keys from {sorted(allowed)}", source=source)
        key = data.get("prompt_sha256", data.get("prompt"))
        if not isinstance(key, str) or ("prompt" in data) == ("prompt_sha256" in data):
            raise ConfigError("give exactly one of 'prompt' or 'prompt_sha256'", source=source)
        if "prompt_sha256" in data and not _SHA256.match(key):
            raise ConfigError("'prompt_sha256' must be 64 lowercase hex digits", source=source)
        answer, faults, delay = data.get("answer"), data.get("faults", []), data.get("delay_s")
        if not isinstance(answer, str):
            raise ConfigError("'answer' must be a string", source=source)
        if not isinstance(faults, list) or not all(isinstance(f, str) for f in faults):
            raise ConfigError("'faults' must be a list of fault kinds", source=source)
        _check_faults(faults, "faults")
        if delay is not None and (not isinstance(delay, int | float) or delay < 0):
            raise ConfigError("'delay_s' must be a number >= 0", source=source)
        answers[key] = MockAnswer(answer, tuple(faults), None if delay is None else float(delay))
    return answers
