from __future__ import annotations

import pytest

from hegui.store import RunStore

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pg_available() -> bool:
    try:
        import psycopg

        psycopg.connect(
            "host=127.0.0.1 port=5432 dbname=test user=postgres", connect_timeout=2
        ).close()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    if request.param == "sqlite":
        s = RunStore(f"sqlite:///{tmp_path}/hegui.db")
    else:
        if not pg_available():
            pytest.fail("PostgreSQL at 127.0.0.1:5432 (database test) is required for this test")
        s = RunStore(PG_URL)
    yield s
    s.close()


@pytest.fixture
def sqlite_store(tmp_path):
    s = RunStore(f"sqlite:///{tmp_path}/hegui.db")
    yield s
    s.close()
