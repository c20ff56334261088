"""Per-request state, and the event that records it when the request ends.

State lives in one object per request (never per process), and the event names decisions,
scanners, risk codes and sizes only: no prompt or answer text unless content retention is on,
and then the text goes encrypted to its own table.
"""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from hegui.gateway.db import now_utc
from hegui.gateway.enforcement import Level, ViolationOutcome
from hegui.gateway.eventlog import Event, ts_us
from hegui.gateway.identity.records import Principal
from hegui.gateway.records import Action, ChainDecision, DecisionTally
from hegui.targets.openai_wire import dumps

if TYPE_CHECKING:
    from hegui.gateway.service import Gateway

# Request ids need uniqueness, not secrecy: a generator seeded once from os.urandom avoids a
# system call per request (it was 20 µs on the project VM).
_ids = random.Random()
os.register_at_fork(after_in_child=_ids.seed)  # forked workers must not repeat ids


@dataclass(slots=True)
class RequestContext:
    """One request's state."""

    endpoint: str
    request_id: str = field(default_factory=lambda: f"{_ids.getrandbits(128):032x}")
    """128 random bits as hex: the conversation reference and the label's ProduceID."""
    started: float = field(default_factory=time.perf_counter)
    principal: Principal | None = None
    minor: bool = False
    model: str | None = None
    stream: bool = False
    status: int = 200
    error: str | None = None
    input: ChainDecision | None = None
    output: DecisionTally = field(default_factory=lambda: DecisionTally("output"))
    upstream: str | None = None
    upstream_s: float = 0.0
    violation: ViolationOutcome | None = None
    released_chars: int | None = None
    client_gone: bool = False
    usage: dict[str, int] | None = None
    input_text: str | None = None
    output_text: list[str] = field(default_factory=list)

    def headers(self) -> dict[str, str]:
        """Headers every answer carries."""
        headers = {"X-Request-Id": self.request_id}
        if self.violation is not None and self.violation.level is not Level.NONE:
            headers["X-Hegui-Warning"] = self.violation.level.value
        return headers

    def action(self) -> str:
        """The request's overall outcome for the event: the strongest decision when one
        stopped the request, else ``refused``/``error`` for failures, else the decision."""
        best = self.input.action if self.input is not None else Action.ALLOW
        if self.output.action.rank > best.rank:
            best = self.output.action
        if best.stops:
            return best.value
        if self.error is not None and self.status >= 400:
            return "refused" if self.status in (401, 403, 429) else "error"
        return best.value

    def summary(self) -> dict[str, Any]:
        """The ``hegui`` field of answers: what the gateway did (no risk codes, which would
        help probing)."""
        data: dict[str, Any] = {"request_id": self.request_id}
        if self.input is not None:
            data["input"] = self.input.action.value
        data["output"] = self.output.action.value
        return data

    def event(self) -> Event:
        """The request's event."""
        detail: dict[str, Any] = {
            "endpoint": self.endpoint,
            "status": self.status,
            "ms": round((time.perf_counter() - self.started) * 1000, 3),
        }
        if self.model is not None:
            detail["model"] = self.model[:128]
            detail["stream"] = self.stream
        if self.error:
            detail["error"] = self.error
        if self.minor:
            detail["minor"] = True
        if self.input is not None:
            detail["input"] = self.input.summary()
        if self.output.checks:
            detail["output"] = self.output.summary()
        if self.upstream is not None:
            detail["upstream"] = self.upstream
            detail["upstream_ms"] = round(self.upstream_s * 1000, 3)
        if self.violation is not None:
            detail["violation"] = {
                "level": self.violation.level.value,
                "consecutive": self.violation.consecutive,
                "today": self.violation.day_count,
            }
        if self.released_chars is not None:
            detail["released_chars"] = self.released_chars
        if self.client_gone:
            detail["client_disconnected"] = True
        if self.usage:
            detail["usage"] = self.usage
        principal = self.principal
        # model_construct: every field here comes from the gateway itself (hex ids, database
        # ids, action names), so the per-field checks of Event are skipped on the request path.
        return Event.model_construct(
            kind="request",
            ts_us=ts_us(now_utc()),
            request_id=self.request_id,
            user_id=principal.user_id if principal else None,
            key_id=principal.key_id if principal else None,
            action=self.action(),
            detail=detail,
        )


def record(gw: Gateway, ctx: RequestContext) -> None:
    """Queue the request's event (and its encrypted content, when retention is on)."""
    event = ctx.event()
    content_row: dict[str, Any] | None = None
    config = gw.config.log
    if config.retain_content and gw.cipher is not None and ctx.input_text is not None:
        payload = dumps({"input": ctx.input_text, "output": "".join(ctx.output_text)}).decode()
        now = now_utc()
        content_row = {
            "request_id": ctx.request_id,
            "created_at": now,
            "expires_at": now + timedelta(days=config.content_ttl_days),
            "data": gw.cipher.encrypt(payload, context=f"gw_content/{ctx.request_id}"),
        }
        detail = dict(event.detail)
        detail["content_mac"] = gw.cipher.lookup_hash("content", payload)
        event = event.model_copy(update={"detail": detail})
    gw.writer.submit(event, content_row)
    gw.metrics.requests.labels(ctx.endpoint, str(ctx.status)).inc()
    if ctx.input is not None:
        gw.metrics.decisions.labels("input", ctx.input.action.value).inc()
    if ctx.output.checks:
        gw.metrics.decisions.labels("output", ctx.output.action.value).inc()
