"""Prometheus metrics of one gateway (its own registry, so several apps can share a process)."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from hegui.gateway.records import ScannerOutcome, Stage

_FAST = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
_SLOW = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    """Counters and histograms; ``render()`` gives the text exposition format."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "hegui_gateway_requests", "Requests answered", ["endpoint", "status"], registry=r
        )
        self.decisions = Counter(
            "hegui_gateway_decisions", "Chain decisions", ["stage", "action"], registry=r
        )
        self.scanner_seconds = Histogram(
            "hegui_gateway_scanner_seconds",
            "Time per scanner run",
            ["stage", "scanner"],
            buckets=_FAST,
            registry=r,
        )
        self.scanner_failures = Counter(
            "hegui_gateway_scanner_failures",
            "Scanner errors and timeouts (each applied its on_error action)",
            ["stage", "scanner", "status"],
            registry=r,
        )
        self.overhead_seconds = Histogram(
            "hegui_gateway_overhead_seconds",
            "Time a request spent in the gateway itself (total minus waiting for the upstream)",
            ["endpoint"],
            buckets=_FAST,
            registry=r,
        )
        self.upstream_seconds = Histogram(
            "hegui_gateway_upstream_seconds",
            "Upstream time to a complete answer or to the start of a stream",
            ["upstream"],
            buckets=_SLOW,
            registry=r,
        )
        self.upstream_errors = Counter(
            "hegui_gateway_upstream_errors", "Upstream failures answered", ["code"], registry=r
        )
        self.stream_blocks = Counter(
            "hegui_gateway_stream_blocks", "Streams ended by the output chain", registry=r
        )
        self.first_release_seconds = Histogram(
            "hegui_gateway_first_release_seconds",
            "Time from the upstream's first text to the first text released to the client",
            buckets=_SLOW,
            registry=r,
        )
        self.enforcement = Counter(
            "hegui_gateway_enforcement", "Enforcement actions", ["level"], registry=r
        )
        self.events_queued = Gauge(
            "hegui_gateway_event_queue", "Events waiting to be written", registry=r
        )
        self.events_written = Gauge(
            "hegui_gateway_events_written", "Events written since start", registry=r
        )

        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}

    def child(self, metric: Any, *labels: str) -> Any:
        """``metric.labels(*labels)``, cached: prometheus_client takes a lock and builds a key
        on every ``labels()`` call, and the request path makes about ten of them."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*labels)
        return found

    def outcome(self, stage: Stage, outcome: ScannerOutcome) -> None:
        """Record one scanner outcome (the chain's hook)."""
        if outcome.status == "cancelled":
            return
        self.child(self.scanner_seconds, stage, outcome.scanner).observe(outcome.elapsed_ms / 1000)
        if outcome.status != "ok":
            self.child(self.scanner_failures, stage, outcome.scanner, outcome.status).inc()

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
