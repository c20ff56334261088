"""The target protocol: the service under test, behind one async call."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from hegui.records import BankItem, TargetInfo, TargetResponse


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
