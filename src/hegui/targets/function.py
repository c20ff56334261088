"""A Python function as the target, for library users who call their model in-process."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any

from hegui.errors import ConfigError, HeguiError, TargetError
from hegui.records import BankItem, TargetInfo, TargetResponse

ChatMessages = list[dict[str, str]]
"""The conversation as OpenAI-style ``[{"role": …, "content": …}, …]``."""

ChatFunction = Callable[[ChatMessages], "str | TargetResponse | Awaitable[str | TargetResponse]"]
"""``fn(messages) -> str | TargetResponse``, plain or ``async``."""


def _is_async(fn: object) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(
        getattr(fn, "__call__", None)  # noqa: B004 - an object with an async __call__
    )


class CallableTarget:
    """Wraps ``fn(messages) -> str | TargetResponse``.

    Async functions are awaited; plain ones run in a worker thread (``asyncio.to_thread``) so a
    blocking model call does not stall the event loop. Exceptions other than hegui's own
    become a :class:`TargetError` naming the function (raise
    :class:`~hegui.errors.RetryableTargetError` yourself for failures worth retrying).
    ``version`` goes into the identity: change it when the function's behaviour changes.
    """

    def __init__(
        self, fn: ChatFunction, *, name: str | None = None, version: str | None = None
    ) -> None:
        if not callable(fn):
            raise ConfigError(f"{fn!r} is not callable", field="target.function")
        self.fn = fn
        self._async = _is_async(fn)
        qualified = f"{getattr(fn, '__module__', '?')}:{getattr(fn, '__qualname__', repr(fn))}"
        self._qualified = qualified
        self._info = TargetInfo(
            kind="callable",
            name=name or getattr(fn, "__name__", qualified),
            identity=f"callable|{qualified}|version={version or '-'}",
            details={"function": qualified, "version": version, "async": self._async},
        )

    @property
    def info(self) -> TargetInfo:
        """The function's import path and version."""
        return self._info

    async def send(self, item: BankItem, sample: int = 0) -> TargetResponse:
        """Call the function with the item's conversation."""
        messages = [{"role": m.role, "content": m.content} for m in item.conversation()]
        start = time.perf_counter()
        try:
            if self._async:
                result = await self.fn(messages)  # type: ignore[misc]
            else:
                result = await asyncio.to_thread(self.fn, messages)
        except HeguiError:
            raise
        except Exception as exc:
            raise TargetError(
                f"{self._qualified} raised {type(exc).__name__} for item {item.id!r}: {exc}"
            ) from exc
        latency = time.perf_counter() - start
        if isinstance(result, str):
            return TargetResponse(text=result, latency_s=latency)
        if isinstance(result, TargetResponse):
            return result if result.latency_s else result.model_copy(update={"latency_s": latency})
        raise TargetError(
            f"{self._qualified} returned {type(result).__name__} for item {item.id!r}; "
            "it must return str or hegui.records.TargetResponse"
        )

    async def aclose(self) -> None:
        """Nothing to release."""


def import_function(path: str) -> Callable[..., Any]:
    """Import ``package.module:attr.attr`` and return the callable; ConfigError if impossible."""
    module_name, _, attr_path = path.partition(":")
    if not module_name or not attr_path:
        raise ConfigError(f"{path!r} is not 'module:function'", field="target.function")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(
            f"cannot import module {module_name!r} ({exc}); is it on PYTHONPATH?",
            field="target.function",
        ) from None
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ConfigError(
                f"module {module_name!r} has no attribute {attr_path!r}", field="target.function"
            ) from None
    if not callable(obj):
        raise ConfigError(f"{path!r} is not callable", field="target.function")
    return obj  # type: ignore[no-any-return]
