"""OpenAI-style error answers: ``{"error": {"message", "type", "param", "code"}}``.

Every failure the gateway answers with goes through :class:`ApiError`, so clients built on the
OpenAI SDKs raise their usual exception types (``BadRequestError``, ``AuthenticationError``,
``PermissionDeniedError``, ``RateLimitError``…). Messages never carry request content.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from hegui.errors import HeguiError
from hegui.targets.openai_wire import dumps

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    502: "upstream_error",
    503: "service_unavailable",
    504: "upstream_error",
}


class ApiError(HeguiError):
    """A failure answered to the client with ``status`` and an OpenAI error object."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str,
        param: str | None = None,
        kind: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.kind = kind or _TYPES.get(status, "invalid_request_error")
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        """The JSON error object."""
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.kind,
            "param": self.param,
            "code": self.code,
        }
        return {"error": error, **self.extra}

    def response(self, headers: dict[str, str] | None = None) -> Response:
        """The HTTP response."""
        return Response(
            dumps(self.body()),
            status_code=self.status,
            media_type="application/json",
            headers={**self.headers, **(headers or {})},
        )


def bad_request(
    message: str, *, param: str | None = None, code: str = "invalid_request"
) -> ApiError:
    """A 400 for a malformed request."""
    return ApiError(400, message, code=code, param=param)


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type", "code"],
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"]},
            },
        }
    },
}
"""JSON Schema of an error answer (for the OpenAPI document)."""
