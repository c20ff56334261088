"""The gateway's metrics: plain numbers on the request path, prometheus_client's format out."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hegui.gateway.metrics import Metrics
from hegui.gateway.records import Action, ScannerOutcome


def samples(metrics: Metrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    text = metrics.render().decode()
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_exposition_counts_and_cumulative_buckets() -> None:
    m = Metrics()
    for ms in (0.05, 0.3, 0.3, 40.0, 5000.0):
        m.outcome("input", ScannerOutcome("kw", "ok", Action.ALLOW, ms))
    m.outcome("input", ScannerOutcome("kw", "timeout", Action.BLOCK, 10.0))
    m.outcome("output", ScannerOutcome("llm", "cancelled", Action.ALLOW, 0.0))
    m.requests.labels("chat.completions", "200").inc()
    m.requests.labels("chat.completions", "200").inc()
    m.events_queued.set(7)
    got = samples(m)
    kw = {("scanner", "kw"), ("stage", "input")}

    def bucket(le: str) -> float:
        return got[("hegui_gateway_scanner_seconds_bucket", frozenset({*kw, ("le", le)}))]

    assert bucket("0.0001") == 1
    assert bucket("0.0005") == 3
    assert bucket("0.01") == 4  # 10 ms is at the bound: le is inclusive
    assert bucket("0.05") == 5
    assert bucket("+Inf") == 6
    assert got[("hegui_gateway_scanner_seconds_count", frozenset(kw))] == 6
    assert got[("hegui_gateway_scanner_seconds_sum", frozenset(kw))] == pytest.approx(5.05065)
    failures = frozenset({*kw, ("status", "timeout")})
    assert got[("hegui_gateway_scanner_failures_total", failures)] == 1
    assert not any(dict(labels).get("scanner") == "llm" for _, labels in got)  # cancelled
    endpoint = frozenset({("endpoint", "chat.completions"), ("status", "200")})
    assert got[("hegui_gateway_requests_total", endpoint)] == 2
    assert got[("hegui_gateway_event_queue", frozenset())] == 7
    assert got[("hegui_gateway_stream_blocks_total", frozenset())] == 0  # shown from the start


def test_wrong_label_count_is_an_error() -> None:
    with pytest.raises(ValueError, match="takes labels"):
        Metrics().requests.labels("chat.completions")
