from __future__ import annotations

import pytest

from hegui.store import RunStore


@pytest.fixture
def sqlite_store(tmp_path):
    s = RunStore(f"sqlite:///{tmp_path}/hegui.db")
    yield s
    s.close()
