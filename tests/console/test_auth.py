"""Sign-in, sessions, cookies, secrets, language."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hegui.config import ProjectConfig
from hegui.console import create_app
from hegui.console.accounts import AccountStore, Role
from hegui.console.errors import ConsoleError
from hegui.console.i18n import choose, from_accept_language
from hegui.console.settings import ConsoleSettings
from hegui.errors import ConfigError
from tests.console.conftest import PASSWORD, cheap_accounts, csrf_of, sign_in


def test_sign_in_with_the_right_password_only(app: FastAPI) -> None:
    with TestClient(app) as client:
        token = csrf_of(client)
        wrong = client.post(
            "/login", data={"username": "admin", "password": "nope-nope-nope", "csrf": token}
        )
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
        unknown = client.post(
            "/login", data={"username": "ghost", "password": PASSWORD, "csrf": token}
        )
        assert unknown.status_code == 401
        assert client.get("/runs", follow_redirects=False).status_code == 303
        sign_in(client, "admin")
        assert client.get("/runs").status_code == 200
        audit = client.get("/audit").text
        assert "sign-in.failed" in audit and "ghost" in audit and "sign-in" in audit


def test_sign_in_needs_the_csrf_token(app: FastAPI) -> None:
    with TestClient(app) as client:
        client.get("/login")
        response = client.post("/login", data={"username": "admin", "password": PASSWORD})
        assert response.status_code == 403


def test_repeated_failures_lock_the_name(app: FastAPI) -> None:
    with TestClient(app) as client:
        token = csrf_of(client)
        for _ in range(5):
            client.post(
                "/login", data={"username": "reviewer2", "password": "x" * 12, "csrf": token}
            )
        locked = client.post(
            "/login", data={"username": "reviewer2", "password": PASSWORD, "csrf": token}
        )
        assert locked.status_code == 429


def test_next_never_leaves_the_site(app: FastAPI) -> None:
    with TestClient(app) as client:
        token = csrf_of(client)
        for target, expected in (
            ("//evil.example/x", "/runs"),
            ("https://evil.example", "/runs"),
            ("/library", "/library"),
        ):
            response = client.post(
                "/login",
                data={"username": "admin", "password": PASSWORD, "csrf": token, "next": target},
                follow_redirects=False,
            )
            assert response.headers["location"] == expected
            token = csrf_of(client, "/runs")
            client.post("/logout", data={"csrf": token})
            token = csrf_of(client)


def test_session_cookie_flags(project: ProjectConfig) -> None:
    accounts = cheap_accounts(project.store_url())
    accounts.create("admin", PASSWORD, Role.ADMIN)
    secret = "s" * 40
    app = create_app(ConsoleSettings(project=project, secret=secret), accounts=accounts)
    with TestClient(app, base_url="https://console.test") as client:
        response = client.get("/login")
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
        sign_in(client, "admin")
        assert client.get("/runs").status_code == 200
    dev = create_app(ConsoleSettings(project=project, dev=True), accounts=accounts)
    with TestClient(dev) as client:
        assert "secure" not in client.get("/login").headers["set-cookie"].lower()


def test_a_secret_is_required_outside_dev_mode(project: ProjectConfig) -> None:
    with pytest.raises(ConfigError, match="HEGUI_CONSOLE_SECRET"):
        create_app(ConsoleSettings(project=project))
    with pytest.raises(ConfigError, match="at least 32"):
        create_app(ConsoleSettings(project=project, secret="short"))


def test_a_disabled_user_is_signed_out_at_once(
    app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    reviewer = client_for("reviewer")
    assert reviewer.get("/runs", follow_redirects=False).status_code == 200
    admin = client_for("admin")
    token = csrf_of(admin, "/admin/users")
    admin.post("/admin/users/reviewer", data={"csrf": token, "disabled": "yes"})
    assert reviewer.get("/runs", follow_redirects=False).status_code == 303
    # a role change applies on the next request too
    admin.post("/admin/users/reviewer2", data={"csrf": token, "role": "auditor"})
    other = client_for("auditor")
    assert other.get("/audit").status_code == 200


def test_admins_add_users_with_validated_fields(client_for: Callable[[str], TestClient]) -> None:
    admin = client_for("admin")
    token = csrf_of(admin, "/admin/users")
    short = admin.post(
        "/admin/users",
        data={"csrf": token, "username": "new", "password": "short", "role": "reviewer"},
    )
    assert short.status_code == 400 and "at least 10" in short.text
    bad_role = admin.post(
        "/admin/users",
        data={"csrf": token, "username": "new", "password": PASSWORD, "role": "root"},
    )
    assert bad_role.status_code == 400 and "unknown role" in bad_role.text
    ok = admin.post(
        "/admin/users",
        data={"csrf": token, "username": "new", "password": PASSWORD, "role": "reviewer"},
    )
    assert ok.status_code == 200 and "new" in ok.text
    assert (
        admin.post("/admin/users/admin", data={"csrf": token, "role": "auditor"}).status_code == 400
    )


def test_accounts_store_only_argon2_hashes(project: ProjectConfig) -> None:
    accounts = cheap_accounts(project.store_url())
    accounts.create("zhang", PASSWORD, Role.REVIEWER)
    from sqlalchemy import select

    from hegui.console.tables import users

    with accounts.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate("zhang", PASSWORD) is not None
    assert accounts.authenticate("zhang", PASSWORD + "x") is None
    with pytest.raises(ConsoleError, match="exists"):
        accounts.create("zhang", PASSWORD, Role.REVIEWER)
    with pytest.raises(ConsoleError, match="invalid username"):
        accounts.create("<script>", PASSWORD, Role.REVIEWER)
    assert isinstance(accounts, AccountStore)


def test_language_from_browser_session_and_account(
    app: FastAPI, client_for: Callable[[str], TestClient]
) -> None:
    assert from_accept_language("en-US,en;q=0.9,zh;q=0.5") == "en"
    assert from_accept_language("fr, zh-CN;q=0.8, en;q=0.7") == "zh"
    assert from_accept_language("fr") is None
    assert choose(None, None, "de") == "zh"
    assert choose("en", "zh", None) == "en"
    with TestClient(app) as client:
        assert "Sign in" in client.get("/login", headers={"Accept-Language": "en"}).text
        assert "登录" in client.get("/login").text
    reviewer = client_for("reviewer")
    assert "评估运行" in reviewer.get("/runs").text
    token = csrf_of(reviewer, "/runs")
    reviewer.post("/language", data={"csrf": token, "lang": "en", "back": "/runs"})
    assert "Assessment runs" in reviewer.get("/runs").text
    # the choice is kept on the account: a new session starts in English
    again = client_for("reviewer")
    assert "Assessment runs" in again.get("/runs").text


def test_a_newer_console_schema_is_refused(project: ProjectConfig) -> None:
    from sqlalchemy import update

    from hegui.console.tables import console_meta
    from hegui.errors import StoreError

    accounts = cheap_accounts(project.store_url())  # creates the tables at version 1
    with accounts.engine.begin() as conn:
        conn.execute(update(console_meta).values(value="99"))
    with pytest.raises(StoreError, match="newer than this hegui"):
        create_app(ConsoleSettings(project=project, dev=True))
    accounts.engine.dispose()
