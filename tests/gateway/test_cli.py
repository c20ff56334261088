"""The operator commands: hegui gateway / users / log / complaints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from hegui.cli.complaints import app as complaints_app
from hegui.cli.gateway import app as gateway_app
from hegui.cli.gateway import log_app, users_app
from hegui.gateway import tables as t
from hegui.gateway.db import open_gateway_engine
from tests.gateway.harness import ADULT_ID, KEY, PRODUCER, resident_id

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEGUI_GATEWAY_KEY", KEY)
    config = tmp_path / "hegui.yaml"
    config.write_text(
        "store: sqlite:///gw.db\n"
        "gateway:\n"
        "  upstreams: [{base_url: 'http://127.0.0.1:9/v1'}]\n"
        f"  labels: {{producer: {PRODUCER}}}\n"
        "  input: {scanners: [{type: keyword, terms: [网络赌博], risk: A.1.8}]}\n",
        encoding="utf-8",
    )
    return config


def ok(app: object, *args: str) -> str:
    result = runner.invoke(app, list(args))  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return result.output


def test_users_lifecycle(project: Path) -> None:
    c = ["-c", str(project)]
    out = ok(users_app, "add", "kate", *c)
    assert "API key (shown once): hg-" in out
    user_id = out.split()[1]
    listed = json.loads(ok(users_app, "list", "--json", *c))
    assert listed[0]["handle"] == "kate" and not listed[0]["verified"]
    bad = runner.invoke(
        users_app,
        [
            "verify",
            "kate",
            "--name",
            "李四",
            "--id-number",
            "530102192005080119",
            "--mobile",
            "13800138000",
            *c,
        ],
    )
    assert bad.exit_code == 1 and "not valid" in bad.output
    minor = resident_id("20150101")
    ok(
        users_app,
        "verify",
        "kate",
        "--name",
        "李四",
        "--id-number",
        minor,
        "--mobile",
        "13800138000",
        *c,
    )
    shown = ok(users_app, "show", "kate", "--reveal", *c)
    assert minor in shown and '"verified": true' in shown and "verify" in shown
    assert user_id in ok(users_app, "find", "--id-number", minor, *c)
    assert "no user" in ok(users_app, "find", "--id-number", ADULT_ID, *c)
    assert "suspended" in ok(users_app, "suspend", "kate", "-r", "manual review", *c)
    assert "active" in ok(users_app, "reinstate", "kate", "-r", "cleared", *c)
    key_out = ok(users_app, "key", "create", "kate", "--label", "second", *c)
    key_id = key_out.split()[1].rstrip(":")
    ok(users_app, "key", "revoke", key_id, "-r", "rotated", *c)
    assert "revoked" in ok(users_app, "show", "kate", *c)
    # every operator action is on the event log, and the log verifies
    assert "ok:" in ok(log_app, "verify", *c)
    events = [json.loads(line) for line in ok(log_app, "show", "--limit", "50", *c).splitlines()]
    actions = {e["action"] for e in events}
    assert {"user_created", "verification_failed", "verified", "suspend", "reinstate"} <= actions
    assert all(minor not in json.dumps(e, ensure_ascii=False) for e in events)


def test_key_rotation_with_rekey(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c = ["-c", str(project)]
    ok(users_app, "add", "liu", *c)
    claim = ["--name", "刘五", "--id-number", ADULT_ID, "--mobile", "13800138000"]
    ok(users_app, "verify", "liu", *claim, *c)
    # rotate: a new key in HEGUI_GATEWAY_KEY, the old one named as previous
    monkeypatch.setenv("OLD_GATEWAY_KEY", KEY)
    monkeypatch.setenv("HEGUI_GATEWAY_KEY", "ab" * 32)
    text = project.read_text(encoding="utf-8")
    rotating = "gateway:\n  identity: {previous_key_envs: [OLD_GATEWAY_KEY]}\n"
    project.write_text(text.replace("gateway:\n", rotating), encoding="utf-8")
    assert ADULT_ID in ok(users_app, "show", "liu", "--reveal", *c)
    assert "1 users" in ok(users_app, "rekey", *c)
    assert "0 users" in ok(users_app, "rekey", *c)
    project.write_text(text, encoding="utf-8")  # the old key retired
    assert ADULT_ID in ok(users_app, "show", "liu", "--reveal", *c)
    assert "rekeyed" in ok(log_app, "show", "--limit", "5", *c)


def test_log_verify_fails_on_tampering(project: Path) -> None:
    c = ["-c", str(project)]
    ok(users_app, "add", "leo", *c)
    ok(users_app, "suspend", "leo", "-r", "x", *c)
    engine = open_gateway_engine(f"sqlite:///{project.parent / 'gw.db'}")
    with engine.begin() as conn:
        conn.execute(update(t.events).where(t.events.c.seq == 1).values(action="edited"))
    engine.dispose()
    result = runner.invoke(log_app, ["verify", *c])
    assert result.exit_code == 1 and "BROKEN at 1" in result.output


def test_purge_refuses_short_retention(project: Path) -> None:
    result = runner.invoke(
        log_app, ["purge", "--retention-days", "30", "--yes", "-c", str(project)]
    )
    assert result.exit_code == 2 and "180" in result.output
    assert "purged 0 events" in ok(log_app, "purge", "--yes", "-c", str(project))


def test_complaints_commands(project: Path) -> None:
    c = ["-c", str(project)]
    out = ok(
        complaints_app,
        "add",
        "--category",
        "personal_information",
        "--description",
        "请删除我的记录",
        "--contact",
        "138-0000-0000",
        *c,
    )
    cid = out.split()[1].rstrip(";")
    assert cid in ok(complaints_app, "list", "--open", *c)
    assert "138-0000-0000" in ok(complaints_app, "show", cid, "--contact", *c)
    assert "answered" in ok(complaints_app, "answer", cid, "-m", "已删除", *c)
    [case] = json.loads(ok(complaints_app, "list", "--json", *c))
    assert case["complaint"]["response"] == "已删除" and case["channel"] == "other"
    assert case["outcome_sent_at"] is None  # the feedback is recorded, not yet marked as sent
    assert "outcome sent" in ok(complaints_app, "answer", cid, "--via", "phone", *c)
    no_step = runner.invoke(complaints_app, ["answer", cid, *c])
    assert no_step.exit_code == 2 and "--via" in no_step.output


def test_gateway_check_and_keygen(project: Path) -> None:
    out = ok(gateway_app, "check", "-c", str(project))
    assert "input      keyword[" in out and "ok" in out
    assert len(ok(gateway_app, "keygen").strip()) == 64
    bad = project.parent / "bad.yaml"
    bad.write_text("gateway: {upstreams: []}\n", encoding="utf-8")
    result = runner.invoke(gateway_app, ["check", "-c", str(bad)])
    assert result.exit_code == 2 and "gateway.upstreams" in result.output


def test_gateway_check_pings_the_counters_redis(project: Path) -> None:
    assert "counters   in memory, per instance" in ok(gateway_app, "check", "-c", str(project))
    text = project.read_text(encoding="utf-8")
    project.write_text(
        text.replace("gateway:\n", "gateway:\n  counters: redis://127.0.0.1:1/0\n"),
        encoding="utf-8",
    )
    result = runner.invoke(gateway_app, ["check", "-c", str(project)])
    assert result.exit_code == 2 and "cannot reach the counters' Redis" in result.output
