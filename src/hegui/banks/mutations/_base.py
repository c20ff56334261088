"""The mutation protocol: a named, self-describing transform of a bank item's conversation."""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from hegui.records import Message

Translate = Callable[[str, str], str]
"""``translate(text, language)`` → ``text`` in ``language`` (``en``, ``zh``…)."""


@dataclass(frozen=True)
class MutationContext:
    """What a mutation may use besides the item: the risk's name, and an optional translator."""

    topic: str
    """The item's risk or aspect in words (for escalation scripts)."""
    language: str
    """The item's language (``zh``, ``en``…)."""
    translate: Translate | None = None


@dataclass(frozen=True)
class Variant:
    """One mutated conversation, with what distinguishes it (a template id…), if anything."""

    messages: tuple[Message, ...]
    detail: str | None = None


class Mutation(ABC):
    """A composable transform of a conversation. Subclasses set the class attributes.

    :meth:`apply` returns ``None`` when the mutation does not apply (``leetspeak`` on text
    without Latin letters, ``pinyin`` on English); such rows are counted, never silent.
    """

    name: str
    """The ``--with`` name and the ``mutation:`` tag value."""
    goal: str
    """What attack style it stands for, in one sentence."""
    languages: tuple[str, ...] = ()
    """Item languages it applies to; empty means any."""

    def applies_to(self, language: str) -> bool:
        """Whether items in ``language`` can be mutated."""
        return not self.languages or language in self.languages

    @abstractmethod
    def apply(
        self, messages: tuple[Message, ...], rng: random.Random, context: MutationContext
    ) -> Variant | None:
        """The mutated conversation, or ``None`` when the mutation does not apply."""


class TextMutation(Mutation):
    """A mutation of the last user turn's text only (encodings, framings)."""

    @abstractmethod
    def transform(
        self, text: str, rng: random.Random, context: MutationContext
    ) -> tuple[str, str | None] | None:
        """The new text and a detail (or ``None``), or ``None`` when nothing would change."""

    def apply(
        self, messages: tuple[Message, ...], rng: random.Random, context: MutationContext
    ) -> Variant | None:
        """Replace the last user turn by :meth:`transform` of it."""
        done = self.transform(messages[-1].content, rng, context)
        if done is None or done[0] == messages[-1].content:
            return None
        text, detail = done
        return Variant((*messages[:-1], Message(role="user", content=text)), detail)
