"""The target protocol: the service under test, behind one async call."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from hegui.errors import TargetError
from hegui.records import BankItem, TargetInfo, TargetResponse


class ContentFilteredError(TargetError):
    """The endpoint's own content filter withheld the whole answer (``finish_reason`` is
    ``content_filter`` and there is no text).

    A subclass of :class:`~hegui.errors.TargetError`, so it is not retried; the engine may choose
    to record it as a refusal by the service rather than as an error.
    """

    def __init__(self, message: str, *, model: str | None = None):
        super().__init__(message)
        self.model = model


@runtime_checkable
class Target(Protocol):
    """A model or service that answers bank items.

    ``send`` raises :class:`hegui.errors.RetryableTargetError` for failures worth retrying (the
    engine retries them) and :class:`hegui.errors.TargetError` for the rest; it never returns an
    empty answer in place of an error. ``sample`` numbers repeated asks of the same item.
    """

    @property
    def info(self) -> TargetInfo:
        """What the run records about this target (no secrets)."""
        ...

    async def send(self, item: BankItem, sample: int = 0) -> TargetResponse:
        """Ask the item's conversation and return the answer."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
