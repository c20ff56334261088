"""Fuzzing the gateway through its OpenAPI document (schemathesis): every generated request,
valid or not, gets a documented status and an error object, never a server error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.gateway.harness import (
    GatewayServer,
    Loop,
    Upstream,
    gateway_config,
    start_gateway,
    unique,
    verified_user,
)


@pytest.fixture(scope="module")
def fuzzed(
    loop: Loop, upstream: Upstream, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[GatewayServer, str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'gw.db'}"
    # no enforcement ladder in the way: the fuzzer must reach every code path many times
    config = gateway_config(
        upstream.url,
        enforcement={"consecutive_limit": 10**6, "daily_limit": 10**6, "limit_at": 10**6},
    )
    server = start_gateway(loop, url, config)
    yield server, verified_user(url, unique("fuzz"))[1]
    server.stop()


@pytest.fixture(scope="module")
def operations(fuzzed: tuple[GatewayServer, str]) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(fuzzed[0].url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


# The upstream, not the gateway, decides whether well-formed parameters are acceptable, so
# "positive data is accepted" does not hold for a proxy; every other check applies.
EXCLUDED = [positive_data_acceptance]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


# schemathesis' own pytest integration does not run under pytest 9, so cases are drawn from its
# strategies inside a plain hypothesis test.
@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@given(data=st.data())
def test_fuzz(
    data: st.DataObject,
    fuzzed: tuple[GatewayServer, str],
    operations: list[schemathesis.APIOperation],
) -> None:
    server, key = fuzzed
    operation = data.draw(st.sampled_from(operations), label="operation")
    mode = data.draw(st.sampled_from(MODES), label="mode")
    case = data.draw(operation.as_strategy(mode), label="case")
    response = case.call_and_validate(
        base_url=server.url,
        headers={"Authorization": f"Bearer {key}"},
        excluded_checks=EXCLUDED,
    )
    assert response.status_code != 500
