"""Parsing of non-streamed answers and HTTP error classification (pure, no I/O)."""

from __future__ import annotations

import json

import pytest

from hegui.errors import RetryableTargetError, TargetError
from hegui.targets.openai_wire import Endpoint, http_error, parse_completion

EP = Endpoint(
    url="http://x/v1/chat/completions", base_url="http://x/v1", model="m", api_key_env="K"
)


def body(**data: object) -> bytes:
    return json.dumps(data).encode()


def test_content_given_as_parts_is_joined() -> None:
    parts = [{"type": "text", "text": "一"}, {"type": "image_url"}, {"type": "text", "text": "二"}]
    raw = body(choices=[{"message": {"content": parts}, "finish_reason": "stop"}])
    assert parse_completion(raw, EP).text == "一二"


def test_missing_or_empty_choices() -> None:
    with pytest.raises(TargetError, match="no 'choices'"):
        parse_completion(body(id="x"), EP)
    with pytest.raises(TargetError, match="no 'choices'"):
        parse_completion(body(choices=[]), EP)
    with pytest.raises(TargetError, match="expected a JSON object"):
        parse_completion(b"[1]", EP)


def test_error_object_in_a_200_answer() -> None:
    with pytest.raises(RetryableTargetError, match="busy"):
        parse_completion(body(error={"message": "busy", "code": 503}), EP)
    with pytest.raises(TargetError, match="nope") as caught:
        parse_completion(body(error={"message": "nope", "code": "invalid"}), EP)
    assert not isinstance(caught.value, RetryableTargetError)


def test_no_content_says_why() -> None:
    raw = body(choices=[{"message": {"content": None}, "finish_reason": "length"}])
    with pytest.raises(TargetError, match=r"no text content.*max_tokens too small"):
        parse_completion(raw, EP)
    empty = body(choices=[{"message": {"content": ""}, "finish_reason": "stop"}])
    assert parse_completion(empty, EP).text == ""  # an empty answer is an answer, not an error


def test_truncated_json_is_retryable_html_is_not() -> None:
    with pytest.raises(RetryableTargetError, match="truncated JSON"):
        parse_completion(b'{"choices": [{"mess', EP)
    with pytest.raises(TargetError, match="not JSON") as caught:
        parse_completion(b"<html>login</html>", EP)
    assert not isinstance(caught.value, RetryableTargetError)


@pytest.mark.parametrize(
    ("status", "retryable", "pattern"),
    [
        (401, False, "environment variable K"),
        (403, False, "environment variable K"),
        (404, False, "base_url"),
        (400, False, "rejected the request"),
        (418, False, "HTTP 418"),
        (429, True, "lower target.rate_limit"),
        (500, True, "HTTP 500"),
        (502, True, "HTTP 502"),
        (503, True, "HTTP 503"),
    ],
)
def test_http_status_classification(status: int, retryable: bool, pattern: str) -> None:
    error = http_error(status, {}, body(error={"message": "server says"}), EP)
    assert isinstance(error, RetryableTargetError) == retryable
    assert "server says" in str(error)
    assert pattern in str(error)


def test_retry_after_header_is_carried() -> None:
    error = http_error(429, {"Retry-After": "7"}, b"", EP)
    assert isinstance(error, RetryableTargetError) and error.retry_after == 7.0
    assert "(empty body)" in str(error)


def test_401_without_a_key_variable_says_to_configure_one() -> None:
    no_key = Endpoint(url="u", base_url="b", model="m", api_key_env=None)
    assert "set target.api_key_env" in str(http_error(401, {}, b"", no_key))
