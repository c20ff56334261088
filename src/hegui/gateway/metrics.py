"""Prometheus metrics of one gateway (its own registry, so several apps can share a process).

The request path updates about ten series per request. prometheus_client's own metric classes
take a lock on every update (about 1 µs each on the benchmark machine, a few percent of the
gateway's time), so the series here are plain numbers, updated only from the event loop's
thread, and a collector turns them into prometheus_client's metric families when ``/metrics``
is scraped; the exposition format is prometheus_client's.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections.abc import Iterator, Sequence
from typing import Generic, TypeVar

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from hegui.gateway.records import ScannerOutcome, Stage

_FAST = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)
_SLOW = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class CounterValue:
    """One counter series."""

    __slots__ = ("created", "value")

    def __init__(self) -> None:
        self.value = 0.0
        self.created = time.time()

    def inc(self, amount: float = 1.0) -> None:
        self.value += amount


class HistogramValue:
    """One histogram series: a count per bucket (not cumulative; the last is +Inf) and the sum."""

    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)
        self.total = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.bounds, value)] += 1
        self.total += value


_S = TypeVar("_S", CounterValue, HistogramValue)


class _Family(Generic[_S]):
    """A metric and its series by label values."""

    def __init__(self, name: str, documentation: str, labels: Sequence[str]) -> None:
        self.name, self.documentation = name, documentation
        self.label_names = tuple(labels)
        self.series: dict[tuple[str, ...], _S] = {}
        if not self.label_names:
            self.labels()  # exposed from the start, at zero

    def labels(self, *values: str) -> _S:
        """The series for these label values (created at first use)."""
        found = self.series.get(values)
        if found is None:
            if len(values) != len(self.label_names):
                raise ValueError(f"{self.name} takes labels {self.label_names}, got {values}")
            found = self.series[values] = self._new()
        return found

    def _new(self) -> _S:
        raise NotImplementedError


class Counter(_Family[CounterValue]):
    """A counter (exposed as ``<name>_total``)."""

    def _new(self) -> CounterValue:
        return CounterValue()

    def inc(self, amount: float = 1.0) -> None:
        """Increment the counter (one without labels)."""
        self.labels().inc(amount)

    def collect(self) -> Metric:
        family = CounterMetricFamily(self.name, self.documentation, labels=self.label_names)
        for values, series in list(self.series.items()):
            family.add_metric(values, series.value, created=series.created)
        return family


class Histogram(_Family[HistogramValue]):
    """A histogram with fixed bucket bounds (seconds)."""

    def __init__(
        self, name: str, documentation: str, labels: Sequence[str], buckets: tuple[float, ...]
    ) -> None:
        self.buckets = buckets
        self._le = [*(repr(float(b)) for b in buckets), "+Inf"]  # as prometheus_client writes
        super().__init__(name, documentation, labels)

    def _new(self) -> HistogramValue:
        return HistogramValue(self.buckets)

    def observe(self, value: float) -> None:
        """Observe a value (a histogram without labels)."""
        self.labels().observe(value)

    def collect(self) -> Metric:
        family = HistogramMetricFamily(self.name, self.documentation, labels=self.label_names)
        for values, series in list(self.series.items()):
            cumulative = list(itertools.accumulate(series.counts))
            family.add_metric(values, list(zip(self._le, cumulative, strict=True)), series.total)
        return family


class Gauge:
    """A gauge without labels."""

    def __init__(self, name: str, documentation: str) -> None:
        self.name, self.documentation = name, documentation
        self.value = 0.0

    def set(self, value: float) -> None:
        self.value = float(value)

    def collect(self) -> Metric:
        return GaugeMetricFamily(self.name, self.documentation, value=self.value)


class _Collector(Collector):
    def __init__(self, metrics: list[Counter | Histogram | Gauge]) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        for metric in self.metrics:
            yield metric.collect()


class Metrics:
    """The gateway's metrics; ``render()`` gives the text exposition format. Update them only
    from the event loop's thread."""

    def __init__(self) -> None:
        self.requests = Counter(
            "hegui_gateway_requests", "Requests answered", ["endpoint", "status"]
        )
        self.decisions = Counter("hegui_gateway_decisions", "Chain decisions", ["stage", "action"])
        self.scanner_seconds = Histogram(
            "hegui_gateway_scanner_seconds", "Time per scanner run", ["stage", "scanner"], _FAST
        )
        self.scanner_failures = Counter(
            "hegui_gateway_scanner_failures",
            "Scanner errors and timeouts (each applied its on_error action)",
            ["stage", "scanner", "status"],
        )
        self.overhead_seconds = Histogram(
            "hegui_gateway_overhead_seconds",
            "Time a request spent in the gateway itself (total minus waiting for the upstream)",
            ["endpoint"],
            _FAST,
        )
        self.upstream_seconds = Histogram(
            "hegui_gateway_upstream_seconds",
            "Upstream time to a complete answer or to the start of a stream",
            ["upstream"],
            _SLOW,
        )
        self.upstream_errors = Counter(
            "hegui_gateway_upstream_errors", "Upstream failures answered", ["code"]
        )
        self.stream_blocks = Counter(
            "hegui_gateway_stream_blocks", "Streams ended by the output chain", []
        )
        self.first_release_seconds = Histogram(
            "hegui_gateway_first_release_seconds",
            "Time from the upstream's first text to the first text released to the client",
            [],
            _SLOW,
        )
        self.enforcement = Counter("hegui_gateway_enforcement", "Enforcement actions", ["level"])
        self.events_queued = Gauge("hegui_gateway_event_queue", "Events waiting to be written")
        self.events_written = Gauge("hegui_gateway_events_written", "Events written since start")
        self.registry = CollectorRegistry()
        self.registry.register(
            _Collector(
                [
                    self.requests,
                    self.decisions,
                    self.scanner_seconds,
                    self.scanner_failures,
                    self.overhead_seconds,
                    self.upstream_seconds,
                    self.upstream_errors,
                    self.stream_blocks,
                    self.first_release_seconds,
                    self.enforcement,
                    self.events_queued,
                    self.events_written,
                ]
            )
        )

    def outcome(self, stage: Stage, outcome: ScannerOutcome) -> None:
        """Record one scanner outcome (the chain's hook)."""
        if outcome.status == "cancelled":
            return
        self.scanner_seconds.labels(stage, outcome.scanner).observe(outcome.elapsed_ms / 1000)
        if outcome.status != "ok":
            self.scanner_failures.labels(stage, outcome.scanner, outcome.status).inc()

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)
