"""Request bodies of the OpenAI API: validate what the gateway relies on, find the texts to
check, and write redactions back. Everything else in a body passes through untouched.
"""

from __future__ import annotations

from collections.abc import MutableMapping, MutableSequence
from dataclasses import dataclass, field
from typing import Any, Literal

from hegui.gateway.errors import ApiError, bad_request
from hegui.gateway.records import Redaction, apply_redactions
from hegui.targets.openai_wire import JSON_ERRORS, loads

Scope = Literal["last_user", "all_user", "all"]
_ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
_SEP = "\n"


@dataclass(slots=True)
class InputTexts:
    """The texts of a request the input chain checks, joined by newlines, and where each came
    from (so redactions can be written back into the body)."""

    parts: list[tuple[MutableMapping[str, Any] | MutableSequence[Any], Any, str]] = field(
        default_factory=list
    )
    """(container, key, text): ``container[key]`` holds ``text``."""

    @property
    def text(self) -> str:
        """All checked texts, newline-joined."""
        return _SEP.join(p[2] for p in self.parts)

    def apply(self, redactions: tuple[Redaction, ...]) -> None:
        """Write redactions (offsets into :attr:`text`) back into the body."""
        offset = 0
        for container, key, text in self.parts:
            end = offset + len(text)
            local = [
                Redaction(max(r.start, offset) - offset, min(r.end, end) - offset, r.replacement)
                for r in redactions
                if r.start < end and r.end > offset
            ]
            if local:
                container[key] = apply_redactions(text, local)
            offset = end + len(_SEP)


def parse_object(body: bytes) -> dict[str, Any]:
    """The JSON object of a request body, or a 400."""
    if not body:
        raise bad_request("the request body is empty; send a JSON object", code="invalid_json")
    try:
        data = loads(body)
    except JSON_ERRORS:
        raise bad_request("the request body is not valid JSON", code="invalid_json") from None
    if not isinstance(data, dict):
        raise bad_request("the request body must be a JSON object", code="invalid_json")
    return data


def _model(data: dict[str, Any]) -> str:
    model = data.get("model")
    if not isinstance(model, str) or not model:
        raise bad_request("'model' must be a non-empty string", param="model")
    return model


def _stream(data: dict[str, Any]) -> bool:
    stream = data.get("stream", False)
    if stream is None:
        return False
    if not isinstance(stream, bool):
        raise bad_request("'stream' must be true or false", param="stream")
    return stream


@dataclass(slots=True)
class ChatRequest:
    """A validated chat-completions request."""

    data: dict[str, Any]
    model: str
    stream: bool
    inputs: InputTexts


def chat_request(
    data: dict[str, Any], *, scope: Scope, non_text: str, max_messages: int
) -> ChatRequest:
    """Validate a ``/v1/chat/completions`` body and collect the texts to check."""
    model = _model(data)
    stream = _stream(data)
    messages = data.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("'messages' must be a non-empty array", param="messages")
    if len(messages) > max_messages:
        raise bad_request(f"at most {max_messages} messages are accepted", param="messages")
    last_user = -1
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(message, dict):
            raise bad_request(f"{where} must be an object", param=where)
        role = message.get("role")
        if role not in _ROLES:
            raise bad_request(
                f"{where}.role must be one of {sorted(_ROLES)}", param=f"{where}.role"
            )
        if role == "user":
            last_user = i
        content = message.get("content")
        if content is not None and not isinstance(content, str | list):
            raise bad_request(
                f"{where}.content must be a string or an array of parts", param=f"{where}.content"
            )
    inputs = InputTexts()
    for i, message in enumerate(messages):
        role = message["role"]
        if scope == "last_user" and i != last_user:
            continue
        if scope == "all_user" and role != "user":
            continue
        _collect(message, f"messages[{i}]", inputs, non_text)
    return ChatRequest(data, model, stream, inputs)


def _collect(message: dict[str, Any], where: str, inputs: InputTexts, non_text: str) -> None:
    content = message.get("content")
    if isinstance(content, str):
        inputs.parts.append((message, "content", content))
        return
    if content is None:
        return
    for j, part in enumerate(content):
        at = f"{where}.content[{j}]"
        if not isinstance(part, dict) or not isinstance(part.get("type"), str):
            raise bad_request(f"{at} must be an object with a 'type'", param=at)
        if part["type"] == "text":
            text = part.get("text")
            if not isinstance(text, str):
                raise bad_request(f"{at}.text must be a string", param=f"{at}.text")
            inputs.parts.append((part, "text", text))
        elif non_text == "reject":
            raise ApiError(
                400,
                f"{at} has type {part['type']!r}, which this gateway cannot check; only text "
                "parts are accepted",
                code="unsupported_content",
                param=at,
            )


@dataclass(slots=True)
class CompletionRequest:
    """A validated legacy completions request."""

    data: dict[str, Any]
    model: str
    stream: bool
    inputs: InputTexts


def completion_request(data: dict[str, Any]) -> CompletionRequest:
    """Validate a ``/v1/completions`` body: the prompt must be text (token ids cannot be checked
    and are refused)."""
    model = _model(data)
    stream = _stream(data)
    prompt = data.get("prompt")
    inputs = InputTexts()
    if isinstance(prompt, str):
        inputs.parts.append((data, "prompt", prompt))
    elif isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
        for i, text in enumerate(prompt):
            inputs.parts.append((prompt, i, text))
    else:
        raise bad_request(
            "'prompt' must be a string or a non-empty array of strings (token ids are not "
            "accepted: they cannot be checked)",
            param="prompt",
        )
    suffix = data.get("suffix")
    if isinstance(suffix, str) and suffix:
        inputs.parts.append((data, "suffix", suffix))
    return CompletionRequest(data, model, stream, inputs)
