"""LLM-as-judge over any OpenAI-compatible endpoint (``llm-judge``; the cascade's slow tier).

The HTTP part is :class:`~hegui.targets.OpenAITarget` (retries, timeouts, rate limits). The
prompts and strict parsers are in :mod:`hegui.judges.llm_templates`. Answers are cached by
content — endpoint identity, template, the messages sent and the vote number — in memory and,
when ``cache`` names a file, in a JSONL file, so re-judging a run never asks twice. With
``votes`` > 1 the judge asks that many times (vary ``temperature``/``seed`` so the votes
differ) and a label must win a strict majority of all votes, else the verdict is ``unscored``.

Configure it with a YAML/JSON file or mapping (``build_judge("llm-judge", llm=PATH)``, or the
``HEGUI_LLM_JUDGE`` environment variable)::

    base_url: http://localhost:8000/v1
    model: Qwen3Guard-Gen-4B
    api_key_env: null
    template: qwen3guard      # or: rubric
    policy: strict            # qwen3guard: Controversial counts as unsafe (strict) or safe (loose)
    task: harm                # or: refusal
    votes: 1
    cache: .hegui/llm-judge-cache.jsonl
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hegui.errors import HeguiError, JudgeError
from hegui.judges.llm_templates import (
    TEMPLATE_VERSION,
    LLMTask,
    Parsed,
    Policy,
    Template,
    guard_messages,
    parse_guard,
    parse_rubric,
    rubric_messages,
)
from hegui.records import UNSCORED, Attempt, Verdict
from hegui.targets import OpenAISpec, OpenAITarget
from hegui.targets.policy import RetryPolicy

LABELS = {"harm": ("harmful", "harmless"), "refusal": ("refuse", "comply", "partial")}


class LLMJudgeSpec(BaseModel):
    """How to reach and ask the judge model (see the module docstring for a file example)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str
    model: str = Field(min_length=1)
    api_key_env: str | None = None
    template: Template = "qwen3guard"
    policy: Policy = "strict"
    task: LLMTask = "harm"
    votes: int = Field(default=1, ge=1, le=9)
    temperature: float | None = Field(default=0.0, ge=0, le=2)
    seed: int | None = None
    """Sent as ``seed + vote`` so repeated votes can differ on servers that honour seeds."""
    max_tokens: int = Field(default=256, ge=1)
    timeout_s: float = Field(default=60.0, gt=0)
    max_attempts: int = Field(default=3, ge=1, le=10)
    concurrency: int = Field(default=4, ge=1, le=256)
    cache: str | None = None
    """JSONL file of raw judge answers keyed by content; relative to the spec file's folder."""
    name: str = "llm-judge"

    @field_validator("votes")
    @classmethod
    def _odd(cls, value: int) -> int:
        if value % 2 == 0:
            raise ValueError("votes must be odd (1, 3, 5 …) so that a majority exists")
        return value

    def endpoint(self) -> OpenAISpec:
        """The endpoint as a target specification (retries and timeout included)."""
        return OpenAISpec(
            base_url=self.base_url,
            model=self.model,
            api_key_env=self.api_key_env,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            timeout_s=self.timeout_s,
            retry=RetryPolicy(max_attempts=self.max_attempts),
            concurrency=self.concurrency,
        )

    def identity(self) -> str:
        """What makes two judges give the same answers: endpoint, model and how they are asked."""
        fields = [self.base_url, self.model, self.template, self.policy, self.task]
        fields += [str(self.temperature), str(self.seed), str(self.max_tokens), TEMPLATE_VERSION]
        return "|".join(fields)

    @classmethod
    def load(cls, source: str | Path | Mapping[str, Any]) -> LLMJudgeSpec:
        """From a mapping or a YAML/JSON file; errors name the file and the field."""
        where, base = "llm judge spec", None
        raw: Any = source
        if not isinstance(source, Mapping):
            path = Path(source)
            where, base = str(path), path.resolve().parent
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise JudgeError(f"cannot read LLM judge spec {path}: {exc.strerror}") from None
            except yaml.YAMLError as exc:
                raise JudgeError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(raw, Mapping):
            raise JudgeError(f"{where}: expected a mapping of settings")
        try:
            spec = cls.model_validate(dict(raw))
            spec.endpoint()
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise JudgeError(f"{where}, field {field!r}: {first['msg']}") from None
        if spec.cache and base is not None and not Path(spec.cache).is_absolute():
            spec = spec.model_copy(update={"cache": str(base / spec.cache)})
        return spec


