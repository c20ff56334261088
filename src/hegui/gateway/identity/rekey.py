"""Re-encrypt and re-hash every stored personal value with the current gateway key.

After a key rotation (new ``identity.key_env``, old keys in ``identity.previous_key_envs``), the
stored values still name the old keys. :func:`rekey` moves them to the current key: users'
name, ID and mobile number (ciphertexts and lookup hashes), complaint contacts and retained
conversation content. Each batch is one transaction and rows already on the current key are
skipped, so an interrupted run is simply run again. When it reports nothing left, remove the old
keys from the configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, select, update

from hegui.gateway import tables as t
from hegui.gateway.identity.crypto import FieldCipher

_BATCH = 500


@dataclass(frozen=True, slots=True)
class RekeyResult:
    """Rows moved to the current key, per table."""

    users: int
    complaints: int
    content: int

    @property
    def total(self) -> int:
        return self.users + self.complaints + self.content


def _user_values(row: Any, cipher: FieldCipher) -> dict[str, str]:
    """New ciphertexts (and lookup hashes) of a user's fields that are on an earlier key."""
    values: dict[str, str] = {}
    for column, part, lookup in (
        ("name_enc", "name", None),
        ("id_enc", "id", "id_hash"),
        ("phone_enc", "phone", "phone_hash"),
    ):
        token = getattr(row, column)
        if not token or not cipher.needs_rekey(token):
            continue
        context = f"gw_users/{row.id}/{part}"
        plain = cipher.decrypt(token, context=context)
        values[column] = cipher.encrypt(plain, context=context)
        if lookup is not None:
            values[lookup] = cipher.lookup_hash(part, plain)
    return values


def _field_values(column: str, context: str) -> Callable[[Any, FieldCipher], dict[str, str]]:
    """New ciphertext of one encrypted ``column`` (``context`` formatted with the row)."""

    def values(row: Any, cipher: FieldCipher) -> dict[str, str]:
        token = getattr(row, column)
        if not token or not cipher.needs_rekey(token):
            return {}
        where = context.format(row=row)
        return {column: cipher.encrypt(cipher.decrypt(token, context=where), context=where)}

    return values


def _rekey_table(
    engine: Engine,
    table: Table,
    key: str,
    new_values: Callable[[Any, FieldCipher], dict[str, str]],
    cipher: FieldCipher,
) -> int:
    """Apply ``new_values`` to every row of ``table``, batch by batch in ``key`` order, one
    transaction per batch; the number of rows changed."""
    changed, after = 0, ""
    key_column = table.c[key]
    while True:
        with engine.begin() as conn:
            rows = conn.execute(
                select(table).where(key_column > after).order_by(key_column).limit(_BATCH)
            ).all()
            for row in rows:
                values = new_values(row, cipher)
                if values:
                    conn.execute(
                        update(table).where(key_column == getattr(row, key)).values(**values)
                    )
                    changed += 1
        if len(rows) < _BATCH:
            return changed
        after = getattr(rows[-1], key)


def rekey(engine: Engine, cipher: FieldCipher) -> RekeyResult:
    """Move every stored personal value to ``cipher``'s current key (see the module doc).

    Raises :class:`~hegui.gateway.identity.crypto.DecryptionError` naming the unknown key when a
    value was encrypted with a key that is neither current nor listed as previous; the rows of
    earlier batches stay moved, and a second run continues.
    """
    return RekeyResult(
        users=_rekey_table(engine, t.users, "id", _user_values, cipher),
        complaints=_rekey_table(
            engine,
            t.complaints,
            "id",
            _field_values("contact_enc", "gw_complaints/{row.id}/contact"),
            cipher,
        ),
        content=_rekey_table(
            engine,
            t.content,
            "request_id",
            _field_values("data", "gw_content/{row.request_id}"),
            cipher,
        ),
    )
