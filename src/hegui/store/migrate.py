"""Creating and upgrading a group of tables in place: one function for every store of hegui.

Each group (the run store, the gateway, incidents, the console) keeps its schema version in a
key/value table of its own. Opening a database:

1. creates the tables that are missing (``create_all`` never alters existing ones);
2. creates the indexes that are missing on existing tables (adding an index needs no version);
3. reads the group's version: none yet → this version is recorded; older → each migration step
   after it runs, in order, in one transaction with the new version (so a failed upgrade leaves
   the old schema); newer → :class:`~hegui.errors.StoreError` (a newer hegui wrote it).

A migration step is a function of the open connection, e.g. adding a column with
``conn.execute(text("ALTER TABLE runs ADD COLUMN note TEXT"))``; register it under the version
it produces and raise the group's version to match.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlalchemy import Connection, Engine, MetaData, Table, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from hegui.errors import StoreError

Migration = Callable[[Connection], None]


def ensure_schema(
    engine: Engine,
    metadata: MetaData,
    meta: Table,
    version: int,
    *,
    what: str,
    migrations: Mapping[int, Migration] | None = None,
) -> None:
    """Bring the tables of ``metadata`` in ``engine`` to ``version`` (see the module doc).

    ``meta`` is the group's key/value table (columns ``key`` and ``value``); ``what`` names the
    group in errors, e.g. ``"the gateway tables"``.
    """
    steps = dict(migrations or {})
    missing = [v for v in range(2, version + 1) if v not in steps]
    if missing:  # a programming error: caught by the tests of the group
        raise ValueError(f"{what}: no migration to schema version {missing[0]}")
    try:
        metadata.create_all(engine)
        for table in metadata.sorted_tables:
            for index in table.indexes:
                index.create(engine, checkfirst=True)
        with engine.begin() as conn:
            found = conn.execute(
                select(meta.c.value).where(meta.c.key == "schema_version")
            ).scalar_one_or_none()
            if found is None:
                conn.execute(insert(meta).values(key="schema_version", value=str(version)))
                return
            stored = int(found)
            if stored > version:
                raise StoreError(
                    f"{what} at {engine.url.render_as_string(hide_password=True)} have schema "
                    f"version {stored}, newer than this hegui ({version}); upgrade hegui"
                )
            for step in range(stored + 1, version + 1):
                steps[step](conn)
            if stored < version:
                conn.execute(
                    update(meta).where(meta.c.key == "schema_version").values(value=str(version))
                )
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open {what}: {type(exc).__name__}: {exc}") from exc
