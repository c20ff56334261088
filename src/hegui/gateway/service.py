"""The gateway at run time: chains, upstreams, stores, event writer, labels and metrics, built
once from the configuration and shared by every request."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text

from hegui.errors import ConfigError
from hegui.gateway.chain import Chain
from hegui.gateway.complaints import ComplaintStore
from hegui.gateway.config import GatewaySettings
from hegui.gateway.counters import open_counters
from hegui.gateway.db import open_gateway_engine
from hegui.gateway.identity.crypto import FieldCipher
from hegui.gateway.identity.records import Principal
from hegui.gateway.identity.users import UserStore, key_digest
from hegui.gateway.labels import Labeler
from hegui.gateway.metrics import Metrics
from hegui.gateway.records import ChainDecision
from hegui.gateway.scanners import build_scanners
from hegui.gateway.scanners.llm import LlmScanner
from hegui.gateway.upstream import UpstreamPool
from hegui.gateway.window import WindowPolicy
from hegui.gateway.writer import EventWriter

log = logging.getLogger("hegui.gateway")

_CACHE_MAX = 100_000


@dataclass(frozen=True, slots=True)
class Policy:
    """The chains and window of one kind of user (adults, or minors with the stricter policy)."""

    input: Chain
    output: Chain
    window: WindowPolicy
    escalate_flags: bool
    canned_answer: str | None


class Gateway:
    """The shared state of a running gateway (see the module docstring)."""

    def __init__(self, settings: GatewaySettings) -> None:
        config = settings.config
        self.config = config
        self.settings = settings
        env = os.environ if settings.environ is None else settings.environ
        self.metrics = Metrics()
        hook = self.metrics.outcome
        base = settings.base_dir
        inputs = build_scanners(config.input.scanners, base, where="gateway.input.scanners")
        outputs = build_scanners(config.output.scanners, base, where="gateway.output.scanners")
        minors = config.identity.minors
        more_in = build_scanners(
            minors.input_scanners, base, where="gateway.identity.minors.input_scanners"
        )
        more_out = build_scanners(
            minors.output_scanners, base, where="gateway.identity.minors.output_scanners"
        )
        self._scanners = [*inputs, *outputs, *more_in, *more_out]
        adult_in = Chain("input", inputs, on_outcome=hook)
        adult_out = Chain("output", outputs, on_outcome=hook)
        self.adults = Policy(adult_in, adult_out, self._window(adult_out), False, None)
        minor_out = adult_out.extended(more_out)
        self.minors = Policy(
            adult_in.extended(more_in),
            minor_out,
            self._window(minor_out),
            minors.escalate_flags,
            minors.canned_answer,
        )
        self.zone = config.server.zone()
        self.pool = UpstreamPool(config.upstreams, env)
        self.cipher: FieldCipher | None = None
        if env.get(config.identity.key_env, "").strip():
            self.cipher = FieldCipher.from_env(
                config.identity.key_env, env, config.identity.previous_key_envs
            )
        elif config.log.retain_content:
            raise ConfigError(
                f"log.retain_content stores texts encrypted and needs the gateway key in "
                f"{config.identity.key_env}",
                field="gateway.log.retain_content",
            )
        self.engine = open_gateway_engine(settings.store_url)
        self.users = UserStore(self.engine)
        self.complaints = ComplaintStore(
            self.engine, feedback_days=config.complaints.feedback_days, cipher=self.cipher
        )
        self.chain_id = config.log.chain_id or socket.gethostname()[:64] or "gateway"
        self.writer = EventWriter(
            self.engine,
            self.chain_id,
            batch_size=config.log.batch_size,
            flush_interval_s=config.log.flush_interval_ms / 1000,
            max_queue=config.log.max_queue,
        )
        self.labeler = Labeler(config.labels)
        self.counters = open_counters(config.counters)
        self._principals: dict[str, tuple[float, Principal | None]] = {}
        self._lookups: dict[str, asyncio.Future[Principal | None]] = {}
        self._forgotten = 0  # bumped by forget(): a lookup started before is not cached
        self._db_checked: tuple[float, bool] = (0.0, False)
        self.started = False

    def _window(self, chain: Chain) -> WindowPolicy:
        stream = self.config.output.stream
        hold = stream.holdback_chars if stream.holdback_chars is not None else chain.lookahead
        return WindowPolicy(
            window_chars=stream.window_chars,
            min_chars=stream.min_chars,
            holdback_chars=hold,
            context_chars=stream.context_chars,
            sentence_ends=stream.sentence_ends,
        )

    async def start(self) -> None:
        """Warm up the inline scanners, open upstream pools and start the event writer."""
        for policy in (self.adults, self.minors):
            policy.input.warm_up()
            policy.output.warm_up()
        self.pool.start()
        await self.writer.start()
        self.started = True

    async def aclose(self) -> None:
        """Write queued events and close every connection."""
        self.started = False
        await self.writer.aclose()
        await self.pool.aclose()
        await self.counters.aclose()
        for scanner in self._scanners:
            if isinstance(scanner, LlmScanner):
                await scanner.aclose()
        self.engine.dispose()

    # -- time ----------------------------------------------------------------------------------

    def local_now(self) -> datetime:
        """Now in the configured time zone."""
        return datetime.now(self.zone)

    def today(self) -> date:
        """Today's date in the configured time zone."""
        return self.local_now().date()

    # -- principals ----------------------------------------------------------------------------

    async def principal(self, secret: str) -> Principal | None:
        """The user behind an API key, cached for ``identity.cache_ttl_s`` (unknown keys too,
        so a flood of bad keys does not reach the database). Requests that miss the cache for
        the same key at the same time share one lookup: when an entry expires under load, a
        hundred waiting requests must not become a hundred queries."""
        digest = key_digest(secret)
        cached = self._principals.get(digest)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        lookup = self._lookups.get(digest)
        if lookup is None or lookup.get_loop() is not asyncio.get_running_loop():
            started = self._look_up(digest, secret, self._forgotten)
            lookup = self._lookups[digest] = asyncio.ensure_future(started)
        return await asyncio.shield(lookup)  # one waiter cancelled must not cancel the others

    async def _look_up(self, digest: str, secret: str, forgotten: int) -> Principal | None:
        try:
            found = await asyncio.to_thread(self.users.principal, secret)
        finally:
            self._lookups.pop(digest, None)
        if forgotten == self._forgotten:
            if len(self._principals) >= _CACHE_MAX:
                self._principals.clear()
            self._principals[digest] = (time.monotonic() + self.config.identity.cache_ttl_s, found)
        return found

    def forget(self, user_id: str) -> None:
        """Drop a user's cached principals (after an enforcement change)."""
        self._forgotten += 1
        for digest, (_, principal) in list(self._principals.items()):
            if principal is not None and principal.user_id == user_id:
                del self._principals[digest]

    def policy(self, minor: bool) -> Policy:
        """The chains for a user."""
        return self.minors if minor else self.adults

    def canned(self, decision: ChainDecision, policy: Policy) -> str:
        """The canned answer for a decision."""
        if policy.canned_answer is not None:
            return policy.canned_answer
        return self.config.canned_answer(decision.risk)

    async def database_ok(self) -> bool:
        """Whether the database answers (checked at most every 5 seconds)."""
        now = time.monotonic()
        if now - self._db_checked[0] < 5.0:
            return self._db_checked[1]

        def ping() -> bool:
            try:
                with self.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return True
            except Exception:  # any failure means not ready
                return False

        ok = await asyncio.to_thread(ping)
        self._db_checked = (now, ok)
        return ok
