"""Identity: protected fields, verifiers (local and HTTP), users and keys in the store."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import insert, select

from hegui.errors import ConfigError
from hegui.gateway import tables as t
from hegui.gateway.complaints import ComplaintIn, ComplaintStore
from hegui.gateway.config import VerifierConfig
from hegui.gateway.db import now_utc, open_gateway_engine
from hegui.gateway.identity import (
    DecryptionError,
    FieldCipher,
    HttpVerifier,
    IdentityClaim,
    LocalVerifier,
    UserError,
    UserStatus,
    UserStore,
    minor_until,
    parse_key,
)
from hegui.gateway.identity.rekey import rekey
from tests.gateway.harness import ADULT_ID, ENV, Loop, resident_id, unique

CIPHER = FieldCipher.from_env("HEGUI_GATEWAY_KEY", ENV)


def claim(id_number: str = ADULT_ID, mobile: str = "138 0013 8000") -> IdentityClaim:
    return IdentityClaim(name="张三", id_number=id_number, mobile=mobile)


def test_cipher_round_trip_is_bound_to_its_row_and_key() -> None:
    token = CIPHER.encrypt("53010219200508011X", context="gw_users/u_1/id")
    assert "5301" not in token and token.startswith(f"v1.{CIPHER.key_id}.")
    assert CIPHER.decrypt(token, context="gw_users/u_1/id") == "53010219200508011X"
    with pytest.raises(DecryptionError):
        CIPHER.decrypt(token, context="gw_users/u_2/id")
    other = FieldCipher(parse_key(FieldCipher.generate_key()))
    with pytest.raises(DecryptionError):
        other.decrypt(token, context="gw_users/u_1/id")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionError):
        CIPHER.decrypt(tampered, context="gw_users/u_1/id")


def test_lookup_hashes_are_keyed_and_per_kind() -> None:
    other = FieldCipher(parse_key(FieldCipher.generate_key()))
    assert CIPHER.lookup_hash("id", ADULT_ID) == CIPHER.lookup_hash("id", ADULT_ID)
    assert CIPHER.lookup_hash("id", ADULT_ID) != other.lookup_hash("id", ADULT_ID)
    assert CIPHER.lookup_hash("id", "1") != CIPHER.lookup_hash("phone", "1")


def test_keys_are_parsed_strictly() -> None:
    raw = bytes(range(32))
    import base64

    assert parse_key(raw.hex()) == raw
    assert parse_key(base64.b64encode(raw).decode()) == raw
    assert parse_key(base64.urlsafe_b64encode(raw).decode().rstrip("=")) == raw
    for bad in ("", "short", "00" * 16):
        with pytest.raises(ConfigError):
            parse_key(bad)
    with pytest.raises(ConfigError, match="HEGUI_GATEWAY_KEY"):
        FieldCipher.from_env("HEGUI_GATEWAY_KEY", {})


@pytest.mark.parametrize(
    ("id_number", "mobile", "ok", "problem"),
    [
        (ADULT_ID, "13800138000", True, None),
        (ADULT_ID.lower(), "+86 138-0013-8000", True, None),
        ("530102192005080119", "13800138000", False, "resident ID"),  # bad check character
        (resident_id("20991231"), "13800138000", False, "resident ID"),  # born in the future
        (resident_id("20230230"), "13800138000", False, "resident ID"),  # no such date
        ("530102200508011", "13800138000", False, "15-digit"),
        (ADULT_ID, "12800138000", False, "mobile"),
        (ADULT_ID, "1380013800", False, "mobile"),
    ],
)
def test_local_verifier(id_number: str, mobile: str, ok: bool, problem: str | None) -> None:
    result = asyncio.run(LocalVerifier().verify(claim(id_number, mobile)))
    assert result.verified is ok
    if ok:
        assert result.birth_date == date(1920, 5, 8)
    else:
        assert problem in result.reason
        assert id_number not in result.reason and mobile not in result.reason
    assert id_number not in repr(claim(id_number, mobile))


@pytest.fixture
def verification_service(loop: Loop) -> Iterator[tuple[str, list[dict[str, Any]], list[Any]]]:
    """A fake real-name service: answers the scripted replies in order."""
    seen: list[dict[str, Any]] = []
    replies: list[Any] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append(json.loads(await request.read()))
        status, body = replies.pop(0)
        return web.Response(status=status, text=body, content_type="application/json")

    app = web.Application()
    app.router.add_post("/verify", handler)
    runner = web.AppRunner(app)
    loop.run(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run(site.start())
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/verify", seen, replies
    loop.run(runner.cleanup())


def test_http_verifier_trusts_only_an_explicit_yes(
    loop: Loop, verification_service: tuple[str, list[dict[str, Any]], list[Any]]
) -> None:
    url, seen, replies = verification_service
    verifier = HttpVerifier(VerifierConfig(type="http", url=url, timeout_s=2))
    replies.extend(
        [
            (200, json.dumps({"verified": True, "reference": "tx-1"})),
            (200, json.dumps({"verified": False, "reason": "name does not match"})),
            (500, "{}"),
            (200, "not json"),
            (200, json.dumps({"verified": "yes"})),
        ]
    )
    results = [loop.run(verifier.verify(claim())) for _ in range(5)]
    assert [r.verified for r in results] == [True, False, False, False, False]
    assert results[0].reference == "tx-1" and results[0].birth_date == date(1920, 5, 8)
    assert seen[0] == {"name": "张三", "id_number": ADULT_ID, "mobile": "13800138000"}
    bad = loop.run(verifier.verify(claim(mobile="1")))
    assert not bad.verified and len(seen) == 5  # malformed claims never leave the gateway


def test_minor_until() -> None:
    assert minor_until(date(2010, 6, 1), 18) == date(2028, 6, 1)
    assert minor_until(date(2008, 2, 29), 18) == date(2026, 3, 1)


def test_users_keep_no_plain_numbers(store_url: str) -> None:
    engine = open_gateway_engine(store_url)
    users = UserStore(engine)
    try:
        user = users.create_user(unique("frank"))
        with pytest.raises(UserError, match="taken"):
            users.create_user(user.handle)
        result = asyncio.run(LocalVerifier().verify(claim()))
        users.record_verification(user.id, claim(), result, CIPHER, adult_age=18, actor="t")
        with engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.id == user.id)).one()
        stored = " ".join(str(v) for v in row)
        assert "0508011X" not in stored and "13800138000" not in stored and "张三" not in stored
        assert user.id in [u.id for u in users.find_by_id_number(CIPHER, ADULT_ID.lower())]
        assert user.id in [u.id for u in users.find_by_mobile(CIPHER, "+8613800138000")]
        assert users.reveal(user.id, CIPHER) == {
            "name": "张三",
            "id_number": ADULT_ID,
            "mobile": "13800138000",
        }
        key = users.create_key(user.id, label="app")
        principal = users.principal(key.secret)
        assert principal is not None and principal.verified and principal.minor_until is None
        assert users.principal(key.secret + "x") is None
        # the same person cannot verify a second account while the first is suspended
        users.suspend(user.id, reason="test", actor="t")
        second = users.create_user(unique("frank2"))
        with pytest.raises(UserError, match="suspended"):
            users.record_verification(second.id, claim(), result, CIPHER, adult_age=18, actor="t")
        assert users.user(user.id).status is UserStatus.SUSPENDED
    finally:
        engine.dispose()


def test_key_rotation_keeps_values_readable_and_rekey_moves_them(private_store_url: str) -> None:
    old_master, new_master = (parse_key(FieldCipher.generate_key()) for _ in range(2))
    old = FieldCipher(old_master)
    engine = open_gateway_engine(private_store_url)
    users = UserStore(engine)
    try:
        user = users.create_user(unique("rot"))
        result = asyncio.run(LocalVerifier().verify(claim()))
        users.record_verification(user.id, claim(), result, old, adult_age=18, actor="t")
        complaint = ComplaintStore(engine, feedback_days=15, cipher=old).add(
            ComplaintIn(category="other", description="x", contact="电话13800138000"),
            user_id=user.id,
        )
        with engine.begin() as conn:
            conn.execute(
                insert(t.content).values(
                    request_id="req-1",
                    created_at=now_utc(),
                    expires_at=now_utc(),
                    data=old.encrypt('{"input": "你好"}', context="gw_content/req-1"),
                )
            )
        # the new key alone cannot read the old values; with the old key as previous it can
        with pytest.raises(DecryptionError, match="previous_key_envs"):
            users.reveal(user.id, FieldCipher(new_master))
        rotated = FieldCipher(new_master, [old_master])
        assert rotated.key_ids == (FieldCipher(new_master).key_id, old.key_id)
        assert users.reveal(user.id, rotated)["id_number"] == ADULT_ID
        assert [u.id for u in users.find_by_id_number(rotated, ADULT_ID)] == [user.id]

        moved = rekey(engine, rotated)
        assert (moved.users, moved.complaints, moved.content) == (1, 1, 1)
        assert rekey(engine, rotated).total == 0  # idempotent
        fresh = FieldCipher(new_master)  # the old key can now be retired
        assert users.reveal(user.id, fresh) == {
            "name": "张三",
            "id_number": ADULT_ID,
            "mobile": "13800138000",
        }
        assert [u.id for u in users.find_by_mobile(fresh, "13800138000")] == [user.id]
        assert ComplaintStore(engine, feedback_days=15, cipher=fresh).contact(complaint.id)
        with engine.connect() as conn:
            data = conn.execute(select(t.content.c.data)).scalar_one()
        assert fresh.decrypt(data, context="gw_content/req-1") == '{"input": "你好"}'
    finally:
        engine.dispose()


def test_previous_keys_must_be_set_in_the_environment() -> None:
    env = {"NEW": FieldCipher.generate_key()}
    with pytest.raises(ConfigError, match=r"OLD.*rekey"):
        FieldCipher.from_env("NEW", env, ["OLD"])
    env["OLD"] = FieldCipher.generate_key()
    assert len(FieldCipher.from_env("NEW", env, ["OLD"]).key_ids) == 2


def test_concurrent_misses_share_one_principal_lookup(sqlite_url: str) -> None:
    """An expired cache entry under load costs one query, not one per waiting request; and a
    lookup that was under way when the user changed (forget) is not cached."""
    from hegui.gateway import GatewaySettings, parse_gateway_config
    from hegui.gateway.service import Gateway
    from tests.gateway.harness import DATA, gateway_config, verified_user

    user_id, key = verified_user(sqlite_url, unique("herd"))
    config = parse_gateway_config(
        gateway_config("http://127.0.0.1:9", identity={"cache_ttl_s": 60})
    )
    gw = Gateway(GatewaySettings(config, store_url=sqlite_url, base_dir=DATA, environ=ENV))
    calls: list[str] = []
    lookup = gw.users.principal

    def counted(secret: str) -> Any:
        calls.append(secret)
        return lookup(secret)

    gw.users.principal = counted  # type: ignore[method-assign]

    async def many(n: int) -> list[Any]:
        return await asyncio.gather(*(gw.principal(key) for _ in range(n)))

    try:
        found = asyncio.run(many(50))
        assert len(calls) == 1
        assert {p.user_id for p in found} == {user_id}
        asyncio.run(many(5))
        assert len(calls) == 1  # cached

        async def forgotten_while_looking() -> None:
            gw._principals.clear()
            waiting = asyncio.ensure_future(gw.principal(key))
            await asyncio.sleep(0)
            gw.forget(user_id)
            assert (await waiting).user_id == user_id

        asyncio.run(forgotten_while_looking())
        assert len(calls) == 2 and not gw._principals
    finally:
        gw.engine.dispose()
