"""Gateway answers stopped by the output chain that no incident covers yet: found by risk code,
without input stops, passed answers, old events or requests an incident already references."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from hegui.cli import app
from hegui.gateway.db import now_utc, open_gateway_engine
from hegui.gateway.eventlog import Event, append_one, ts_us
from hegui.incidents import IncidentService
from hegui.incidents.candidates import gateway_candidates
from hegui.incidents.sources import from_gateway_event
from hegui.policy import load_pack
from tests.incidents.test_cli import gateway_project


def request(request_id: str, days_ago: float, action: str, **stages: dict[str, str]) -> Event:
    detail: dict[str, object] = {"endpoint": "chat.completions", "model": "qwen", **stages}
    return Event(
        kind="request",
        ts_us=ts_us(now_utc() - timedelta(days=days_ago)),
        request_id=request_id,
        action=action,
        detail=detail,
    )


def test_uncovered_output_stops_by_risk(store_url: str) -> None:
    engine = open_gateway_engine(store_url)
    service = IncidentService(store_url, load_pack())
    stops = [
        request("r1", 3, "block", output={"action": "block", "risk": "A.1.4"}),
        request("r2", 1, "canned", output={"action": "canned", "risk": "A.1.4"}),
        request("r3", 2, "block", output={"action": "block", "risk": "A.2.3"}),
        request("r4", 2, "block", input={"action": "block", "risk": "A.1.4"}),  # the user's
        request("r5", 2, "allow", output={"action": "allow"}),
        request("r6", 2, "flag", output={"action": "flag", "risk": "A.3.1"}),
        request("r7", 40, "block", output={"action": "block", "risk": "A.4.1"}),  # too old
        request("r8", 1, "block", output={"action": "block"}),  # no risk code named
    ]
    try:
        for event in stops:
            append_one(engine, "gw-c", event)
        since = now_utc() - timedelta(days=30)
        before = {g.risk: g for g in gateway_candidates(engine, service.engine, since=since)}
        assert set(before) == {"A.1.4", "A.2.3", None}
        a14 = before["A.1.4"]
        assert (a14.requests, a14.latest_request, a14.latest_event) == (2, "r2", "gw-c:2")
        assert a14.first_seen < a14.last_seen and a14.models == ("qwen",)
        # an incident opened from r3's event covers it
        service.open(from_gateway_event(engine, "gw-c:3"), actor="t")
        after = {g.risk: g for g in gateway_candidates(engine, service.engine, since=since)}
        assert set(after) == {"A.1.4", None}
        # newest group first
        assert [g.risk for g in gateway_candidates(engine, service.engine, since=since)] == [
            None,
            "A.1.4",
        ]
    finally:
        engine.dispose()
        service.dispose()


def test_the_candidates_command(tmp_path: Path) -> None:
    config, url = gateway_project(tmp_path)
    engine = open_gateway_engine(url)
    try:
        append_one(
            engine, "gw-c", request("r1", 1, "block", output={"action": "block", "risk": "A.1.4"})
        )
    finally:
        engine.dispose()
    runner = CliRunner()
    shown = runner.invoke(app, ["incident", "candidates", "--config", str(config)])
    assert shown.exit_code == 0, shown.output
    assert "A.1.4" in shown.output and "hegui incident open --event gw-c:1" in shown.output
    listed = runner.invoke(app, ["incident", "candidates", "--json", "--config", str(config)])
    assert listed.exit_code == 0 and '"latest_request": "r1"' in listed.output
    opened = runner.invoke(app, ["incident", "open", "--event", "gw-c:1", "--config", str(config)])
    assert opened.exit_code == 0, opened.output
    empty = runner.invoke(app, ["incident", "candidates", "--json", "--config", str(config)])
    assert empty.exit_code == 0 and empty.output.strip() == "[]"
