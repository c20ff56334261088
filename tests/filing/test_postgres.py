"""The package built from a run stored in PostgreSQL, verified against it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from filing_project import assess, make_project

from hegui.filing import build_package, gather, verify_package

pytestmark = pytest.mark.postgres
DSN = "host=127.0.0.1 dbname=test user=postgres"


@pytest.fixture
def schema() -> Iterator[str]:
    import psycopg

    name = f"hegui_filing_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"create schema {name}")
    except psycopg.OperationalError:
        pytest.fail("PostgreSQL at 127.0.0.1:5432 (database test) is required")
    yield name
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f"drop schema {name} cascade")


def test_build_and_verify_from_postgresql(schema: str, tmp_path: Path) -> None:
    store = f"postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    config = make_project(tmp_path / "project", store=store)
    run_id = assess(config)
    result = build_package(gather(config, run_id=run_id), tmp_path / "pkg", pdf="no")
    assert result.preflight.ok, result.preflight.gaps
    assert result.manifest.sources.run is not None
    assert result.manifest.sources.run.run_id == run_id
    verified = verify_package(result.folder, config)
    assert verified.ok and verified.evidence_checked, verified.problems
