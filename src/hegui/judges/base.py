"""The judge protocol: one attempt in, one typed verdict out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from hegui.records import Attempt, Verdict


@runtime_checkable
class Judge(Protocol):
    """Decides one thing about an attempt's answer.

    A judge never guesses: when it cannot decide it returns a verdict labelled ``unscored``
    (:data:`hegui.records.UNSCORED`) with the reason in ``rationale``. ``name`` and ``version``
    are recorded with every verdict so a stored run can be re-judged and audited.
    """

    name: str
    version: str
    labels: tuple[str, ...]
    """The labels this judge can return besides ``unscored``."""

    async def judge(self, attempt: Attempt) -> Verdict:
        """Judge one attempt."""
        ...
