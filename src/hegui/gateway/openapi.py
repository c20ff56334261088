"""The OpenAPI description of the gateway's bodies and answers (what schemathesis fuzzes).

Request bodies are read raw (unknown fields pass through to the upstream), so their schemas are
declared here rather than derived from models; they state exactly what the gateway validates.
"""

from __future__ import annotations

from typing import Any

from hegui.gateway.complaints import ComplaintCategory
from hegui.gateway.errors import ERROR_SCHEMA

_PART = {
    "type": "object",
    "required": ["type"],
    "properties": {"type": {"type": "string"}, "text": {"type": "string"}},
}
_MESSAGE = {
    "type": "object",
    "required": ["role"],
    "properties": {
        "role": {
            "type": "string",
            "enum": ["system", "developer", "user", "assistant", "tool", "function"],
        },
        "content": {
            "anyOf": [{"type": "string"}, {"type": "array", "items": _PART}, {"type": "null"}]
        },
    },
}
_COMMON = {
    "model": {"type": "string", "minLength": 1},
    "stream": {"type": "boolean"},
}
"""Only what the gateway itself checks; other parameters pass through to the upstream, which
validates them (and its 4xx answers are passed back)."""


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


CHAT_BODY = _body(
    {
        "type": "object",
        "required": ["model", "messages"],
        "properties": {
            **_COMMON,
            "messages": {"type": "array", "minItems": 1, "items": _MESSAGE},
        },
        "additionalProperties": True,
    }
)
COMPLETION_BODY = _body(
    {
        "type": "object",
        "required": ["model", "prompt"],
        "properties": {
            **_COMMON,
            "prompt": {
                "anyOf": [
                    {"type": "string"},
                    {"type": "array", "minItems": 1, "items": {"type": "string"}},
                ]
            },
        },
        "additionalProperties": True,
    }
)
COMPLAINT_BODY = _body(
    {
        "type": "object",
        "required": ["category", "description"],
        "properties": {
            "category": {"type": "string", "enum": [c.value for c in ComplaintCategory]},
            "description": {"type": "string", "minLength": 1, "maxLength": 20000},
            "request_id": {
                "anyOf": [
                    {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9_\\-]+$"},
                    {"type": "null"},
                ]
            },
            "contact": {"anyOf": [{"type": "string", "maxLength": 256}, {"type": "null"}]},
        },
        "additionalProperties": False,
    }
)

_DESCRIPTIONS = {
    200: "OK",
    201: "Created",
    400: "Malformed request, or input refused by the content policy",
    401: "Missing, invalid or revoked API key",
    403: "Account not verified, suspended, or outside the minors' hours",
    404: "Unknown model or object",
    413: "Body too large",
    415: "Body is not JSON",
    429: "Rate limited (account limit, minors' daily cap, or the upstream)",
    502: "Upstream failed",
    503: "Not ready, or the event log cannot be written",
    504: "Upstream timed out",
}


def responses(*codes: int, stream: bool = False) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route: success bodies and the error object for the rest."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        if code < 300:
            content: dict[str, Any] = {"application/json": {"schema": {"type": "object"}}}
            if stream:
                content["text/event-stream"] = {"schema": {}}  # JSON chunks, then [DONE]
        else:
            content = {"application/json": {"schema": ERROR_SCHEMA}}
        out[code] = {"description": _DESCRIPTIONS[code], "content": content}
    return out
