"""Ctrl-C stops cleanly and says how to resume; PostgreSQL as the store; an unreachable target."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from hegui.targets.mock_process import MockServerProcess

from .test_kill_resume import answered, hegui, write_project


def test_ctrl_c_stops_cleanly_and_prints_the_resume_command(tmp_path: Path) -> None:
    with MockServerProcess(["--latency-ms", "200"]) as server:
        config = write_project(tmp_path, server.url)
        proc = subprocess.Popen(
            [sys.executable, "-m", "hegui", "assess", "--config", str(config), "--no-progress"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        db = tmp_path / "store" / "hegui.db"
        deadline = time.monotonic() + 60
        while answered(db) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "hegui assess --resume" in stderr
    assert "Traceback" not in stderr
    import sqlite3

    with sqlite3.connect(db) as conn:
        status = conn.execute("select status from runs").fetchone()[0]
        stored = conn.execute("select count(*) from attempts").fetchone()[0]
    assert status == "interrupted"
    assert stored >= 20


@pytest.mark.postgres
def test_assessment_into_postgresql(tmp_path: Path) -> None:
    import psycopg

    try:
        psycopg.connect("host=127.0.0.1 dbname=test user=postgres", connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.fail("PostgreSQL at 127.0.0.1:5432 (database test) is required")
    with MockServerProcess(["--latency-ms", "5"]) as server:
        config_path = write_project(tmp_path, server.url)
        config = json.loads(config_path.read_text(encoding="utf-8"))
        schema = f"hegui_{uuid.uuid4().hex[:8]}"
        with psycopg.connect("host=127.0.0.1 dbname=test user=postgres", autocommit=True) as c:
            c.execute(f"create schema {schema}")
        config["store"] = (
            f"postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
        )
        config_path.write_text(json.dumps(config), encoding="utf-8")
        result = hegui("assess", "--config", str(config_path), "--no-progress", cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
        listing = hegui("runs", "list", "--config", str(config_path), cwd=tmp_path)
        assert "complete" in listing.stdout
    with psycopg.connect("host=127.0.0.1 dbname=test user=postgres", autocommit=True) as c:
        count = c.execute(f"select count(*) from {schema}.attempts").fetchone()[0]
        c.execute(f"drop schema {schema} cascade")
    assert count == 240


def test_unreachable_target_stops_at_the_error_budget(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = write_project(tmp_path, f"http://127.0.0.1:{port}/v1")
    data = json.loads(config.read_text(encoding="utf-8"))
    data["target"]["retry"] = {"max_attempts": 1}
    config.write_text(json.dumps(data), encoding="utf-8")
    result = hegui("assess", "--config", str(config), "--no-progress", cwd=tmp_path)
    assert result.returncode == 1
    assert "error budget" in result.stderr
    assert "hegui assess --resume" in result.stderr
    assert "Traceback" not in result.stderr
