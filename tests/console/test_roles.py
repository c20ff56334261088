"""Every console route declares its roles, and each role gets exactly what it declares."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from hegui.console.accounts import Role
from hegui.console.security import RoleGate
from hegui.gateway.complaints import ComplaintCategory, ComplaintIn
from hegui.gateway.identity.users import UserStore
from hegui.incidents import IncidentIn, IncidentSource, SourceKind
from hegui.incidents.complaints import ComplaintChannel
from tests.console.conftest import USERS, csrf_of

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/login/language")}


def _gate(route: APIRoute) -> RoleGate | None:
    found = [d.call for d in route.dependant.dependencies if isinstance(d.call, RoleGate)]
    assert len(found) <= 1, route.path
    return found[0] if found else None


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):  # FastAPI >= 0.13x wraps included routers
            found += _api_routes(route.original_router.routes)
    return found


def _routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    return [
        (method, route.path, route)
        for route in _api_routes(app.routes)
        for method in sorted(route.methods)
    ]


@pytest.fixture
def params(app: FastAPI, run_id: str) -> dict[str, str]:
    state = app.state.console
    user = UserStore(state.gateway_engine()).create_user("someone")
    complaint = state.desk().enter(
        ComplaintIn(category=ComplaintCategory.OTHER, description="测试投诉"),
        channel=ComplaintChannel.PHONE,
        actor="test",
    )
    incident = state.incidents().open(
        IncidentIn(title="测试事件", source=IncidentSource(kind=SourceKind.MANUAL)), actor="test"
    )
    return {
        "run_id": run_id,
        "user_id": user.id,
        "complaint_id": complaint.id,
        "incident_id": incident.id,
        "username": "reviewer2",
        "fmt": "csv",
    }


def _path(template: str, params: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: params[m.group(1)], template)


def test_every_route_but_sign_in_declares_roles(app: FastAPI) -> None:
    routes = _routes(app)
    assert len(routes) >= 25
    for method, path, route in routes:
        if (method, path) in PUBLIC:
            assert _gate(route) is None
        else:
            assert _gate(route) is not None, f"{method} {path} has no role gate"


def test_signed_out_requests_go_to_sign_in(app: FastAPI, params: dict[str, str]) -> None:
    with TestClient(app) as client:
        token = csrf_of(client)
        for method, path, _route in _routes(app):
            if (method, path) in PUBLIC:
                continue
            url = _path(path, params)
            response = client.request(method, url, data={"csrf": token}, follow_redirects=False)
            assert response.status_code == 303, f"{method} {url}"
            assert response.headers["location"].startswith("/login")
            htmx = client.request(
                method, url, headers={"HX-Request": "true"}, follow_redirects=False
            )
            assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/login"


@pytest.mark.parametrize("username", sorted(USERS))
def test_each_role_reaches_only_its_routes(
    app: FastAPI,
    params: dict[str, str],
    client_for: Callable[[str], TestClient],
    username: str,
) -> None:
    role = USERS[username]
    client = client_for(username)
    token = csrf_of(client, "/runs")
    for method, path, route in _routes(app):
        gate = _gate(route)
        if gate is None or path in ("/logout",):
            continue
        url = _path(path, params)
        response = client.request(method, url, data={"csrf": token}, follow_redirects=False)
        if role in gate.roles:
            assert response.status_code not in (401, 403, 500), f"{username} {method} {url}"
        else:
            assert response.status_code == 403, f"{username} {method} {url}"


def test_roles_are_as_documented(app: FastAPI) -> None:
    gates = {(m, p): _gate(r) for m, p, r in _routes(app)}
    writes = [(m, p) for (m, p), g in gates.items() if m == "POST" and g is not None]
    # an auditor changes nothing but their own session and language
    for key in writes:
        if key[1] not in ("/logout", "/language"):
            assert Role.AUDITOR not in gates[key].roles, key  # type: ignore[union-attr]
    assert Role.REVIEWER not in gates[("GET", "/audit")].roles  # type: ignore[union-attr]
    assert gates[("POST", "/review/{run_id}")].roles == {Role.ADMIN, Role.REVIEWER}  # type: ignore[union-attr]
    assert gates[("POST", "/gateway/users/{user_id}/suspend")].roles == {Role.ADMIN}
    # a reviewer opens incidents and adds notes, but cannot close them
    assert Role.REVIEWER in gates[("POST", "/incidents")].roles  # type: ignore[union-attr]
    assert gates[("POST", "/incidents/{incident_id}/close")].roles == {Role.ADMIN}  # type: ignore[union-attr]


def test_state_changing_requests_need_the_csrf_token(
    client_for: Callable[[str], TestClient], params: dict[str, str]
) -> None:
    client = client_for("admin")
    for url in (
        f"/gateway/users/{params['user_id']}/suspend",
        "/admin/users",
        f"/review/{params['run_id']}/queue",
        "/logout",
    ):
        assert client.post(url, data={"reason": "x"}).status_code == 403
        assert client.post(url, data={"csrf": "forged" * 8}).status_code == 403
    # the session survived every forged request
    assert client.get("/runs", follow_redirects=False).status_code == 200