class AnswerCache:
    """Raw judge answers by content key: in memory, and appended to a JSONL file if given."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        self._answers: dict[str, str] = {}
        if self.path is not None and self.path.exists():
            for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    entry = json.loads(line)
                    self._answers[str(entry["key"])] = str(entry["answer"])
                except (ValueError, KeyError, TypeError):
                    raise JudgeError(f"{self.path}, line {number}: not a cache entry") from None

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: str) -> str | None:
        return self._answers.get(key)

    def put(self, key: str, answer: str) -> None:
        self._answers[key] = answer
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"key": key, "answer": answer}, ensure_ascii=False) + "\n")


class LLMJudge:
    """Asks a judge model about each answer; ``unscored`` when it cannot be understood."""

    def __init__(self, spec: LLMJudgeSpec, *, risk_names: Mapping[str, str] | None = None):
        self.spec = spec
        self.name: str = spec.name
        self.labels: tuple[str, ...] = LABELS[spec.task]
        digest = hashlib.sha256(spec.identity().encode()).hexdigest()[:10]
        self.version: str = (
            f"1.0.0+{spec.template}{TEMPLATE_VERSION}-{spec.task}-{spec.policy}-v{spec.votes}"
            f"+{digest}"
        )
        self.cache = AnswerCache(spec.cache)
        self.asked = 0
        """Requests actually sent (cache misses), for tests and statistics."""
        self._risk_names = dict(risk_names or {})
        self._targets: dict[int, OpenAITarget] = {}
        self._endpoint = spec.endpoint()

    def messages(self, attempt: Attempt) -> list[dict[str, str]]:
        """The chat messages sent for one attempt."""
        response = attempt.response.text
        if self.spec.template == "qwen3guard":
            turns = [m for m in attempt.conversation if m.role != "system"]
            history = [{"role": m.role, "content": m.content} for m in turns[:-1]]
            return history + guard_messages(turns[-1].content, response)
        risk = attempt.item.risk
        name = self._risk_names.get(risk) if risk else None
        return rubric_messages(self.spec.task, attempt.item.question, response, risk, name)

    def parse(self, answer: str) -> Parsed | None:
        """One raw answer understood, or ``None``."""
        if self.spec.template == "qwen3guard":
            return parse_guard(answer, self.spec.task, self.spec.policy)
        return parse_rubric(answer, self.spec.task)

    async def judge(self, attempt: Attempt) -> Verdict:
        """Ask ``votes`` times and take the strict majority."""
        messages = self.messages(attempt)
        try:
            answers = await asyncio.gather(
                *(self._ask(messages, vote) for vote in range(self.spec.votes))
            )
        except HeguiError as exc:
            return self._verdict(UNSCORED, None, f"judge endpoint failed: {exc}", ())
        parsed = [self.parse(a) for a in answers]
        tally = Counter(p.label for p in parsed if p is not None)
        if not tally:
            return self._verdict(UNSCORED, None, "judge answer not understood", (answers[0][:200],))
        label, count = tally.most_common(1)[0]
        if 2 * count <= self.spec.votes:
            why = f"no majority among {self.spec.votes} votes: {dict(tally)}"
            return self._verdict(UNSCORED, None, why, ())
        winner = next(p for p in parsed if p is not None and p.label == label)
        evidence = (f"risk: {winner.risk}",) if winner.risk else ()
        votes = f" ({count}/{self.spec.votes} votes)" if self.spec.votes > 1 else ""
        why = f"{label}{votes}: {winner.reason}".strip()
        return self._verdict(label, count / self.spec.votes, why, evidence)

    def _verdict(
        self, label: str, score: float | None, why: str, evidence: tuple[str, ...]
    ) -> Verdict:
        return Verdict(
            label=label,
            score=score,
            judge=self.name,
            judge_version=self.version,
            rationale=why,
            evidence=evidence,
        )

    async def _ask(self, messages: list[dict[str, str]], vote: int) -> str:
        payload = json.dumps([self.spec.identity(), messages, vote], ensure_ascii=False)
        key = hashlib.sha256(payload.encode()).hexdigest()
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        body: dict[str, Any] = {"model": self.spec.model, "messages": messages}
        body.update(self._endpoint.generation_params())
        if self.spec.seed is not None:
            body["seed"] = self.spec.seed + vote
        # a guard model is sent the answer as the last (assistant) turn: posted as built here
        answer = await self._target().post(body, what=f"llm judge {self.spec.model}")
        self.asked += 1
        self.cache.put(key, answer.text)
        return answer.text

    def _target(self) -> OpenAITarget:
        # connections belong to one event loop: one target per loop the judge is used in
        loop = id(asyncio.get_running_loop())
        if loop not in self._targets:
            self._targets[loop] = OpenAITarget(self._endpoint)
        return self._targets[loop]

    async def aclose(self) -> None:
        """Close the connections opened in the running event loop."""
        target = self._targets.pop(id(asyncio.get_running_loop()), None)
        if target is not None:
            await target.aclose()
