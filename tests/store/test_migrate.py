"""Creating and upgrading tables in place (hegui.store.migrate), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, inspect, text

from hegui.errors import StoreError
from hegui.store import open_engine
from hegui.store.migrate import ensure_schema
from tests.pg import new_schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.db'}"
        return
    with new_schema("hegui_mig") as pg:
        yield pg


def tables(*, note: bool, index: bool) -> tuple[MetaData, Table]:
    metadata = MetaData()
    meta = Table("m_meta", metadata, Column("key", String(64), primary_key=True),
                 Column("value", Text, nullable=False))  # fmt: skip
    columns = [Column("id", Integer, primary_key=True), Column("name", String(32))]
    if note:
        columns.append(Column("note", Text))
    things = Table("m_things", metadata, *columns)
    if index:
        Index("ix_m_things_name", things.c.name)
    return metadata, meta


def add_note(conn: object) -> None:
    conn.execute(text("ALTER TABLE m_things ADD COLUMN note TEXT"))  # type: ignore[attr-defined]


def version(engine: object, meta: Table) -> str:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return str(conn.execute(meta.select()).one().value)


def test_create_upgrade_and_refuse_newer(url: str) -> None:
    engine = open_engine(url)
    try:
        v1, meta = tables(note=False, index=False)
        ensure_schema(engine, v1, meta, 1, what="the test tables")
        assert version(engine, meta) == "1"
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO m_things (id, name) VALUES (1, 'a')"))
        # version 2 adds a column (a migration step) and an index (no step needed)
        v2, meta = tables(note=True, index=True)
        ensure_schema(engine, v2, meta, 2, what="the test tables", migrations={2: add_note})
        assert version(engine, meta) == "2"
        inspector = inspect(engine)
        assert "note" in {c["name"] for c in inspector.get_columns("m_things")}
        assert "ix_m_things_name" in {i["name"] for i in inspector.get_indexes("m_things")}
        with engine.connect() as conn:  # the row survived
            assert conn.execute(text("SELECT name FROM m_things")).scalar_one() == "a"
        # opening again is a no-op; an older hegui refuses the newer schema
        ensure_schema(engine, v2, meta, 2, what="the test tables", migrations={2: add_note})
        with pytest.raises(StoreError, match=r"the test tables .* version 2, newer .* upgrade"):
            ensure_schema(engine, v1, meta, 1, what="the test tables")
        with pytest.raises(ValueError, match="no migration to schema version 3"):
            ensure_schema(engine, v2, meta, 3, what="the test tables", migrations={2: add_note})
    finally:
        engine.dispose()


def test_a_failed_step_leaves_the_old_version(url: str) -> None:
    engine = open_engine(url)
    try:
        v1, meta = tables(note=False, index=False)
        ensure_schema(engine, v1, meta, 1, what="the test tables")

        def broken(conn: object) -> None:
            conn.execute(text("ALTER TABLE no_such_table ADD COLUMN x TEXT"))  # type: ignore[attr-defined]

        with pytest.raises(StoreError, match="cannot open the test tables"):
            ensure_schema(engine, v1, meta, 2, what="the test tables", migrations={2: broken})
        assert version(engine, meta) == "1"
    finally:
        engine.dispose()
